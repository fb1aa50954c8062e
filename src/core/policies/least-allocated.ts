/**
 * kube-scheduler's LeastAllocated: per resource `(allocatable - requested) * 100 / allocatable`
 * (0 when requested exceeds allocatable), integer division, weighted average rounded down.
 * Prefers emptier nodes. Also the stock scheduler's default (cpu:1, memory:1).
 */
import type { ScorerResource } from '../framework/profile-config.js';
import type { ScorePlugin } from '../framework/types.js';
import type { UsageParams } from '../framework/fit.js';
import { floorAverage, weightedResourceScorer } from './kube-scorers.js';

export function leastAllocatedScore(requested: number, allocatable: number): number {
  if (requested > allocatable) return 0;
  return Math.floor(((allocatable - requested) * 100) / allocatable);
}

export function leastAllocated(resources: readonly ScorerResource[], params: UsageParams): ScorePlugin {
  return weightedResourceScorer('LeastAllocated', resources, params, leastAllocatedScore, floorAverage);
}
