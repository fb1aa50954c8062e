import type { TaskEvent } from '../borg/task-events.js';

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
