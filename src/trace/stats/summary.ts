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
  const n = column.length;
  if (n === 0) return null;
  const values = column.values();
  let zero = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v === 0) zero++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // Three order statistics by selection (no full sort: a million values take a few milliseconds).
  const work = values.slice();
  const rankOf = (p: number): number => Math.max(1, Math.ceil((p / 100) * n)) - 1;
  const r50 = rankOf(50);
  const r90 = rankOf(90);
  const r99 = rankOf(99);
  select(work, r50, 0, n - 1);
  select(work, r90, r50, n - 1);
  select(work, r99, r90, n - 1);
  return {
    count: n,
    zero,
    min,
    p50: work[r50]!,
    p90: work[r90]!,
    p99: work[r99]!,
    max,
    // Rounded so that the JSON does not depend on the summation order's last bits.
    mean: Number((sum / n).toPrecision(12)),
  };
}

/**
 * Rearranges a[lo..hi] so that a[k] holds the value it would have if that range were sorted, with
 * nothing larger before it and nothing smaller after it (Hoare's selection, median-of-three pivots;
 * a range that will not shrink fast enough is sorted instead, so the worst case stays O(n log n)).
 */
function select(a: Float64Array, k: number, lo: number, hi: number): void {
  let budget = 2 * Math.ceil(Math.log2(hi - lo + 2)) + 8;
  while (hi > lo) {
    if (budget-- === 0 || hi - lo < 16) {
      a.subarray(lo, hi + 1).sort();
      return;
    }
    const mid = lo + ((hi - lo) >> 1);
    // Median of three as the pivot value.
    const x = a[lo]!;
    const y = a[mid]!;
    const z = a[hi]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    // Now a[lo..j] <= pivot <= a[i..hi], and everything between equals the pivot.
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}
