import type { TaskEvent } from './task-events.js';

/** Rows per batch handed from a parser thread to its consumer (2.4 MB of columns: few messages). */
export const BATCH_ROWS = 32768;
const F64_COLUMNS = 6; // time, job, machine, cpu, memory, disk
const I32_COLUMNS = 6; // task, event type, priority, class, line, missing info
const ROW_BYTES = F64_COLUMNS * 8 + I32_COLUMNS * 4;
export const BATCH_BYTES = BATCH_ROWS * ROW_BYTES;

/**
 * Decoded task_events rows in columns inside one ArrayBuffer, so that a batch crosses to a worker
 * thread by transfer (no copy) and comes back to be refilled. Consumers read the columns directly:
 * `f64[c * rows + i]` for time (c = 0), job, machine, CPU, memory and disk requests (c = 1..5),
 * `i32[c * rows + i]` for task index, event type, priority, scheduling class, line and missing-info
 * (c = 0..5), with the same conventions as `TaskEvent` (NaN or -1 for empty fields).
 */
export class EventBatch {
  readonly f64: Float64Array;
  readonly i32: Int32Array;
  /** Capacity in rows: the stride between columns. */
  readonly rows: number;
  readonly buffer: ArrayBuffer;
  n = 0;

  constructor(buffer?: ArrayBuffer, rows = BATCH_ROWS) {
    this.rows = rows;
    this.buffer = buffer ?? new ArrayBuffer(rows * ROW_BYTES);
    this.f64 = new Float64Array(this.buffer, 0, F64_COLUMNS * rows);
    this.i32 = new Int32Array(this.buffer, F64_COLUMNS * rows * 8, I32_COLUMNS * rows);
  }

  get full(): boolean {
    return this.n === this.rows;
  }

  push(e: TaskEvent): void {
    const i = this.n++;
    const R = this.rows;
    const f = this.f64;
    const k = this.i32;
    f[i] = e.timeUs;
    f[R + i] = e.jobId;
    f[2 * R + i] = e.machineId;
    f[3 * R + i] = e.cpuRequest;
    f[4 * R + i] = e.memoryRequest;
    f[5 * R + i] = e.diskRequest;
    k[i] = e.taskIndex;
    k[R + i] = e.eventType;
    k[2 * R + i] = e.priority;
    k[3 * R + i] = e.schedulingClass;
    k[4 * R + i] = e.line;
    k[5 * R + i] = e.missingInfo;
  }

  /**
   * Decodes the task_events line that starts at `p` in `b` straight from its bytes into the columns,
   * in one pass, for the common shape only: 13 fields, integers of 1 to 15 plain digits, requests of
   * plain digits with at most one dot and an optional exponent. Returns the offset after the line's
   * LF, or -1, writing nothing, for anything else (a sign, a long number, a bad field, a line that
   * does not end within `b`): the caller then scans the line and takes the checked path
   * (`decodeTaskEvent`), which reports problems and gives the same values for every line this takes.
   */
  tryPushLine(b: Uint8Array, p: number, line: number): number {
    // Every read below stops at the end of `b`: past it, b[q] is undefined and matches no delimiter.
    const n = b.length;
    let q = digitsAt(b, p, n);
    if (q < 0 || b[q] !== COMMA) return -1;
    const timeUs = read[0]!;
    q = digitsAt(b, q + 1, n);
    if (q < 0 || b[q] !== COMMA) return -1;
    const missingInfo = read[0]!;
    q = digitsAt(b, q + 1, n);
    if (q < 0 || b[q] !== COMMA) return -1;
    const jobId = read[0]!;
    q = digitsAt(b, q + 1, n);
    if (q < 0 || b[q] !== COMMA) return -1;
    const taskIndex = read[0]!;
    q = digitsAt(b, q + 1, n);
    if (q < 0 || b[q] !== COMMA) return -1;
    const machineId = read[0]!;
    q = digitsAt(b, q + 1, n);
    if (q < 0 || b[q] !== COMMA) return -1;
    const eventType = read[0]!;
    if (timeUs < 0 || jobId < 0 || taskIndex < 0 || eventType < 0 || eventType > 8) return -1;
    q = fieldEnd(b, q + 1, n); // user: not read
    if (b[q] !== COMMA) return -1;
    q = digitsAt(b, q + 1, n);
    if (q < 0 || b[q] !== COMMA) return -1;
    const schedulingClass = read[0]!;
    q = digitsAt(b, q + 1, n);
    if (q < 0 || b[q] !== COMMA || read[0]! < 0) return -1;
    const priority = read[0]!;
    q = decimalField(b, q + 1, n);
    if (q < 0) return -1;
    const cpu = read[0]!;
    q = decimalField(b, q + 1, n);
    if (q < 0) return -1;
    const memory = read[0]!;
    q = decimalField(b, q + 1, n);
    if (q < 0) return -1;
    const disk = read[0]!;
    // Last field (different-machine constraint): not read, but a 14th field declines the line.
    const e = fieldEnd(b, q + 1, n);
    if (b[e] !== LF) return -1;
    // The same column writes as `push`, written out: a shared twelve-argument helper made
    // `trace stats` on the 14 Borg parts 5-15 % slower (alternating runs).
    const i = this.n++;
    const R = this.rows;
    const f = this.f64;
    const k = this.i32;
    f[i] = timeUs;
    f[R + i] = jobId;
    f[2 * R + i] = machineId < 0 ? NaN : machineId;
    f[3 * R + i] = cpu < 0 ? NaN : cpu;
    f[4 * R + i] = memory < 0 ? NaN : memory;
    f[5 * R + i] = disk < 0 ? NaN : disk;
    k[i] = taskIndex;
    k[R + i] = eventType;
    k[2 * R + i] = priority;
    k[3 * R + i] = schedulingClass;
    k[4 * R + i] = line;
    k[5 * R + i] = missingInfo;
    return e + 1;
  }

