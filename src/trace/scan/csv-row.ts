import type { IssueLog, IssueReason } from '../issues.js';
import { quoteRaw } from '../issues.js';

/** Fields beyond this many are counted but not located (no trace table has more than 20). */
export const MAX_FIELDS = 64;

/** Powers of ten that are exact doubles (10^22 is the largest). */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/**
 * One line of a CSV file, as byte offsets into the buffer that holds it. The scanner reuses a single
 * instance for every line, so a consumer must copy out what it keeps. Field numbers in this API are
 * 0-based; messages print them 1-based, as the official schema numbers them.
 *
 * Parsing works on bytes, without building strings: `int` and `float` read digits directly and give
 * exactly what `Number(text)` gives (a mantissa of at most 15 digits divided by an exact power of ten
 * is one correctly rounded division); anything unusual (exponents, long mantissas) falls back to
 * `Number` on the text.
 */
export class CsvRow {
  buf: Uint8Array = new Uint8Array(0);
  /** Start and end (exclusive) byte offset of each field in `buf`. */
  readonly starts = new Int32Array(MAX_FIELDS);
  readonly ends = new Int32Array(MAX_FIELDS);
  /**
   * Each field read as an integer in the same pass that finds the commas: its value when it is 1 to
   * 15 plain digits (exact), -1 when empty, NaN otherwise (a sign, a dot, a letter, more digits).
   * A fast decoder uses these for the common row and the checked readers below for anything else.
   */
  readonly digits = new Float64Array(MAX_FIELDS).fill(NaN);
  /** Number of fields on the line (may exceed MAX_FIELDS; only the first MAX_FIELDS are located). */
  fieldCount = 0;
  /** Offsets of the whole line (without its line terminator). */
  lineStart = 0;
  lineEnd = 0;
  /** File being read and 1-based line number in it. */
  file = '';
  line = 0;

  isEmpty(i: number): boolean {
    return this.starts[i] === this.ends[i];
  }

  /** The field as text (latin1 is enough for numbers and the trace's base64 hashes; UTF-8 for names). */
  text(i: number): string {
    if (i >= this.fieldCount || i >= MAX_FIELDS) return '';
    return Buffer.from(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength).toString(
      'utf8',
      this.starts[i],
      this.ends[i],
    );
  }

  /** The whole line as text, for messages. */
  lineText(): string {
    return Buffer.from(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength).toString(
      'utf8',
      this.lineStart,
      this.lineEnd,
    );
  }

  /** An integer with an optional leading '-'; NaN when empty or not an integer. */
  int(i: number): number {
    // Read already by the scanner when the field is plain digits.
    const known = this.digits[i];
    if (known !== undefined && known >= 0) return known;
    let p = this.starts[i]!;
    const e = this.ends[i]!;
    if (p === e) return NaN;
    const b = this.buf;
    let negative = false;
    if (b[p] === 45) {
      negative = true;
      p++;
      if (p === e) return NaN;
    }
    let v = 0;
    const digitsFrom = p;
    for (; p < e; p++) {
      const d = b[p]! - 48;
      if (d < 0 || d > 9) return NaN;
      v = v * 10 + d;
    }
    // Beyond 15 digits the running sum may round differently from Number(text) (2^63-1 does).
    if (e - digitsFrom > 15) return Number(this.text(i));
    return negative ? -v : v;
  }

  /** A decimal number (`12`, `-0.5`, `.25`, `3.815e-05`); NaN when empty or not a number. */
  float(i: number): number {
    let p = this.starts[i]!;
    const e = this.ends[i]!;
    if (p === e) return NaN;
    const b = this.buf;
    let negative = false;
    const first = b[p];
    if (first === 45 || first === 43) {
      negative = first === 45;
      p++;
    }
    let mantissa = 0;
    let sawDigit = false;
    let digits = 0;
    let fractionDigits = 0;
    let seenDot = false;
    let exponent = 0;
    for (; p < e; p++) {
      const c = b[p]!;
      const d = c - 48;
      if (d >= 0 && d <= 9) {
        mantissa = mantissa * 10 + d;
        sawDigit = true;
        if (mantissa !== 0) digits++;
        if (seenDot) fractionDigits++;
      } else if (c === 46 && !seenDot) {
        seenDot = true;
      } else if ((c === 101 || c === 69) && sawDigit) {
        // Exponent: the disk requests of task_events are written like 3.815e-05.
        exponent = this.exponentAt(p + 1, e);
        if (Number.isNaN(exponent)) return NaN;
        break;
      } else {
        return NaN;
      }
    }
    if (!sawDigit) return NaN; // a lone sign or dot
    if (digits > 15) return this.slowFloat(i);
    // mantissa x 10^power: one multiplication or division of two exact doubles is correctly
    // rounded, hence equal to Number(text).
    const power = exponent - fractionDigits;
    let v: number;
    if (power === 0) v = mantissa;
    else if (power > 0 && power <= 22) v = mantissa * POW10[power]!;
    else if (power < 0 && power >= -22) v = mantissa / POW10[-power]!;
    else return this.slowFloat(i);
    return negative ? -v : v;
  }

