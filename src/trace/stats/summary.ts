import type { DoubleColumn } from '../columns/number-set.js';

/** Nearest-rank percentiles and the mean of a set of values (normalised fractions here). */
export interface Distribution {
  readonly count: number;
  /** Values exactly 0. */
  readonly zero: number;
  readonly min: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** p-th percentile by nearest rank: the smallest value with at least p% of the values at or below it. */
export function nearestRank(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** The distribution of a column; null when it is empty. */
export function distributionOf(column: DoubleColumn): Distribution | null {
  if (column.length === 0) return null;
  const s = column.sorted();
  let zero = 0;
  let sum = 0;
  for (const v of s) {
    if (v === 0) zero++;
    sum += v;
  }
  return {
    count: s.length,
    zero,
    min: s[0]!,
    p50: nearestRank(s, 50),
    p90: nearestRank(s, 90),
    p99: nearestRank(s, 99),
    max: s[s.length - 1]!,
    // Rounded so that the JSON does not depend on the summation order's last bits.
    mean: Number((sum / s.length).toPrecision(12)),
  };
}
