import type { ResourceKind, Resources } from '../model/resources.js';
import type { NodeView } from '../model/node.js';
import type { PodView } from '../model/pod.js';
import type { Rng } from './rng.js';

/**
 * Outcome codes of filters, as in kube-scheduler. Expected outcomes are codes, never exceptions.
 * - `Unschedulable`: may fit later (resources free up).
 * - `UnschedulableAndUnresolvable`: will not fit whatever happens (no SGX, taint, selector).
 */
export type StatusCode = 'Success' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Error';

/** Why a node was rejected: structured at the source so that messages, metrics and reports share it. */
export type Reason =
  | {
      readonly kind: 'insufficient';
      readonly resource: ResourceKind;
      readonly requested: number;
      /** What the node counts as used: max(measured, requested) for measured-usage profiles. */
      readonly used: number;
      /** Capacity times tolerance. */
      readonly capacity: number;
    }
  | { readonly kind: 'no-sgx' }
  | { readonly kind: 'node-unschedulable' }
  | { readonly kind: 'taint-not-tolerated'; readonly taint: string }
  | { readonly kind: 'node-selector-mismatch'; readonly label: string }
  | { readonly kind: 'other'; readonly message: string };

export interface Status {
  readonly code: StatusCode;
  readonly reasons: readonly Reason[];
}

/** Per-node account of a decision, built on demand (`explain`), never on the hot path. */
export interface NodeVerdict {
  readonly node: string;
  readonly status: Status;
  /** Weighted total over the profile's scorers, present for feasible nodes. */
  readonly score?: number;
  readonly scores?: Readonly<Record<string, number>>;
}

/** Rejections grouped by reason, e.g. "2 nodes: insufficient EPC (...); 3 nodes: no SGX". */
export interface ReasonSummary {
  readonly reason: Reason;
  readonly nodes: number;
}

export interface Decision {
  /** Chosen node, or undefined when the pod cannot be placed now. */
  readonly node: string | undefined;
  /** When no node was chosen: why, grouped (cheap: computed from the indexes). */
  readonly unschedulable: readonly ReasonSummary[];
  /** True when every rejection is unresolvable (no point retrying until the cluster changes shape). */
  readonly unresolvable: boolean;
  /** Notes for the decision trace, e.g. measured usage stale on N nodes, requests used instead. */
  readonly notes: readonly string[];
  /**
   * Set when a plugin misbehaved (e.g. a score outside 0..100): the cycle failed with status
   * `Error`, `node` is undefined, and this says which plugin and node. Not a pod problem.
   */
  readonly error?: string;
}

/** Context of one scheduling cycle. The core has no clock: `now` comes from the caller. */
export interface ScheduleContext {
  readonly rng: Rng;
  /** Current time in the same unit as `MeasuredUsage.epcAt`. */
  readonly now: number;
  /**
   * Where the next sampled search starts (kube-scheduler's `nextStartNodeIndex`), for profiles
   * with `percentageOfNodesToScore`: the caller keeps one across decisions and `schedule` moves it
   * past the nodes a search looked at. Absent: every search starts at the first candidate.
   */
  readonly cursor?: SearchCursor;
}

/** A position among a tier's candidate nodes, in candidate order (see `ScheduleContext.cursor`). */
export interface SearchCursor {
  next: number;
}

// ---- Plugin interfaces (one method each, as kube-scheduler's extension points). ----

export interface PreFilterPlugin {
  readonly name: string;
  preFilter(pod: PodView): Status;
}

export interface FilterPlugin {
  readonly name: string;
  filter(pod: PodView, node: NodeView, ctx: ScheduleContext): Status;
}

export interface ScorePlugin {
  readonly name: string;
  /** Raw score of a feasible node; the runner normalises (if `normalize` is set) and checks 0..100. */
  score(pod: PodView, node: NodeView, ctx: ScheduleContext): number;
  normalize?(scores: Float64Array): void;
  /**
   * Optional: the same score from numbers, for a plugin that reads only a node's amounts under the
   * profile's usage view (the kube-style resource scorers). The runner then scores the feasible
   * nodes of a large cluster from the index's rows, with no `NodeView` built per node (on the
   * 12,583 machines of the Borg cell, building them made a decision cost milliseconds).
   * `podNonZero` is the pod's request with kube-scheduler's non-zero defaults; `requested` the
   * node's non-zero requests as the profile counts them (max(measured, requests) while a sample is
   * fresh, under a measured profile). Must equal `score` on every node.
   */
  scoreAmounts?(podNonZero: Resources, allocatable: Resources, requested: Resources): number;
}
