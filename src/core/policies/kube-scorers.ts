/**
 * Shared plumbing of kube-scheduler's NodeResourcesFit scoring strategies: what "requested" and
 * "allocatable" mean per resource, and the weighted average. The per-strategy formulas live in
 * least-allocated.ts, most-allocated.ts and requested-to-capacity-ratio.ts.
 */
import type { NodeView } from '../model/node.js';
import type { PodView } from '../model/pod.js';
import type { Resources } from '../model/resources.js';
import type { ScorerResource } from '../framework/profile-config.js';
import type { ScorePlugin, ScheduleContext } from '../framework/types.js';
import type { UsageParams } from '../framework/fit.js';
import { amountOf, CPU, dimOf, EPC, MEMORY, nonZeroRequest, usedAmount } from '../framework/fit.js';

/** A per-resource score (0..100, or null to leave the resource out of the average). */
export type ResourceScorer = (requested: number, allocatable: number) => number | null;

/**
 * A score plugin averaging `perResource` over `resources` with their weights; resources the node
 * does not have (allocatable 0) are skipped, as in kube-scheduler. "Requested" is what
 * kube-scheduler's scorers see: the node's non-zero requests (or max(measured, that) under a
 * measured profile) plus the pod's non-zero request. It reads only amounts, so it also scores from
 * numbers (`scoreAmounts`); `score` counts the node's requests under `params` and calls it.
 */
export function weightedResourceScorer(
  name: string,
  resources: readonly ScorerResource[],
  params: UsageParams,
  perResource: ResourceScorer,
  finish: (weightedSum: number, weightSum: number) => number,
): ScorePlugin {
  const dims = resources.map((r) => dimOf(r.resource));
  const scoreAmounts = (podNonZero: Resources, allocatable: Resources, requested: Resources): number => {
    let sum = 0;
    let weights = 0;
    for (let i = 0; i < dims.length; i++) {
      const d = dims[i]!;
      const a = amountOf(allocatable, d);
      if (a === 0) continue;
      const s = perResource(amountOf(requested, d) + amountOf(podNonZero, d), a);
      if (s === null) continue;
      const weight = resources[i]!.weight;
      sum += s * weight;
      weights += weight;
    }
    return weights === 0 ? 0 : finish(sum, weights);
  };
  return {
    name,
    score(pod: PodView, node: NodeView, ctx: ScheduleContext): number {
      const nz = node.nonZeroRequested;
      const m = node.measured;
      const requested = {
        cpuMillis: usedAmount(CPU, nz.cpuMillis, m, params, ctx.now),
        memoryBytes: usedAmount(MEMORY, nz.memoryBytes, m, params, ctx.now),
        epcBytes: usedAmount(EPC, nz.epcBytes, m, params, ctx.now),
      };
      return scoreAmounts(nonZeroRequest(pod.request), node.allocatable, requested);
    },
    scoreAmounts,
  };
}

export const floorAverage = (sum: number, weights: number): number => Math.floor(sum / weights);
