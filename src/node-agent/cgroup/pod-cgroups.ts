import { posix } from 'node:path';
import type { HostFs } from '../host/host-fs.js';
import type { Problem } from '../host/problems.js';

/** How the kubelet names cgroups: `systemd` (`kubepods.slice/...`) or `cgroupfs` (`kubepods/...`). */
export type CgroupDriver = 'systemd' | 'cgroupfs';

export type QosClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

export interface PodCgroup {
  /** The pod UID with dashes (as in the API), whatever the cgroup driver. */
  readonly uid: string;
  /** Host path of the pod's cgroup directory. */
  readonly path: string;
  readonly qos: QosClass;
  readonly driver: CgroupDriver;
}

/** Pod UIDs are UUIDs for API pods and 32-hex hashes for static pods. */
const UID = /^[0-9a-fA-F][0-9a-fA-F-]{7,}$/;

/**
 * The pod UID encoded in a pod cgroup's directory name, or undefined for anything else (QoS
 * directories, container scopes). systemd: `kubepods-burstable-pod<uid with _>.slice` (systemd
 * reserves `-` as the slice separator, so the kubelet writes the UID's dashes as underscores) and
 * `kubepods-pod<uid>.slice` for Guaranteed pods. cgroupfs: `pod<uid>`.
 */
export function podUidFromCgroupName(name: string, driver: CgroupDriver): string | undefined {
  const m =
    driver === 'systemd'
      ? /^kubepods(?:-burstable|-besteffort)?-pod([0-9A-Za-z_]+)\.slice$/.exec(name)
      : /^pod([0-9A-Za-z-]+)$/.exec(name);
  const raw = m?.[1];
  if (raw === undefined) return undefined;
  const uid = driver === 'systemd' ? raw.replaceAll('_', '-') : raw;
  return UID.test(uid) ? uid : undefined;
}

const LAYOUTS: Record<CgroupDriver, { root: string; burstable: string; besteffort: string }> = {
  systemd: {
    root: 'kubepods.slice',
    burstable: 'kubepods-burstable.slice',
    besteffort: 'kubepods-besteffort.slice',
  },
  cgroupfs: { root: 'kubepods', burstable: 'burstable', besteffort: 'besteffort' },
};

export interface PodCgroupScan {
  readonly pods: readonly PodCgroup[];
  /** The driver whose layout was found, undefined when no kubepods hierarchy exists. */
  readonly driver: CgroupDriver | undefined;
  readonly problems: readonly Problem[];
}

/**
 * Lists the pod cgroups under the kubepods hierarchy of `miscRoot` (e.g. `/sys/fs/cgroup`). With
 * `driver` undefined, both layouts are tried (systemd first); a node uses one.
 */
export async function scanPodCgroups(
  host: HostFs,
  miscRoot: string,
  driver?: CgroupDriver,
): Promise<PodCgroupScan> {
  const drivers: CgroupDriver[] = driver === undefined ? ['systemd', 'cgroupfs'] : [driver];
  const problems: Problem[] = [];
  for (const d of drivers) {
    const layout = LAYOUTS[d];
    const root = posix.join(miscRoot, layout.root);
    const top = await host.subdirectories(root);
    if (!top.ok) {
      if (top.reason !== 'missing')
        problems.push({ file: 'cgroup_dir', path: root, reason: top.reason, detail: top.detail });
      continue;
    }
    const pods: PodCgroup[] = [];
    collect(pods, top.names, root, 'Guaranteed', d);
    for (const [qos, dir] of [
      ['Burstable', layout.burstable],
      ['BestEffort', layout.besteffort],
    ] as const) {
      if (!top.names.includes(dir)) continue;
      const path = posix.join(root, dir);
      const sub = await host.subdirectories(path);
      if (!sub.ok) {
        problems.push({ file: 'cgroup_dir', path, reason: sub.reason, detail: sub.detail });
        continue;
      }
      collect(pods, sub.names, path, qos, d);
    }
    return { pods, driver: d, problems };
  }
  return { pods: [], driver: undefined, problems };
}

function collect(
  out: PodCgroup[],
  names: readonly string[],
  parent: string,
  qos: QosClass,
  driver: CgroupDriver,
): void {
  for (const name of names) {
    const uid = podUidFromCgroupName(name, driver);
    if (uid !== undefined) out.push({ uid, path: posix.join(parent, name), qos, driver });
  }
}
