/**
 * The paper's spread: the node that minimises the population standard deviation of projected usage
 * over the feasible nodes. Adding a request r to node i changes the sum of squares by 2·r·u_i + r²
 * and the mean by the same amount wherever it goes, so the minimum is reached exactly at the
 * feasible node with the least usage u_i: no O(n²) loop, and the index finds it by branch and bound.
 * Usage is EPC for SGX pods and memory for standard pods (the paper's two views), counted as the
 * profile counts it (measured or requests). Ties are broken uniformly with the injected rng, as the
 * paper's shuffle-then-minimum does.
 */
import type { IndexedPolicy } from '../framework/policy.js';
import type { PodView } from '../model/pod.js';
import type { Piece, UsedDim } from '../snapshot/group-tree.js';
import { EPC, MEMORY } from '../framework/fit.js';
import type { Dim } from '../framework/fit.js';
import { pickIndex } from '../framework/rng.js';

function rankingDim(pod: PodView): { dim: Dim; u: UsedDim } {
  return pod.sgx ? { dim: EPC, u: 1 } : { dim: MEMORY, u: 0 };
}

export const spread: IndexedPolicy = {
  name: 'spread',
  selectIndexed(tier, q, pod, rng) {
    const { u } = rankingDim(pod);
    let best = Infinity;
    for (const tree of tier) best = tree.minFeasibleUsed(q, u, best);
    if (best === Infinity) return undefined;
    const pieces: Piece[] = [];
    for (const tree of tier) tree.collectTies(q, u, best, pieces);
    let total = 0;
    for (const p of pieces) total += p.count;
    let k = pickIndex(total, rng);
    for (const p of pieces) {
      if (k < p.count) return { tree: p.tree, pos: p.tree.nthTie(p.index, u, best, k) };
      k -= p.count;
    }
    return undefined;
  },
  selectByScan(feasible, pod, usedOf, rng) {
    const { dim } = rankingDim(pod);
    let best = Infinity;
    for (const node of feasible) best = Math.min(best, usedOf(node, dim));
    const ties: number[] = [];
    feasible.forEach((node, i) => {
      if (usedOf(node, dim) === best) ties.push(i);
    });
    return ties.length === 0 ? -1 : ties[pickIndex(ties.length, rng)]!;
  },
  scores(feasible, pod, usedOf) {
    // Linear in usage: the least used node gets 100, the most used 0.
    const { dim } = rankingDim(pod);
    const used = feasible.map((n) => usedOf(n, dim));
    const lo = Math.min(...used);
    const hi = Math.max(...used);
    return used.map((x) => (hi === lo ? 100 : Math.floor((100 * (hi - x)) / (hi - lo))));
  },
};
