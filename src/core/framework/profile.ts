import type { FilterPlugin, PreFilterPlugin, ScorePlugin } from './types.js';
import type { ProfileConfig } from './profile-config.js';
import type { UsageParams } from './fit.js';
import type { IndexedPolicy } from './policy.js';

/**
 * How a profile picks among feasible nodes.
 * - `first-by-name`: binpack, through the name-ordered index;
 * - `least-used`: spread, through the usage index;
 * - `random`: a uniformly random feasible node, through the index counts;
 * - `highest-score`: the kube-style scorers, weighted by the runner, over every feasible node (or,
 *   with `percentageOfNodesToScore`, over the share kube-scheduler would look at).
 */
export type Selection = 'first-by-name' | 'least-used' | 'random' | 'highest-score';

export interface WeightedScorer {
  readonly plugin: ScorePlugin;
  readonly weight: number;
}

/** A built profile: its config plus the plugins that implement it. Immutable, reusable. */
export interface Profile {
  readonly config: ProfileConfig;
  readonly selection: Selection;
  /** How usage is counted and compared (derived from the config). */
  readonly params: UsageParams;
  /** Checks of the pod alone, run once per cycle before any node is looked at. */
  readonly preFilters: readonly PreFilterPlugin[];
  /** Every filter, in order; `explain` and `filterNode` run them one by one. */
  readonly filters: readonly FilterPlugin[];
  /** Scorers of a `highest-score` profile (empty for the indexed policies). */
  readonly scorers: readonly WeightedScorer[];
  /** The indexed policy of `first-by-name`, `least-used` and `random` profiles. */
  readonly policy: IndexedPolicy | undefined;
  /** Scored profiles with `percentageOfNodesToScore`: how many feasible nodes a search looks for. */
  readonly sampling?: NodeSampling;
}

/** kube-scheduler's `numFeasibleNodesToFind` parameters. */
export interface NodeSampling {
  /** 1..100, or 0 for the adaptive share. */
  readonly percentage: number;
  /** Below this many candidates every node is searched, and a search finds at least this many. */
  readonly minNodes: number;
}

/** kube-scheduler's `minFeasibleNodesToFind`. */
export const MIN_FEASIBLE_NODES_TO_FIND = 100;

/**
 * kube-scheduler's `numFeasibleNodesToFind`: how many feasible nodes a search among `candidates`
 * nodes looks for before it stops (all of them without sampling). Integer arithmetic as in Go.
 */
export function feasibleNodesToFind(sampling: NodeSampling | undefined, candidates: number): number {
  if (sampling === undefined || candidates < sampling.minNodes) return candidates;
  let percentage = sampling.percentage;
  if (percentage === 0) percentage = Math.max(50 - Math.trunc(candidates / 125), 5);
  return Math.max(Math.trunc((candidates * percentage) / 100), sampling.minNodes);
}
