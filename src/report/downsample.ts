/**
 * Display downsampling. A month-long run samples the pending queue hundreds of thousands of times;
 * a plot is a few hundred pixels wide. These functions reduce series for drawing only: the results
 * files keep every sample, and the report's tables are computed from the full series.
 */

/** Points of a series, as parallel arrays. */
export interface Series {
  readonly t: readonly number[];
  readonly v: readonly number[];
}

/**
 * Largest-Triangle-Three-Buckets (Steinarsson 2013): keeps the first and last points and, in each of
 * `threshold - 2` buckets, the point that forms the largest triangle with its neighbours' choices.
 * It keeps the visual shape, peaks included, far better than taking every k-th sample.
 * Deterministic; O(n). Returns the input unchanged when it is already small enough.
 */
export function lttb(series: Series, threshold: number): Series {
  const { t, v } = series;
  const n = Math.min(t.length, v.length);
  if (threshold >= n || threshold < 3) return { t: t.slice(0, n), v: v.slice(0, n) };
  const outT: number[] = [t[0]!];
  const outV: number[] = [v[0]!];
  const every = (n - 2) / (threshold - 2);
  let a = 0;
  for (let i = 0; i < threshold - 2; i++) {
    // Average of the next bucket: the third corner of the triangle.
    const nextStart = Math.floor((i + 1) * every) + 1;
    const nextEnd = Math.min(Math.floor((i + 2) * every) + 1, n);
    let avgT = 0;
    let avgV = 0;
    for (let j = nextStart; j < nextEnd; j++) {
      avgT += t[j]!;
      avgV += v[j]!;
    }
    const len = Math.max(nextEnd - nextStart, 1);
    avgT /= len;
    avgV /= len;
    // Pick the point of this bucket with the largest triangle (a, point, average of next bucket).
    const start = Math.floor(i * every) + 1;
    const end = Math.floor((i + 1) * every) + 1;
    const at = t[a]!;
    const av = v[a]!;
    let best = start;
    let bestArea = -1;
    for (let j = start; j < end; j++) {
      const area = Math.abs((at - avgT) * (v[j]! - av) - (at - t[j]!) * (avgV - av));
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    outT.push(t[best]!);
    outV.push(v[best]!);
    a = best;
  }
  outT.push(t[n - 1]!);
  outV.push(v[n - 1]!);
  return { t: outT, v: outV };
}

/**
 * Mean of `v` over `bins` equal time bins between `t0` and `t1`. Bins without a sample are null
 * (drawn as gaps, not as zero).
 */
export function binMeans(
  t: readonly number[],
  v: readonly number[],
  t0: number,
  t1: number,
  bins: number,
): (number | null)[] {
  const sums = new Float64Array(bins);
  const counts = new Uint32Array(bins);
  const span = t1 - t0;
  const n = Math.min(t.length, v.length);
  for (let i = 0; i < n; i++) {
    const b = span > 0 ? Math.min(bins - 1, Math.max(0, Math.floor(((t[i]! - t0) / span) * bins))) : 0;
    sums[b]! += v[i]!;
    counts[b]! += 1;
  }
  const out: (number | null)[] = [];
  for (let b = 0; b < bins; b++) out.push(counts[b]! > 0 ? sums[b]! / counts[b]! : null);
  return out;
}

/** A run of equal consecutive values: bins [from, to) all hold `value`. */
export interface Run<T> {
  readonly from: number;
  readonly to: number;
  readonly value: T;
}

/**
 * Merges consecutive equal values into runs. A heat map cell is drawn per run rather than per bin,
 * so a node whose utilisation stays in one colour band costs one rectangle, not hundreds.
 */
export function runs<T>(values: readonly T[]): Run<T>[] {
  const out: Run<T>[] = [];
  let from = 0;
  for (let i = 1; i <= values.length; i++) {
    if (i === values.length || values[i] !== values[from]) {
      out.push({ from, to: i, value: values[from]! });
      from = i;
    }
  }
  return out;
}

/** Mean of a series weighted by the time each sample holds (step function), over [t0, last t]. */
export function timeWeightedMean(t: readonly number[], v: readonly number[]): number | null {
  const n = Math.min(t.length, v.length);
  if (n === 0) return null;
  if (n === 1) return v[0]!;
  let area = 0;
  for (let i = 0; i + 1 < n; i++) area += v[i]! * (t[i + 1]! - t[i]!);
  const span = t[n - 1]! - t[0]!;
  if (span <= 0) {
    let s = 0;
    for (let i = 0; i < n; i++) s += v[i]!;
    return s / n;
  }
  return area / span;
}

/** Largest value of a series; null when empty. */
export function maxOf(v: readonly number[]): number | null {
  let m: number | null = null;
  for (const x of v) if (m === null || x > m) m = x;
  return m;
}
