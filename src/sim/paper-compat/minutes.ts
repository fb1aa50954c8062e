import { pythonFloatRepr } from './python-float.js';

/**
 * `repr(t / 60.0)` for a whole second t >= 0, the first column of every output line, without a
 * shortest-digits conversion per line (that conversion was the largest cost of printing the paper's
 * hour, 280,000 lines).
 *
 * Why a cache is exact: write t = 60q + r. For q in [2^k, 2^(k+1)) the doubles near t/60 are spaced
 * u = 2^(k-52), and q is a multiple of u, so the double d = round(t / 60) is q plus the fraction
 * f = round(r / 60 to a multiple of u), which depends on r and k only. The shortest decimal that reads
 * back as d is the shortest one in d's rounding interval q + [f - u/2, f + u/2] (closest to d on a
 * tie, ends included when d's last bit is even, which is f's last bit while k < 52). For u <= 2^-12 that
 * interval stays strictly between q and q + 1, so the decimal is q's digits, a point and a fraction
 * string that depends on (r, k) alone: computed once from t = 60 * 2^k + r, then reused for every q
 * of the same magnitude. Python prints these values positionally (1e-4 <= d < 1e16), as integers
 * with `.0` when r = 0. Seconds below 60 and above 2^40 minutes take the general path.
 */
const MAX_FAST_Q = 2 ** 40;
const fractions: (string[] | undefined)[] = [];

export function minutesRepr(t: number): string {
  const q = Math.floor(t / 60);
  const r = t - 60 * q;
  if (q < 1 || q >= MAX_FAST_Q || !Number.isSafeInteger(t) || r < 0 || r >= 60)
    return pythonFloatRepr(t / 60);
  if (r === 0) return `${q}.0`;
  const k = Math.floor(Math.log2(q));
  // log2 may round across a power of two; settle k exactly.
  const bucket = 2 ** k > q ? k - 1 : 2 ** (k + 1) <= q ? k + 1 : k;
  let table = fractions[bucket];
  if (table === undefined) {
    table = [];
    fractions[bucket] = table;
  }
  let digits = table[r];
  if (digits === undefined) {
    const sample = String((60 * 2 ** bucket + r) / 60);
    digits = sample.slice(sample.indexOf('.') + 1);
    table[r] = digits;
  }
  return `${q}.${digits}`;
}
