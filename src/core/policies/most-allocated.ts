/**
 * kube-scheduler's MostAllocated: per resource `min(requested, allocatable) * 100 / allocatable`,
 * integer division, weighted average rounded down. Prefers fuller nodes (bin packing by score).
 */
import type { ScorerResource } from '../framework/profile-config.js';
import type { ScorePlugin } from '../framework/types.js';
import type { UsageParams } from '../framework/fit.js';
import { floorAverage, weightedResourceScorer } from './kube-scorers.js';

export function mostAllocatedScore(requested: number, allocatable: number): number {
  return Math.floor((Math.min(requested, allocatable) * 100) / allocatable);
}

export function mostAllocated(resources: readonly ScorerResource[], params: UsageParams): ScorePlugin {
  return weightedResourceScorer('MostAllocated', resources, params, mostAllocatedScore, floorAverage);
}
