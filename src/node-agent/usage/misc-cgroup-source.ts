import { posix } from 'node:path';
import type { CgroupDriver } from '../cgroup/pod-cgroups.js';
import { scanPodCgroups } from '../cgroup/pod-cgroups.js';
import type { HostFs } from '../host/host-fs.js';
import type { Problem } from '../host/problems.js';
import { parseFlatKeyed, SGX_EPC_MISC_RESOURCE } from '../parse/flat-keyed.js';
import type { UsageSample, UsageSource } from './usage-source.js';

/**
 * Per-pod EPC usage from the misc cgroup controller: the `sgx_epc` line of each pod cgroup's
 * `misc.current` (resident EPC of every process in the pod, children included).
 */
export class MiscCgroupUsageSource implements UsageSource {
  readonly name = 'misc-cgroup';
  private readonly host: HostFs;
  private readonly miscRoot: string;
  private readonly driver: CgroupDriver | undefined;

  constructor(host: HostFs, miscRoot: string, driver?: CgroupDriver) {
    this.host = host;
    this.miscRoot = miscRoot;
    this.driver = driver;
  }

  async sample(): Promise<UsageSample> {
    const scan = await scanPodCgroups(this.host, this.miscRoot, this.driver);
    const problems: Problem[] = [...scan.problems];
    const podBytes = new Map<string, number>();
    const readings = await Promise.all(
      scan.pods.map(async (pod) => ({ pod, r: await readSgxEpc(this.host, pod.path) })),
    );
    for (const { pod, r } of readings) {
      if ('problem' in r) problems.push(r.problem);
      // A pod whose cgroup has several incarnations (rare: a kubelet restart between drivers) sums.
      else podBytes.set(pod.uid, (podBytes.get(pod.uid) ?? 0) + r.bytes);
    }
    return { measured: true, podBytes, problems };
  }
}

/** Reads the `sgx_epc` value of a cgroup's `misc.current`; a cgroup without the line uses 0 bytes. */
export async function readSgxEpc(
  host: HostFs,
  cgroupPath: string,
): Promise<{ bytes: number } | { problem: Problem }> {
  const path = posix.join(cgroupPath, 'misc.current');
  const r = await host.read(path);
  if (!r.ok) {
    return {
      problem: {
        file: 'misc.current',
        path,
        reason: r.reason,
        detail:
          r.reason === 'missing'
            ? 'the misc controller is not enabled for this cgroup (cgroup.subtree_control)'
            : r.detail,
      },
    };
  }
  const flat = parseFlatKeyed(r.text);
  const value = flat.entries.get(SGX_EPC_MISC_RESOURCE);
  if (value === 'max' || (value === undefined && flat.badLines.length > 0)) {
    const found = value === 'max' ? '"sgx_epc max"' : JSON.stringify(flat.badLines[0]?.text ?? '');
    return {
      problem: {
        file: 'misc.current',
        path,
        reason: 'malformed',
        detail: `expected "sgx_epc <bytes>", found ${found}`,
      },
    };
  }
  return { bytes: value ?? 0 };
}
