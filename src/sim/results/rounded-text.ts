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
  const n = Math.round(x * 1e6);
  if (!(n >= 0 && n < EXACT_BELOW)) return String(round(x));
  const whole = Math.floor(n / 1e6);
  let frac = n - whole * 1e6;
  if (frac === 0) return String(whole);
  let digits = 6;
  while (frac % 10 === 0) {
    frac /= 10;
    digits--;
  }
  return String(whole) + '.' + String(frac).padStart(digits, '0');
}
