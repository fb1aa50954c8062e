import type { ClusterSnapshot } from '../snapshot/cluster-snapshot.js';
import type { NodeView } from '../model/node.js';
import type { PodView } from '../model/pod.js';
import type { Profile } from './profile.js';
import type { Decision, NodeVerdict, ScheduleContext, Status } from './types.js';

/**
 * THE seam: picks a node for `pod` (or none, with reasons). Pure: it reads the snapshot and draws
 * from `ctx.rng`, and the caller applies the decision (e.g. `snapshot.assume(pod, decision.node)`).
 */
export function schedule(
  snapshot: ClusterSnapshot,
  pod: PodView,
  profile: Profile,
  ctx: ScheduleContext,
): Decision {
  void [snapshot, pod, profile, ctx];
  throw new Error('not implemented');
}

/**
 * The same decision computed by scanning every node (no index): the reference the indexed path is
 * tested against, and the definition of what `schedule` must return. O(nodes) per call.
 */
export function scheduleByScan(
  snapshot: ClusterSnapshot,
  pod: PodView,
  profile: Profile,
  ctx: ScheduleContext,
): Decision {
  void [snapshot, pod, profile, ctx];
  throw new Error('not implemented');
}

/** Runs every filter of the profile on one node; Success or the first failing status's reasons. */
export function filterNode(node: NodeView, pod: PodView, profile: Profile, ctx: ScheduleContext): Status {
  void [node, pod, profile, ctx];
  throw new Error('not implemented');
}

/** Per-node account (status for every node, scores for feasible ones), built on demand. O(nodes). */
export function explain(
  snapshot: ClusterSnapshot,
  pod: PodView,
  profile: Profile,
  ctx: ScheduleContext,
): NodeVerdict[] {
  void [snapshot, pod, profile, ctx];
  throw new Error('not implemented');
}

export interface CandidateFailure {
  readonly node: string;
  readonly status: Status;
}

export interface CandidateFilterResult {
  /** Candidates that pass, in the order given. */
  readonly feasible: readonly string[];
  /** Candidates that fail; `status.code` says resolvable (`Unschedulable`) or not. Unknown names fail. */
  readonly failed: readonly CandidateFailure[];
}

/** Filters a candidate list (the extender's `filter` verb). O(candidates). */
export function filterCandidates(
  snapshot: ClusterSnapshot,
  pod: PodView,
  profile: Profile,
  ctx: ScheduleContext,
  nodeNames: readonly string[],
): CandidateFilterResult {
  void [snapshot, pod, profile, ctx, nodeNames];
  throw new Error('not implemented');
}

export interface CandidateScore {
  readonly node: string;
  /** Integer 0..100; infeasible or unknown candidates score 0. */
  readonly score: number;
}

/**
 * Scores a candidate list 0..100 (the extender's `prioritize` verb), in the order given. The node
 * the profile would choose among these candidates gets the highest score. O(candidates) apart from
 * the kube-style scorers' own work.
 */
export function scoreCandidates(
  snapshot: ClusterSnapshot,
  pod: PodView,
  profile: Profile,
  ctx: ScheduleContext,
  nodeNames: readonly string[],
): CandidateScore[] {
  void [snapshot, pod, profile, ctx, nodeNames];
  throw new Error('not implemented');
}
