/**
 * kube-scheduler's RequestedToCapacityRatio: a broken-linear function of utilization given by the
 * shape (score 0..10 scaled to 0..100), per resource `f(requested * 100 / allocatable)` or `f(100)`
 * when requested exceeds allocatable; only resources scoring above 0 enter the weighted average,
 * which is rounded to nearest (Go's math.Round: halves away from zero).
 */
import type { ScorerResource, ShapePoint } from '../framework/profile-config.js';
import type { ScorePlugin } from '../framework/types.js';
import type { UsageParams } from '../framework/fit.js';
import { weightedResourceScorer } from './kube-scorers.js';

/** kube-scheduler's `helper.BuildBrokenLinearFunction` over points already scaled to 0..100. */
export function brokenLinear(shape: readonly ShapePoint[]): (utilization: number) => number {
  const pts = shape.map((p) => ({ utilization: p.utilization, score: p.score * 10 }));
  return (u: number): number => {
    for (let i = 0; i < pts.length; i++) {
      const p = pts[i]!;
      if (u <= p.utilization) {
        if (i === 0) return p.score;
        const q = pts[i - 1]!;
        // Go integer division truncates toward zero (matters for falling shapes).
        return (
          q.score + Math.trunc(((p.score - q.score) * (u - q.utilization)) / (p.utilization - q.utilization))
        );
      }
    }
    return pts[pts.length - 1]?.score ?? 0;
  };
}

export function requestedToCapacityRatio(
  resources: readonly ScorerResource[],
  shape: readonly ShapePoint[],
  params: UsageParams,
): ScorePlugin {
  const f = brokenLinear(shape);
  return weightedResourceScorer(
    'RequestedToCapacityRatio',
    resources,
    params,
    (requested, allocatable) => {
      const raw = requested > allocatable ? f(100) : f(Math.floor((requested * 100) / allocatable));
      return raw > 0 ? raw : null;
    },
    (sum, weights) => Math.round(sum / weights),
  );
}
