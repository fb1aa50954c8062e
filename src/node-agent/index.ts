/** The node agent's public surface: discovery, usage, enforcement, sampling, metrics. */
export { HostFs } from './host/host-fs.js';
export { describeProblem, type Problem } from './host/problems.js';
export { discoverSgx, type DiscoverOptions } from './discovery/discover.js';
export { formatDiscovery } from './discovery/format.js';
export type { SgxDiscovery, SgxDriver, EpcSource, CgroupVersion } from './discovery/types.js';
export {
  scanPodCgroups,
  podUidFromCgroupName,
  type CgroupDriver,
  type PodCgroup,
} from './cgroup/pod-cgroups.js';
export { UnmeasuredUsageSource, type UsageSource, type UsageSample } from './usage/usage-source.js';
export { MiscCgroupUsageSource } from './usage/misc-cgroup-source.js';
export {
  MiscMaxLimitEnforcer,
  NoopLimitEnforcer,
  type LimitEnforcer,
  type EnforcementState,
  type EpcLimit,
} from './enforcement/limit-enforcer.js';
export { NodeAgentMetrics } from './metrics/agent-metrics.js';
export { createMetricsServer } from './metrics/http-server.js';
export { Sampler, type SampleReport } from './agent/sampler.js';
export type { Logger, LogLevel } from './agent/log.js';
export {
  UNREQUESTED_EPC_POLICIES,
  type NodePod,
  type NodePodContainer,
  type UnrequestedEpcPolicy,
} from './agent/node-pod.js';
export { allocationEnv, epcLimitForAllocation, EPC_LIMIT_ENV } from './agent/epc-env.js';
export { selectBackends } from './agent/backends.js';
