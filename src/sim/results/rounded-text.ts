import { round } from './stats.js';

/** Below this, a double's spacing is under a millionth: see `roundedText`. */
const EXACT_BELOW = 2 ** 32 * 1e6;

/**
 * `String(round(x))` (6 decimals), built from two small integers. A pods CSV writes five such
 * numbers per pod, and JavaScript's general double-to-text conversion was a tenth of a streamed
 * month's run. Exact: for 0 <= x < 2^32, n = round(x * 1e6) is an integer and n / 1e6 the double
 * nearest to the decimal n / 10^6, whose neighbours are more than a millionth away; so that decimal
 * (trailing zeros dropped) is the shortest text that reads back as the same double, which is what
 * `String` prints. Anything else goes through `String`.
 */
export function roundedText(x: number): string {
  const d = roundedDecimal(x, parts);
  if (d === null) return String(round(x));
  if (d.digits === 0) return String(d.whole);
  return String(d.whole) + '.' + String(d.frac).padStart(d.digits, '0');
}

/** `roundedText`'s decimal: `whole`, then (when `digits` > 0) `frac` written with `digits` digits. */
export interface RoundedDecimal {
  whole: number;
  frac: number;
  /** Digits after the point (trailing zeros dropped); 0: none. */
  digits: number;
}

const parts: RoundedDecimal = { whole: 0, frac: 0, digits: 0 };

/**
 * The decimal that `roundedText` writes for `x`, into `out` (no object per number), or null when `x`
 * is outside the exact range and `String(round(x))` applies. Shared by the string and byte writers.
 */
export function roundedDecimal(x: number, out: RoundedDecimal): RoundedDecimal | null {
  const n = Math.round(x * 1e6);
  if (!(n >= 0 && n < EXACT_BELOW)) return null;
  const whole = Math.floor(n / 1e6);
  let frac = n - whole * 1e6;
  let digits = frac === 0 ? 0 : 6;
  while (digits > 0 && frac % 10 === 0) {
    frac /= 10;
    digits--;
  }
  out.whole = whole;
  out.frac = frac;
  out.digits = digits;
  return out;
}