  /** The signed integer exponent in bytes [p, e); NaN when malformed. */
  private exponentAt(p: number, e: number): number {
    const b = this.buf;
    let sign = 1;
    if (b[p] === 45 || b[p] === 43) {
      sign = b[p] === 45 ? -1 : 1;
      p++;
    }
    if (p === e) return NaN;
    let x = 0;
    for (; p < e; p++) {
      const d = b[p]! - 48;
      if (d < 0 || d > 9) return NaN;
      x = x * 10 + d;
    }
    return sign * x;
  }

  private slowFloat(i: number): number {
    const t = this.text(i).trim();
    if (t.length === 0) return NaN;
    const v = Number(t);
    return Number.isFinite(v) ? v : NaN;
  }

  // --- validation helpers: read a field or report it to the log and return NaN -------------------

  /** A mandatory integer >= min. Reports and returns NaN when absent or invalid. */
  needInt(
    i: number,
    log: IssueLog,
    what = 'an integer',
    min = -Infinity,
    belowMin: IssueReason = 'out-of-range',
  ): number {
    const v = this.int(i);
    if (v >= min) return v; // the common case: one parse, one comparison
    if (this.isEmpty(i)) return this.fail(log, 'missing-field', i, what);
    if (Number.isNaN(v)) return this.fail(log, 'not-a-number', i, what);
    return this.fail(log, belowMin, i, what);
  }

  /** A mandatory number >= min. Reports and returns NaN when absent or invalid. */
  needFloat(
    i: number,
    log: IssueLog,
    what = 'a number',
    min = -Infinity,
    belowMin: IssueReason = 'out-of-range',
  ): number {
    if (this.isEmpty(i)) return this.fail(log, 'missing-field', i, what);
    const v = this.float(i);
    if (Number.isNaN(v)) return this.fail(log, 'not-a-number', i, what);
    if (v < min) return this.fail(log, belowMin, i, what);
    return v;
  }

  /** An optional number: `fallback` when empty, NaN (reported) when present but not a number or < min. */
  optFloat(i: number, log: IssueLog, fallback: number, what = 'a number', min = -Infinity): number {
    if (this.starts[i] === this.ends[i]) return fallback;
    const v = this.float(i);
    if (v >= min) return v;
    if (Number.isNaN(v)) return this.fail(log, 'not-a-number', i, what);
    return this.fail(log, 'out-of-range', i, what);
  }

  /** An optional integer: `fallback` when empty, NaN (reported) when present but not an integer. */
  optInt(i: number, log: IssueLog, fallback: number, what = 'an integer'): number {
    if (this.isEmpty(i)) return fallback;
    const v = this.int(i);
    if (Number.isNaN(v)) return this.fail(log, 'not-a-number', i, what);
    return v;
  }

  /** Reports a problem with field i (0-based) and returns NaN, so callers can `if (isNaN(x)) return`. */
  fail(log: IssueLog, reason: IssueReason, i: number, expected: string, got?: string): number {
    log.report({
      reason,
      file: this.file,
      line: this.line,
      field: i + 1,
      expected,
      got: got ?? quoteRaw(this.text(i)),
    });
    return NaN;
  }

  /** Checks the field count; reports and returns false when it differs from `expected`. */
  expectFields(log: IssueLog, expected: number, atLeast = false): boolean {
    const n = this.fieldCount;
    if (n === expected || (atLeast && n > expected)) return true;
    log.report({
      reason: 'column-count',
      file: this.file,
      line: this.line,
      expected: `${atLeast ? 'at least ' : ''}${expected} comma-separated fields`,
      got: `${n} in ${quoteRaw(this.lineText())}`,
    });
    return false;
  }
}
