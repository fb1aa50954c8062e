import type { TaskEvent } from '../borg/task-events.js';
import { TASK_EVENTS as F } from '../borg/schema.js';
import type { CsvRow } from '../scan/csv-row.js';

/** Rows per batch handed from the parser to the worker thread (about 0.75 MB of columns). */
export const BATCH_ROWS = 8192;
const F64_COLUMNS = 6; // time, job, machine, cpu, memory, disk
const I32_COLUMNS = 6; // task, event type, priority, class, line, missing info
const F64_BYTES = F64_COLUMNS * BATCH_ROWS * 8;
export const BATCH_BYTES = F64_BYTES + I32_COLUMNS * BATCH_ROWS * 4;

/**
 * Decoded task_events rows in columns inside one ArrayBuffer, so that a batch crosses to a worker
 * thread by transfer (no copy) and comes back to be refilled.
 */
export class EventBatch {
  readonly f64: Float64Array;
  readonly i32: Int32Array;
  n = 0;

  constructor(readonly buffer: ArrayBuffer = new ArrayBuffer(BATCH_BYTES)) {
    this.f64 = new Float64Array(buffer, 0, F64_COLUMNS * BATCH_ROWS);
    this.i32 = new Int32Array(buffer, F64_BYTES, I32_COLUMNS * BATCH_ROWS);
  }

  get full(): boolean {
    return this.n === BATCH_ROWS;
  }

  push(e: TaskEvent): void {
    const i = this.n++;
    const f = this.f64;
    const k = this.i32;
    f[i] = e.timeUs;
    f[BATCH_ROWS + i] = e.jobId;
    f[2 * BATCH_ROWS + i] = e.machineId;
    f[3 * BATCH_ROWS + i] = e.cpuRequest;
    f[4 * BATCH_ROWS + i] = e.memoryRequest;
    f[5 * BATCH_ROWS + i] = e.diskRequest;
    k[i] = e.taskIndex;
    k[BATCH_ROWS + i] = e.eventType;
    k[2 * BATCH_ROWS + i] = e.priority;
    k[3 * BATCH_ROWS + i] = e.schedulingClass;
    k[4 * BATCH_ROWS + i] = e.line;
    k[5 * BATCH_ROWS + i] = e.missingInfo;
  }

  /**
   * Decodes a located task_events row straight into the columns, for the common shape only: 13
   * fields, integers of plain digits (at most 15), requests of plain digits with at most one dot.
   * Returns false, writing nothing, for anything else (a sign, an exponent, a bad field, a long
   * number); the caller then takes the checked path (`decodeTaskEvent`), which reports problems and
   * gives the same values for every row this accepts.
   */
  tryPushRow(row: CsvRow): boolean {
    if (row.fieldCount !== F.fields) return false;
    const v = row.digits;
    const timeUs = v[F.time]!;
    const jobId = v[F.jobId]!;
    const taskIndex = v[F.taskIndex]!;
    const eventType = v[F.eventType]!;
    const priority = v[F.priority]!;
    // digits: -1 for an empty field and NaN for anything but plain digits.
    if (!(timeUs >= 0 && jobId >= 0 && taskIndex >= 0 && eventType >= 0 && priority >= 0)) return false;
    if (eventType > 8) return false;
    const missingInfo = v[F.missingInfo]!;
    const machineId = v[F.machineId]!;
    const schedulingClass = v[F.schedulingClass]!;
    if (!(missingInfo >= -1 && machineId >= -1 && schedulingClass >= -1)) return false;
    const b = row.buf;
    const s = row.starts;
    const t = row.ends;
    const cpu = decimalAt(b, s[F.cpuRequest]!, t[F.cpuRequest]!);
    const memory = decimalAt(b, s[F.memoryRequest]!, t[F.memoryRequest]!);
    const disk = decimalAt(b, s[F.diskRequest]!, t[F.diskRequest]!);
    if (!(cpu >= -1 && memory >= -1 && disk >= -1)) return false;
    const i = this.n++;
    const f = this.f64;
    const k = this.i32;
    f[i] = timeUs;
    f[BATCH_ROWS + i] = jobId;
    f[2 * BATCH_ROWS + i] = machineId < 0 ? NaN : machineId;
    f[3 * BATCH_ROWS + i] = cpu < 0 ? NaN : cpu;
    f[4 * BATCH_ROWS + i] = memory < 0 ? NaN : memory;
    f[5 * BATCH_ROWS + i] = disk < 0 ? NaN : disk;
    k[i] = taskIndex;
    k[BATCH_ROWS + i] = eventType;
    k[2 * BATCH_ROWS + i] = priority;
    k[3 * BATCH_ROWS + i] = schedulingClass;
    k[4 * BATCH_ROWS + i] = row.line;
    k[5 * BATCH_ROWS + i] = missingInfo;
    return true;
  }

  /** Fills `e` with row i (its `file` is left as is). */
  read(i: number, e: TaskEvent): void {
    const f = this.f64;
    const k = this.i32;
    e.timeUs = f[i]!;
    e.jobId = f[BATCH_ROWS + i]!;
    e.machineId = f[2 * BATCH_ROWS + i]!;
    e.cpuRequest = f[3 * BATCH_ROWS + i]!;
    e.memoryRequest = f[4 * BATCH_ROWS + i]!;
    e.diskRequest = f[5 * BATCH_ROWS + i]!;
    e.taskIndex = k[i]!;
    e.eventType = k[BATCH_ROWS + i]!;
    e.priority = k[2 * BATCH_ROWS + i]!;
    e.schedulingClass = k[3 * BATCH_ROWS + i]!;
    e.line = k[4 * BATCH_ROWS + i]!;
    e.missingInfo = k[5 * BATCH_ROWS + i]!;
  }
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
