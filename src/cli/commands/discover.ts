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

Exit status: 0 (also without SGX), 2 for bad options.
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
      new HostFs(values['host-root']),
      epc === undefined ? {} : { epcOverrideBytes: epc },
    );
    // In JSON, unknown values are null rather than missing keys, so that scripts see every field.
    const json = (): string => JSON.stringify(found, (_k, v: unknown) => (v === undefined ? null : v), 2);
    process.stdout.write(values.json ? json() + '\n' : formatDiscovery(found) + '\n');
    return 0;
  },
};

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
