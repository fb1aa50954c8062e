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
  /** With `sortAsAdded`: the sizes of the sorted runs that make up `values`, in order. */
  private runs: number[] = [];
  /** Values in `runs` (the first `inRuns` of `values`). */
  private inRuns = 0;
  private scratch = new Float64Array(0);

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
        if (this.sortAsAdded && this.n - this.inRuns === SORTED_RUN) this.runAdded();
        return;
      }
      this.hist = new Float64Array(BUCKETS);
      for (let i = 0; i < this.n; i++) this.bucket(this.values[i]!);
      this.values = null;
      this.runs = [];
      this.inRuns = 0;
      this.scratch = new Float64Array(0);
    }
    this.bucket(v);
    this.n++;
  }

  /**
   * A full run of values has just been added: sorts it, then merges it with the run before while
   * they are the same size (a binary counter of runs, as a bottom-up merge sort does it): every value
   * is merged about log2(runs) times while values come, and only the runs left, one per bit of their
   * count, are merged at the end.
   */
  private runAdded(): void {
    this.sortTail();
    const runs = this.runs;
    while (runs.length >= 2 && runs[runs.length - 1] === runs[runs.length - 2]) this.mergeLastRuns();
  }

  /** Sorts the values after the runs as one more run. */
  private sortTail(): void {
    const values = this.values!;
    values.set(sortNonNegative(values.subarray(this.inRuns, this.n)), this.inRuns);
    this.runs.push(this.n - this.inRuns);
    this.inRuns = this.n;
  }

  /** Merges the last two runs (adjacent, ending at `inRuns`) into one, in place. */
  private mergeLastRuns(): void {
    const runs = this.runs;
    const right = runs.pop()!;
    const left = runs.pop()!;
    const values = this.values!;
    const hi = this.inRuns;
    const mid = hi - right;
    const lo = mid - left;
    if (this.scratch.length < left + right)
      this.scratch = new Float64Array(Math.max(left + right, 2 * this.scratch.length));
    const out = this.scratch;
    let i = lo;
    let j = mid;
    let k = 0;
    while (i < mid && j < hi) out[k++] = values[j]! < values[i]! ? values[j++]! : values[i++]!;
    while (i < mid) out[k++] = values[i++]!;
    while (j < hi) out[k++] = values[j++]!;
    values.set(out.subarray(0, k), lo);
    runs.push(left + right);
  }

  /** The values sorted, from the runs: the last values sorted as one more run, then every run merged. */
  private mergeRuns(): Float64Array {
    if (this.inRuns < this.n) this.sortTail();
    while (this.runs.length >= 2) this.mergeLastRuns();
    return this.values!.subarray(0, this.n);
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
