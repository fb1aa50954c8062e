import type { NodeView } from '../model/node.js';
import type { PodView } from '../model/pod.js';
import type { GroupTree, TreeQuery } from '../snapshot/group-tree.js';
import type { Dim } from './fit.js';
import type { Rng } from './rng.js';

/** What a node counts as used in a dimension, under the profile's usage view at the current time. */
export type UsedOf = (node: NodeView, d: Dim) => number;

/** A node found in an index: the tree (group) and its position in name order. */
export interface IndexedPick {
  readonly tree: GroupTree;
  readonly pos: number;
}

/**
 * A policy that selects through the snapshot's indexes (binpack, spread, random). Each comes with
 * the plain scan that defines it (the reference the index is tested against) and with per-node
 * scores for the extender's prioritize verb.
 *
 * A "tier" is a list of node groups searched together, in candidate order (standard nodes by name,
 * then SGX nodes by name); the runner tries tiers in turn (standard nodes first for standard pods
 * when the profile keeps them off SGX nodes).
 */
export interface IndexedPolicy {
  readonly name: string;
  selectIndexed(tier: readonly GroupTree[], q: TreeQuery, pod: PodView, rng: Rng): IndexedPick | undefined;
  /** Index of the chosen node in `feasible` (the tier's feasible nodes in candidate order), or -1. */
  selectByScan(feasible: readonly NodeView[], pod: PodView, usedOf: UsedOf, rng: Rng): number;
  /** Integer scores 0..100 for `feasible`, highest for the node this policy prefers. */
  scores(feasible: readonly NodeView[], pod: PodView, usedOf: UsedOf): number[];
}
