import type { FilterPlugin, PreFilterPlugin, ScorePlugin } from './types.js';
import type { ProfileConfig } from './profile-config.js';
import type { UsageParams } from './fit.js';
import type { IndexedPolicy } from './policy.js';

/**
 * How a profile picks among feasible nodes.
 * - `first-by-name`: binpack, through the name-ordered index;
 * - `least-used`: spread, through the usage index;
 * - `random`: a uniformly random feasible node, through the index counts;
 * - `highest-score`: the kube-style scorers, weighted by the runner, over every feasible node.
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
}
