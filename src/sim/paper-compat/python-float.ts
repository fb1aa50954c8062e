/**
 * Python 3 float semantics that the paper's offline simulator relies on, reproduced bit for bit on
 * IEEE-754 doubles (a JavaScript number is the same double as a Python float).
 */

/**
 * `repr(x)` of a Python float: the shortest decimal string that reads back as `x` (as JavaScript's
 * `String(x)` computes it), laid out by Python's rules rather than JavaScript's: scientific notation
 * when the decimal exponent is below -4 or at least 16 (`1e-05`, `1.5e+16`, exponent with a sign and at
 * least two digits), otherwise positional with at least one digit after the point (`0.0`, `1.0`,
 * `0.016666666666666666`, `1000000000000000.0`).
 */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  // Fast path, exact: on [1e-4, 1e16) both languages print the same digits positionally (JavaScript
  // switches to exponents only below 1e-6 and from 1e21); Python adds `.0` to integral values. A double
  // below 1e-4 cannot print as 0.0001, which reads back as 1e-4 itself, so the bounds are exact too.
  const magnitude = Math.abs(x);
  if (magnitude >= 1e-4 && magnitude < 1e16) {
    const text = String(x);
    return Number.isInteger(x) ? text + '.0' : text;
  }
  const sign = x < 0 ? '-' : '';
  const { digits, pointAt } = shortestDigits(Math.abs(x));
  // `pointAt` is Python's `decpt`: x = 0.<digits> * 10^pointAt.
  if (pointAt <= -4 || pointAt > 16) {
    const exponent = pointAt - 1;
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const expDigits = String(Math.abs(exponent)).padStart(2, '0');
    return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${expDigits}`;
  }
  if (pointAt <= 0) return `${sign}0.${'0'.repeat(-pointAt)}${digits}`;
  if (pointAt >= digits.length) return `${sign}${digits}${'0'.repeat(pointAt - digits.length)}.0`;
  return `${sign}${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
}

/**
 * The shortest round-trip significant digits of a positive finite double (no leading or trailing
 * zeros) and the position of the decimal point relative to them. JavaScript's `Number#toString` already
 * picks the shortest digit string closest to the value, the same choice as Python's repr; only its
 * layout differs, so this parses that layout back into digits and exponent.
 */
function shortestDigits(x: number): { digits: string; pointAt: number } {
  const text = String(x);
  const e = text.indexOf('e');
  const mantissa = e < 0 ? text : text.slice(0, e);
  const exponent = e < 0 ? 0 : Number(text.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const intPart = dot < 0 ? mantissa : mantissa.slice(0, dot);
  const fracPart = dot < 0 ? '' : mantissa.slice(dot + 1);
  let all = intPart + fracPart;
  let pointAt = intPart.length + exponent;
  const lead = all.length - all.replace(/^0+/, '').length;
  all = all.slice(lead);
  pointAt -= lead;
  all = all.replace(/0+$/, '');
  return { digits: all, pointAt };
}

/**
 * Python's `round(x)` for a float with no ndigits: the nearest integer, ties to even, computed on the
 * exact value of the double (so 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, and 2.5000000000000004 -> 3).
 * The result is an integral double; `-0` is normalised to `0` because Python returns the int 0.
 */
export function pythonRound(x: number): number {
  const floor = Math.floor(x);
  // Exact: x and floor(x) share their high bits, so the subtraction only keeps the fraction bits.
  const fraction = x - floor;
  let r: number;
  if (fraction > 0.5) r = floor + 1;
  else if (fraction < 0.5) r = floor;
  else r = floor % 2 === 0 ? floor : floor + 1;
  return r === 0 ? 0 : r;
}

/** Python's `'%d' % x` for a float: truncation toward zero, printed as an integer (`-0` prints `0`). */
export function pythonPercentD(x: number): string {
  const t = Math.trunc(x);
  return t === 0 ? '0' : BigInt(t).toString();
}
