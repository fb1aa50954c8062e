import { parseBytes } from '../../core/index.js';
import { discoverSgx, formatDiscovery, HostFs } from '../../node-agent/index.js';
import type { Command } from '../command.js';
import { CliError } from '../errors.js';
import { parseFlags, usageWithHelp } from '../flags.js';

const HELP = `Usage: sgx-orchestrator discover [options]

Reports what SGX this machine has, as the node agent sees it: CPU flags (sgx, sgx_lc), the driver
and its device nodes (/dev/sgx_enclave and /dev/sgx_provision, or the legacy /dev/isgx), the total
EPC (sum of /sys/devices/system/node/node*/x86/sgx_total_bytes, or the legacy driver's page count),
and whether the kernel offers the misc cgroup resource sgx_epc (per-pod usage and limits). A machine
without SGX is reported as such; that is not an error.

Options:
  --host-root <dir>     read /proc, /sys and /dev under this directory (default /), e.g. /host in a
                        container with the host mounted, or a fixture tree
  --epc-bytes <qty>     EPC size to assume when the kernel does not report it (e.g. 93.5Mi)
  --json                print the findings as JSON
  -h, --help            this help

Exit status: 0 (also without SGX), 2 for bad options, 3 when --host-root is not a host tree (missing,
or without proc and sys).
`;

export const command: Command = {
  name: 'discover',
  summary: 'show the SGX capabilities of this machine (driver, devices, EPC size, EPC cgroup)',
  help: HELP,
  async run(argv) {
    const { values } = parseFlags(
      argv,
      {
        'host-root': { type: 'string', default: '/' },
        'epc-bytes': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      usageWithHelp(HELP),
    );
    const epc = values['epc-bytes'] === undefined ? undefined : parseEpcBytes(values['epc-bytes']);
    const found = await discoverSgx(
      await hostFromFlag(values['host-root']),
      epc === undefined ? {} : { epcOverrideBytes: epc },
    );
    // In JSON, unknown values are null rather than missing keys, so that scripts see every field.
    const json = (): string => JSON.stringify(found, (_k, v: unknown) => (v === undefined ? null : v), 2);
    process.stdout.write(values.json ? json() + '\n' : formatDiscovery(found) + '\n');
    return 0;
  },
};

/**
 * The host tree named by `--host-root`. A directory that is not there, or that has no proc and sys, is
 * refused: read as a host, it would look like a machine without SGX, a wrong answer instead of an
 * error (a typo in the flag, or a mount missing from the pod).
 */
export async function hostFromFlag(root: string): Promise<HostFs> {
  const host = new HostFs(root);
  const what =
    "give the directory where the host's /proc, /sys and /dev are mounted (default /; /host in the node agent's DaemonSet)";
  if ((await host.kind('/')) !== 'directory') {
    throw new CliError('config', `--host-root ${root}: no such directory; ${what}`);
  }
  const missing: string[] = [];
  for (const dir of ['proc', 'sys']) if ((await host.kind(`/${dir}`)) !== 'directory') missing.push(dir);
  if (missing.length > 0) {
    throw new CliError(
      'config',
      `--host-root ${root}: has no ${missing.join(' and no ')} directory, so it is not a host tree; ${what}`,
    );
  }
  return host;
}

export function parseEpcBytes(text: string): number {
  try {
    const n = parseBytes(text);
    if (n > 0) return n;
  } catch {
    // fall through to the message below
  }
  throw new CliError(
    'usage',
    `--epc-bytes ${text}: expected a positive byte quantity such as 93.5Mi or 64Gi`,
  );
}
