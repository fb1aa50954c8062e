/**
 * Kubernetes resource quantities (`resource.Quantity`), parsed exactly.
 *
 * A quantity is kept as an exact rational number `numerator / denominator` with bigint parts, so
 * `93.5Mi`, `0.1`, `100m` and `1e3` are all exact; conversion to the core's integer units (bytes,
 * millicores) rounds up as the API server's `Value()` / `MilliValue()` do, and only then becomes a
 * JavaScript number. Summing many converted amounts is exact as long as totals stay below 2^53.
 *
 * Grammar (k8s.io/apimachinery/pkg/api/resource/quantity.go):
 *   quantity ::= [sign] number [suffix]
 *   number   ::= digits | digits "." [digits] | "." digits
 *   suffix   ::= binarySI (Ki Mi Gi Ti Pi Ei) | decimalSI (n u m "" k M G T P E) | ("e"|"E") [sign] digits
 */

export interface Quantity {
  /** The text as given. */
  readonly text: string;
  readonly numerator: bigint;
  /** Always positive; a power of ten. */
  readonly denominator: bigint;
}

/** Invalid quantity text. `value` is the offending text, `reason` says what was expected. */
export class QuantityError extends Error {
  readonly code = 'invalid-quantity';
  constructor(
    readonly value: string,
    readonly reason: string,
  ) {
    super(`invalid quantity ${JSON.stringify(value)}: ${reason}`);
    this.name = 'QuantityError';
  }
}

const BINARY_SHIFT: Readonly<Record<string, bigint>> = {
  Ki: 10n,
  Mi: 20n,
  Gi: 30n,
  Ti: 40n,
  Pi: 50n,
  Ei: 60n,
};

const DECIMAL_EXPONENT: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

/** Decimal exponents beyond this are refused: they cannot describe a real resource amount. */
const MAX_EXPONENT = 64;

const NUMBER = /^([+-]?)(\d*)(?:\.(\d*))?(.*)$/;

/** Parses a quantity exactly; throws `QuantityError` naming the value when the text is not one. */
export function parseQuantity(text: string): Quantity {
  const m = NUMBER.exec(text);
  if (m === null) throw new QuantityError(text, 'expected a number with an optional suffix');
  const sign = m[1] ?? '';
  const whole = m[2] ?? '';
  const fraction = m[3] ?? '';
  const suffix = m[4] ?? '';
  if (whole === '' && fraction === '') {
    throw new QuantityError(text, 'expected digits, e.g. "512Mi", "0.5", "100m" or "1e3"');
  }
  let numerator = BigInt(whole + fraction === '' ? '0' : whole + fraction);
  let exponent = -fraction.length;
  const shift = BINARY_SHIFT[suffix];
  if (shift !== undefined) {
    numerator <<= shift;
  } else {
    const decimal = DECIMAL_EXPONENT[suffix];
    if (decimal !== undefined) {
      exponent += decimal;
    } else {
      const e = /^[eE]([+-]?\d+)$/.exec(suffix);
      if (e === null) {
        throw new QuantityError(
          text,
          `unknown suffix ${JSON.stringify(suffix)} (expected one of n u m k M G T P E, Ki Mi Gi Ti Pi Ei, or an exponent like e3)`,
        );
      }
      const value = Number(e[1]);
      if (Math.abs(value) > MAX_EXPONENT) {
        throw new QuantityError(text, `exponent out of range (at most ±${MAX_EXPONENT})`);
      }
      exponent += value;
    }
  }
  if (sign === '-') numerator = -numerator;
  let denominator = 1n;
  if (exponent >= 0) numerator *= 10n ** BigInt(exponent);
  else denominator = 10n ** BigInt(-exponent);
  return { text, numerator, denominator };
}

/** Division rounding away from zero, as `resource.Quantity` does when it drops precision. */
function divideUp(numerator: bigint, denominator: bigint, text: string): number {
  let q = numerator / denominator;
  if (q * denominator !== numerator) q += numerator > 0n ? 1n : -1n;
  if (q > BigInt(Number.MAX_SAFE_INTEGER) || q < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new QuantityError(text, 'too large to count exactly (above 2^53 in the target unit)');
  }
  return Number(q);
}

/** The quantity in whole units (bytes for memory and EPC), rounded up like `Quantity.Value()`. */
export function quantityToBytes(q: Quantity): number {
  return divideUp(q.numerator, q.denominator, q.text);
}

/** The quantity in thousandths (millicores for CPU), rounded up like `Quantity.MilliValue()`. */
export function quantityToMillis(q: Quantity): number {
  return divideUp(q.numerator * 1000n, q.denominator, q.text);
}

/** `parseQuantity` then `quantityToBytes`. */
export function parseBytes(text: string): number {
  return quantityToBytes(parseQuantity(text));
}

/** `parseQuantity` then `quantityToMillis` (CPU: `"500m"` -> 500, `"2"` -> 2000). */
export function parseMillis(text: string): number {
  return quantityToMillis(parseQuantity(text));
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'] as const;

/** Bytes for humans: `41943040` -> `"40 MiB"`, `98041856` -> `"93.5 MiB"`, `512` -> `"512 B"`. */
export function formatBytes(n: number): string {
  const negative = n < 0;
  let value = Math.abs(n);
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  let digits = value.toFixed(unit === 0 ? 0 : value < 10 ? 2 : 1);
  if (digits.includes('.')) digits = digits.replace(/\.?0+$/, '');
  return `${negative ? '-' : ''}${digits} ${BYTE_UNITS[unit] ?? 'B'}`;
}

/** Millicores for humans: `500` -> `"500m"`, `2000` -> `"2 cores"`, `1500` -> `"1.5 cores"`. */
export function formatMillis(n: number): string {
  if (Math.abs(n) < 1000) return `${n}m`;
  const cores = (n / 1000).toFixed(3).replace(/\.?0+$/, '');
  return `${cores} ${cores === '1' ? 'core' : 'cores'}`;
}
