import type { CgroupDriver } from '../cgroup/pod-cgroups.js';
import type { SgxDiscovery } from '../discovery/types.js';
import {
  MiscMaxLimitEnforcer,
  NoopLimitEnforcer,
  type LimitEnforcer,
} from '../enforcement/limit-enforcer.js';
import type { HostFs } from '../host/host-fs.js';
import { MiscCgroupUsageSource } from '../usage/misc-cgroup-source.js';
import { UnmeasuredUsageSource, type UsageSource } from '../usage/usage-source.js';

/**
 * Picks the usage source and the enforcer this host supports: the misc cgroup where the kernel
 * offers `sgx_epc`, otherwise "unmeasured" and "unsupported" (the agent keeps working on requests).
 */
export function selectBackends(
  host: HostFs,
  discovery: SgxDiscovery,
  options: { readonly enforce: boolean; readonly cgroupDriver?: CgroupDriver },
): { usage: UsageSource; enforcer: LimitEnforcer } {
  const root = discovery.cgroup.miscRoot;
  if (root === undefined || !discovery.cgroup.sgxEpcMisc) {
    return {
      usage: new UnmeasuredUsageSource(),
      enforcer: new NoopLimitEnforcer(options.enforce ? 'unsupported' : 'disabled'),
    };
  }
  return {
    usage: new MiscCgroupUsageSource(host, root, options.cgroupDriver),
    enforcer: options.enforce
      ? new MiscMaxLimitEnforcer(host, root, options.cgroupDriver)
      : new NoopLimitEnforcer('disabled'),
  };
}
