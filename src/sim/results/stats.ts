import type { Distribution } from './types.js';
import { sortNonNegative } from './sort-doubles.js';

/** Values kept exactly before a collector switches to its histogram (8 bytes each: 8 MB). */
export const EXACT_LIMIT = 1_000_000;

/** Relative accuracy of the histogram mode: a reported percentile is within 0.5 % of the exact one. */
const ALPHA = 0.005;
const GAMMA = (1 + ALPHA) / (1 - ALPHA);
const LOG_GAMMA = Math.log(GAMMA);
/** Values at or below this count as zero in the histogram (times and ratios never get this small). */
const TINY = 1e-6;
const BUCKET_OFFSET = Math.ceil(-Math.log(TINY) / LOG_GAMMA) + 1;
const BUCKETS = BUCKET_OFFSET + Math.ceil(Math.log(1e13) / LOG_GAMMA) + 2;

/** Values per sorted run when a collector sorts as values are added. */
export const SORTED_RUN = 1 << 16;

export interface QuantileCollectorOptions {
  /**
   * Sort the values in runs of `SORTED_RUN` as they come, and merge the runs when asked for
   * percentiles: the same result, with most of the sorting done while values arrive rather than all
   * of it at the end (for a thread that waits between values, and whose end the run waits for).
   */
  readonly sortAsAdded?: boolean;
}

/**
 * Collects non-negative values (waiting times, turnarounds, slowdowns) and summarises them as a
 * `Distribution`. Exact (sorts the values) up to `EXACT_LIMIT` values; beyond, it folds everything
 * into a logarithmic histogram of relative accuracy 0.5 % (a DDSketch), so that memory stays
 * bounded on month-long traces. Both modes are deterministic.
 */
export class QuantileCollector {
  private values: Float64Array | null = new Float64Array(64);
  private hist: Float64Array | null = null;
  private zeros = 0;
  private n = 0;
  private sum = 0;
  private lo = Infinity;
  private hi = -Infinity;

  private readonly sortAsAdded: boolean;

  constructor(
    private readonly exactLimit = EXACT_LIMIT,
    options: QuantileCollectorOptions = {},
  ) {
    this.sortAsAdded = options.sortAsAdded ?? false;
  }

  get count(): number {
    return this.n;
  }

  add(v: number): void {
    if (!(v >= 0) || v === Infinity) throw new RangeError(`expected a finite value >= 0, got ${v}`);
    this.sum += v;
    if (v < this.lo) this.lo = v;
    if (v > this.hi) this.hi = v;
    if (this.values !== null) {
      if (this.n < this.exactLimit) {
        if (this.n === this.values.length) {
          const grown = new Float64Array(Math.min(this.exactLimit, this.values.length * 2));
          grown.set(this.values);
          this.values = grown;
        }
        this.values[this.n++] = v;
        if (this.sortAsAdded && this.n % SORTED_RUN === 0) this.sortRun(this.n - SORTED_RUN, this.n);
        return;
      }
      this.hist = new Float64Array(BUCKETS);
      for (let i = 0; i < this.n; i++) this.bucket(this.values[i]!);
      this.values = null;
    }
    this.bucket(v);
    this.n++;
  }

  /** Sorts values[from, to) in place. */
  private sortRun(from: number, to: number): void {
    const values = this.values!;
    values.set(sortNonNegative(values.subarray(from, to)), from);
  }

  /** The values sorted: the last run sorted, then runs merged pairwise (each run is already sorted). */
  private mergeRuns(): Float64Array {
    const n = this.n;
    const full = n - (n % SORTED_RUN);
    if (full < n) this.sortRun(full, n);
    let a = Float64Array.from(this.values!.subarray(0, n));
    let b = new Float64Array(n);
    for (let width = SORTED_RUN; width < n; width *= 2) {
      for (let lo = 0; lo < n; lo += 2 * width) {
        const mid = Math.min(lo + width, n);
        const hi = Math.min(lo + 2 * width, n);
        let i = lo;
        let j = mid;
        let k = lo;
        while (i < mid && j < hi) b[k++] = a[j]! < a[i]! ? a[j++]! : a[i++]!;
        while (i < mid) b[k++] = a[i++]!;
        while (j < hi) b[k++] = a[j++]!;
      }
      [a, b] = [b, a];
    }
    return a;
  }

  private bucket(v: number): void {
    if (v <= TINY) {
      this.zeros++;
      return;
    }
    const i = Math.min(BUCKETS - 1, Math.max(0, Math.ceil(Math.log(v) / LOG_GAMMA) + BUCKET_OFFSET));
    this.hist![i]!++;
  }

  /** The 101 nearest-rank percentiles (q = 0..100). */
  percentiles(): number[] {
    if (this.n === 0) return [];
    const out: number[] = [];
    if (this.values !== null) {
      const sorted = this.sortAsAdded ? this.mergeRuns() : sortNonNegative(this.values.subarray(0, this.n));
      for (let q = 0; q <= 100; q++) out.push(sorted[rank(q, this.n)]!);
      return out;
    }
    // Histogram: walk the buckets once for all 101 ranks; report each bucket's representative value
    // (2 * gamma^i / (gamma + 1)), clamped to the exact min and max.
    const hist = this.hist!;
    let q = 0;
    let seen = this.zeros;
    while (q <= 100 && rank(q, this.n) < seen) {
      out.push(this.lo);
      q++;
    }
    for (let i = 0; i < BUCKETS && q <= 100; i++) {
      seen += hist[i]!;
      while (q <= 100 && rank(q, this.n) < seen) {
        const value = (2 * Math.pow(GAMMA, i - BUCKET_OFFSET)) / (GAMMA + 1);
        out.push(Math.min(this.hi, Math.max(this.lo, value)));
        q++;
      }
    }
    while (out.length < 101) out.push(this.hi);
    out[0] = this.lo;
    out[100] = this.hi;
    return out;
  }

  summary(): Distribution {
    if (this.n === 0) {
      return {
        count: 0,
        mean: null,
        min: null,
        p50: null,
        p90: null,
        p95: null,
        p99: null,
        max: null,
        percentiles: [],
      };
    }
    const p = this.percentiles().map(round);
    return {
      count: this.n,
      mean: round(this.sum / this.n),
      min: p[0]!,
      p50: p[50]!,
      p90: p[90]!,
      p95: p[95]!,
      p99: p[99]!,
      max: p[100]!,
      percentiles: p,
    };
  }
}

/** Zero-based index of the q-th percentile by nearest rank: ceil(q/100 * n) - 1, at least 0. */
function rank(q: number, n: number): number {
  return Math.max(0, Math.ceil((q / 100) * n) - 1);
}

/** Rounds to 6 decimals: results stay readable and identical whatever the summation order noise. */
export function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
