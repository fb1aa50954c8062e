/**
 * The SGX-unaware baseline: what the stock kube-scheduler would do. Requests only (no measured
 * usage), the inclusive fit `requested + request <= allocatable`, no tier keeping standard pods off
 * SGX nodes, and the default LeastAllocated scoring on the configured resources (cpu:1, memory:1 by
 * default). An SGX pod still needs an SGX node, as extended-resource fit demands.
 */
import type { ProfileConfig } from '../framework/profile-config.js';
import type { ScorePlugin } from '../framework/types.js';
import type { UsageParams } from '../framework/fit.js';
import { leastAllocated } from './least-allocated.js';

export function sgxUnawareParams(config: ProfileConfig): UsageParams {
  return { measured: false, tolerance: config.tolerance, strict: false, maxAge: undefined };
}

export function sgxUnawareScorer(config: ProfileConfig, params: UsageParams): ScorePlugin {
  return leastAllocated(config.resources, params);
}
