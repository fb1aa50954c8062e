/**
 * Where the scheduler's measured usage comes from. A source answers a poll with per-node samples;
 * the scheduler puts them into the snapshot, where the core uses `max(measured, requests)` for fresh
 * samples and requests alone for missing or stale ones (a policy never queries anything itself).
 */
import type { MeasuredUsage } from '../../core/index.js';

export interface UsageSource {
  /** For logs and metrics: `none`, `prometheus`. */
  readonly name: string;
  /** Samples per node name; a node absent from the map has no measurement. Rejects on failure. */
  poll(): Promise<ReadonlyMap<string, MeasuredUsage>>;
}

/** No measurement: requests only (the stock scheduler's view). */
export const noUsage: UsageSource = {
  name: 'none',
  poll: () => Promise.resolve(new Map()),
};
