/**
 * The paper's "dumb" policy: a uniformly random feasible node. Through the index: the feasible
 * nodes are gathered as whole subtrees plus single leaves, counted, and the k-th one is located.
 */
import type { IndexedPolicy } from '../framework/policy.js';
import type { Piece } from '../snapshot/group-tree.js';
import { pickIndex } from '../framework/rng.js';

export const random: IndexedPolicy = {
  name: 'random',
  selectIndexed(tier, q, _pod, rng) {
    const pieces: Piece[] = [];
    for (const tree of tier) tree.collectFeasible(q, pieces);
    let total = 0;
    for (const p of pieces) total += p.count;
    if (total === 0) return undefined;
    let k = pickIndex(total, rng);
    for (const p of pieces) {
      if (k < p.count) return { tree: p.tree, pos: p.tree.nthLeaf(p.index, k) };
      k -= p.count;
    }
    return undefined;
  },
  selectByScan(feasible, _pod, _usedOf, rng) {
    return feasible.length === 0 ? -1 : pickIndex(feasible.length, rng);
  },
  scores(feasible) {
    // No preference: every feasible node is as good as any other.
    return feasible.map(() => 100);
  },
};
