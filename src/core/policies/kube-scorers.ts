/**
 * Shared plumbing of kube-scheduler's NodeResourcesFit scoring strategies: what "requested" and
 * "allocatable" mean per resource, and the weighted average. The per-strategy formulas live in
 * least-allocated.ts, most-allocated.ts and requested-to-capacity-ratio.ts.
 */
import type { NodeView } from '../model/node.js';
import type { PodView } from '../model/pod.js';
import type { ScorerResource } from '../framework/profile-config.js';
import type { ScorePlugin, ScheduleContext } from '../framework/types.js';
import type { UsageParams } from '../framework/fit.js';
import { amountOf, dimOf, nonZeroRequest, usedAmount } from '../framework/fit.js';

/**
 * Requested amount on the node after placing the pod, as kube-scheduler's scorers see it: the
 * node's non-zero requests (or max(measured, that) under a measured profile) plus the pod's
 * non-zero request; and the node's allocatable.
 */
export function requestedAfter(
  node: NodeView,
  pod: PodView,
  resource: ScorerResource,
  params: UsageParams,
  now: number,
): { requested: number; allocatable: number } {
  const d = dimOf(resource.resource);
  const base = usedAmount(d, amountOf(node.nonZeroRequested, d), node.measured, params, now);
  return {
    requested: base + amountOf(nonZeroRequest(pod.request), d),
    allocatable: amountOf(node.allocatable, d),
  };
}

/** A per-resource score (0..100, or null to leave the resource out of the average). */
export type ResourceScorer = (requested: number, allocatable: number) => number | null;

/**
 * A score plugin averaging `perResource` over `resources` with their weights; resources the node
 * does not have (allocatable 0) are skipped, as in kube-scheduler.
 */
export function weightedResourceScorer(
  name: string,
  resources: readonly ScorerResource[],
  params: UsageParams,
  perResource: ResourceScorer,
  finish: (weightedSum: number, weightSum: number) => number,
): ScorePlugin {
  return {
    name,
    score(pod: PodView, node: NodeView, ctx: ScheduleContext): number {
      let sum = 0;
      let weights = 0;
      for (const r of resources) {
        const { requested, allocatable } = requestedAfter(node, pod, r, params, ctx.now);
        if (allocatable === 0) continue;
        const s = perResource(requested, allocatable);
        if (s === null) continue;
        sum += s * r.weight;
        weights += r.weight;
      }
      return weights === 0 ? 0 : finish(sum, weights);
    },
  };
}

export const floorAverage = (sum: number, weights: number): number => Math.floor(sum / weights);