  /** Fills `e` with row i (its `file` is left as is). */
  read(i: number, e: TaskEvent): void {
    const R = this.rows;
    const f = this.f64;
    const k = this.i32;
    e.timeUs = f[i]!;
    e.jobId = f[R + i]!;
    e.machineId = f[2 * R + i]!;
    e.cpuRequest = f[3 * R + i]!;
    e.memoryRequest = f[4 * R + i]!;
    e.diskRequest = f[5 * R + i]!;
    e.taskIndex = k[i]!;
    e.eventType = k[R + i]!;
    e.priority = k[2 * R + i]!;
    e.schedulingClass = k[3 * R + i]!;
    e.line = k[4 * R + i]!;
    e.missingInfo = k[5 * R + i]!;
  }
}

const COMMA = 44;
const LF = 10;

/**
 * The value the last `digitsAt` or `decimalField` read (-1 for an empty field). A typed-array slot,
 * not a `let`: a module variable holding a double would allocate a heap number at every store.
 */
const read = new Float64Array(1);

/**
 * Reads plain digits from `p` (as the line scanner does for `CsvRow.digits`): sets `read[0]` to their
 * value (-1 when there are none) and returns the offset of the first other byte, or -1 for more than
 * 15 digits (not exact in a double: the checked path decides).
 */
function digitsAt(b: Uint8Array, p: number, n: number): number {
  let v = 0;
  let q = p;
  for (; q < n; q++) {
    const d = b[q]! - 48;
    if (d < 0 || d > 9) break;
    v = v * 10 + d;
  }
  if (q - p > 15) return -1;
  read[0] = q === p ? -1 : v;
  return q;
}

/**
 * Reads a request field from `p` up to its comma: plain digits with at most one dot, the common case,
 * in one pass; anything else (an exponent) through `decimalAt`. Sets `read[0]` to the value (-1 when
 * empty) and returns the comma's offset, or -1 when the field does not end with a comma or
 * `decimalAt` would decline it.
 */
function decimalField(b: Uint8Array, p: number, n: number): number {
  let mantissa = 0;
  let dot = -1;
  let q = p;
  for (; q < n; q++) {
    const d = b[q]! - 48;
    if (d >= 0 && d <= 9) mantissa = mantissa * 10 + d;
    else if (d === -2 && dot < 0) dot = q;
    else break;
  }
  if (b[q] === COMMA) {
    if (q === p) {
      read[0] = -1;
      return q;
    }
    const digits = q - p - (dot < 0 ? 0 : 1);
    if (digits === 0 || digits > 15) return -1;
    read[0] = dot < 0 ? mantissa : mantissa / POW10[q - dot - 1]!;
    return q;
  }
  const e = fieldEnd(b, q, n);
  if (b[e] !== COMMA) return -1;
  const v = decimalAt(b, p, e);
  if (!(v >= -1)) return -1;
  read[0] = v;
  return e;
}

/** Offset of the first comma or LF from `p` (or `n`). */
function fieldEnd(b: Uint8Array, p: number, n: number): number {
  let q = p;
  for (; q < n; q++) {
    const c = b[q];
    if (c === COMMA || c === LF) break;
  }
  return q;
}

/** Powers of ten that are exact doubles (10^22 is the largest). */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/**
 * Bytes [p, e) as a decimal of plain digits with at most one dot, at most 15 digits, and an optional
 * exponent (`7.725e-05`: the trace writes small disk requests so). The mantissa times or divided by
 * one exact power of ten gives exactly `Number(text)`, as in `CsvRow.float`. -1 when empty, NaN for
 * anything else (signs, long mantissas, exponents beyond 10^±22): the checked path decides those.
 */
function decimalAt(b: Uint8Array, p: number, e: number): number {
  if (p === e) return -1;
  let mantissa = 0;
  let dot = -1;
  let q = p;
  for (; q < e; q++) {
    const d = b[q]! - 48;
    if (d >= 0 && d <= 9) mantissa = mantissa * 10 + d;
    else if (d === -2 && dot < 0) dot = q;
    else break;
  }
  const mantissaEnd = q;
  const digits = mantissaEnd - p - (dot < 0 ? 0 : 1);
  if (digits === 0 || digits > 15) return NaN;
  const fractionDigits = dot < 0 ? 0 : mantissaEnd - dot - 1;
  let exponent = 0;
  if (q < e) {
    const c = b[q];
    if (c !== 101 && c !== 69) return NaN;
    q++;
    let negative = false;
    if (b[q] === 45 || b[q] === 43) {
      negative = b[q] === 45;
      q++;
    }
    if (q === e || e - q > 3) return NaN;
    for (; q < e; q++) {
      const d = b[q]! - 48;
      if (d < 0 || d > 9) return NaN;
      exponent = exponent * 10 + d;
    }
    if (negative) exponent = -exponent;
  }
  const power = exponent - fractionDigits;
  if (power === 0) return mantissa;
  if (power > 0 && power <= 22) return mantissa * POW10[power]!;
  if (power < 0 && power >= -22) return mantissa / POW10[-power]!;
  return NaN;
}
