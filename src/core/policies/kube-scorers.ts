/**
 * Shared plumbing of kube-scheduler's NodeResourcesFit scoring strategies: what "requested" and
 * "allocatable" mean per resource, and the weighted average. The per-strategy formulas live in
 * least-allocated.ts, most-allocated.ts and requested-to-capacity-ratio.ts.
 */
import type { MeasuredUsage, NodeView } from '../model/node.js';
import type { PodView } from '../model/pod.js';
import type { Resources } from '../model/resources.js';
import type { ScorerResource } from '../framework/profile-config.js';
import type { NodeAmounts, ScorePlugin, ScheduleContext } from '../framework/types.js';
import type { Dim, UsageParams } from '../framework/fit.js';
import { amountOf, dimOf, nonZeroRequest, usedAmount } from '../framework/fit.js';

/**
 * Requested amount in dimension `d` on the node after placing the pod, as kube-scheduler's scorers
 * see it: the node's non-zero requests (or max(measured, that) under a measured profile) plus the
 * pod's non-zero request.
 */
function requestedAfter(
  nonZeroRequested: Resources,
  measured: MeasuredUsage | undefined,
  podNonZero: Resources,
  d: Dim,
  params: UsageParams,
  now: number,
): number {
  return usedAmount(d, amountOf(nonZeroRequested, d), measured, params, now) + amountOf(podNonZero, d);
}

/** A per-resource score (0..100, or null to leave the resource out of the average). */
export type ResourceScorer = (requested: number, allocatable: number) => number | null;

/**
 * A score plugin averaging `perResource` over `resources` with their weights; resources the node
 * does not have (allocatable 0) are skipped, as in kube-scheduler. It reads only amounts, so it
 * also scores from numbers (`scoreAmounts`), with the same arithmetic.
 */
export function weightedResourceScorer(
  name: string,
  resources: readonly ScorerResource[],
  params: UsageParams,
  perResource: ResourceScorer,
  finish: (weightedSum: number, weightSum: number) => number,
): ScorePlugin {
  const dims = resources.map((r) => dimOf(r.resource));
  const scoreAmounts = (podNonZero: Resources, node: NodeAmounts, now: number): number => {
    let sum = 0;
    let weights = 0;
    for (let i = 0; i < dims.length; i++) {
      const d = dims[i]!;
      const allocatable = amountOf(node.allocatable, d);
      if (allocatable === 0) continue;
      const requested = requestedAfter(node.nonZeroRequested, node.measured, podNonZero, d, params, now);
      const s = perResource(requested, allocatable);
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
      return scoreAmounts(
        nonZeroRequest(pod.request),
        { allocatable: node.allocatable, nonZeroRequested: node.nonZeroRequested, measured: node.measured },
        ctx.now,
      );
    },
    scoreAmounts,
  };
}

export const floorAverage = (sum: number, weights: number): number => Math.floor(sum / weights);
