/**
 * The public surface of the scheduling core. Everything outside src/core imports from here only.
 * The core is pure: no I/O, no clock (time comes in `ScheduleContext.now`), randomness only from
 * the injected `Rng`.
 */

// ---- model: quantities, resources, EPC, pods and nodes ----
export {
  parseQuantity,
  quantityToBytes,
  quantityToMillis,
  parseBytes,
  parseMillis,
  formatBytes,
  formatMillis,
  QuantityError,
} from './model/quantity.js';
export type { Quantity } from './model/quantity.js';
export {
  PAGE_BYTES,
  ZERO_RESOURCES,
  EPC_RESOURCE_UNITS,
  EPC_RESOURCE_NAMES,
  isEpcResourceName,
} from './model/resources.js';
export type { Resources, ResourceKind, EpcResourceName } from './model/resources.js';
export {
  epcBytesFromResource,
  usableEpcBytes,
  usableEpcPages,
  USABLE_EPC_128MIB_BYTES,
} from './model/epc.js';
export { effectiveRequest, addResources, subtractResources, maxResources } from './model/request.js';
export type { PodRequestParts } from './model/request.js';
export type { PodView, Toleration, TaintEffect, ContainerRequest } from './model/pod.js';
export type { NodeSpec, NodeView, MeasuredUsage, Taint } from './model/node.js';

// ---- framework: statuses, decisions, plugins, rng, profiles, the seam ----
export type {
  StatusCode,
  Reason,
  Status,
  NodeVerdict,
  ReasonSummary,
  Decision,
  ScheduleContext,
  SearchCursor,
  PreFilterPlugin,
  FilterPlugin,
  ScorePlugin,
} from './framework/types.js';
export { createRng, shuffle } from './framework/rng.js';
export type { Rng } from './framework/rng.js';
export {
  POLICY_NAMES,
  DEFAULT_RESOURCES,
  DEFAULT_SHAPE,
  SCORED_POLICIES,
  isScoredPolicy,
  parseProfileConfig,
  formatConfigIssues,
} from './framework/profile-config.js';
export type {
  PolicyName,
  UsageMode,
  ScorerResource,
  ShapePoint,
  ProfileConfig,
  ConfigIssue,
  ParseResult,
} from './framework/profile-config.js';
export type { Profile, Selection, WeightedScorer, NodeSampling } from './framework/profile.js';
export { feasibleNodesToFind, MIN_FEASIBLE_NODES_TO_FIND } from './framework/profile.js';
export { buildProfile } from './framework/build-profile.js';
export {
  schedule,
  scheduleByScan,
  explain,
  filterNode,
  filterCandidates,
  scoreCandidates,
} from './framework/schedule.js';
export type { CandidateFilterResult, CandidateFailure, CandidateScore } from './framework/schedule.js';
export { formatReason, formatUnschedulable } from './framework/format.js';

// ---- snapshot: the mutable, indexed cluster state the seam reads ----
export { ClusterSnapshot } from './snapshot/cluster-snapshot.js';
