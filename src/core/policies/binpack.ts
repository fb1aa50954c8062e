/**
 * The paper's binpack: the first feasible node by name. Standard pods try standard nodes first
 * (the runner's tiers do that). Through the index: the leftmost leaf whose free amounts fit.
 */
import type { IndexedPick, IndexedPolicy } from '../framework/policy.js';

export const binpack: IndexedPolicy = {
  name: 'binpack',
  selectIndexed(tier, q) {
    let best: IndexedPick | undefined;
    let bestName = '';
    for (const tree of tier) {
      const pos = tree.first(q);
      if (pos < 0) continue;
      const name = q.nameOf(tree.slots[pos]!);
      if (best === undefined || name < bestName) {
        best = { tree, pos };
        bestName = name;
      }
    }
    return best;
  },
  selectByScan(feasible) {
    let best = -1;
    feasible.forEach((node, i) => {
      if (best < 0 || node.name < feasible[best]!.name) best = i;
    });
    return best;
  },
  scores(feasible) {
    // Rank by name: the first gets 100, later ones less, so the extender's caller agrees with us.
    const order = feasible.map((n, i) => i).sort((a, b) => (feasible[a]!.name < feasible[b]!.name ? -1 : 1));
    const out = new Array<number>(feasible.length).fill(0);
    const m = feasible.length;
    order.forEach((i, rank) => (out[i] = Math.floor((100 * (m - rank)) / m)));
    return out;
  },
};
