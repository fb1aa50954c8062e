import {
  EVENT,
  ISSUE_REASONS,
  endsPlacement,
  fractionToBytes,
  isSgxJob,
  timeGoesBack,
} from '../../trace/index.js';
import type { EventBatch, IssueSummary } from '../../trace/index.js';
import { KeyIndex } from './key-index.js';
import {
  ARRIVAL,
  BATCH_RECORDS,
  COUNTER_ISSUE,
  COUNTER_NEVER_SCHEDULED,
  COUNTER_TIME_ZERO,
  COUNTER_ZERO_MEMORY,
  END,
  FILE_END,
  INPUT_END,
  R_AMOUNT,
  R_BYTES,
  R_COUNTER,
  R_CPU,
  R_FLAG,
  R_GATE,
  R_JOB,
  R_KIND,
  R_ROW,
  R_ROWS,
  R_SGX,
  R_START_US,
  R_SUBMIT_US,
  R_TASK,
  R_VALUE,
  SKIPPED,
  STRIDE,
} from './paired-records.js';
import type { PairingOptions } from './paired-records.js';

/**
 * Open tasks by task key, one row of typed-array columns each (a month holds millions of tasks that
 * wait or run for hours: objects would all be promoted and traced by every major collection). An
 * entry set again keeps its place in the insertion order, as a `Map` would.
 */
class TaskTable {
  private index = new KeyIndex(4096);
  private free: number[] = [];
  private rows = 0;
  private nextSeq = 0;
  /** Order of first insertion (the order censored placements are ended in); -1: row unused. */
  seq = new Float64Array(4096).fill(-1);
  submitUs = new Float64Array(4096);
  memory = new Float64Array(4096);
  cpu = new Float64Array(4096);
  /** 1 while the task's current placement runs (its ARRIVAL was sent), 0 while it is pending. */
  placed = new Uint8Array(4096);
  startUs = new Float64Array(4096);

  /** The row of `key`, or -1. */
  get(key: number): number {
    return this.index.get(key);
  }

  /** The row of `key`, created (at the end of the insertion order) when absent. */
  upsert(key: number): number {
    const known = this.index.get(key);
    if (known >= 0) return known;
    const row = this.free.pop() ?? this.rows++;
    if (row === this.seq.length) this.grow();
    this.seq[row] = this.nextSeq++;
    this.index.set(key, row);
    return row;
  }

  delete(key: number): void {
    const row = this.index.delete(key);
    if (row < 0) return;
    this.seq[row] = -1;
    this.free.push(row);
  }

  /** Rows in use, in the order their keys were first inserted. */
  inInsertionOrder(): number[] {
    const out: number[] = [];
    for (let row = 0; row < this.rows; row++) if (this.seq[row]! >= 0) out.push(row);
    return out.sort((a, b) => this.seq[a]! - this.seq[b]!);
  }

  private grow(): void {
    const f64 = (a: Float64Array, fill = 0): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(a.length * 2).fill(fill);
      b.set(a);
      return b;
    };
    this.seq = f64(this.seq, -1);
    this.submitUs = f64(this.submitUs);
    this.memory = f64(this.memory);
    this.cpu = f64(this.cpu);
    this.startUs = f64(this.startUs);
    const placed = new Uint8Array(this.placed.length * 2);
    placed.set(this.placed);
    this.placed = placed;
  }
}

/** Task key: job id and task index in one exact number (job ids < 2^33, task indices < 2^20). */
function taskKey(jobId: number, taskIndex: number): number {
  return jobId * 1_048_576 + taskIndex;
}

/**
 * Record batches being filled: full ones wait in `ready` for their owner to send; `spare` holds
 * buffers back from the consumer, to refill.
 */
export class RecordWriter {
  readonly ready: { buffer: ArrayBuffer; n: number }[] = [];
  readonly spare: ArrayBuffer[] = [];
  f: Float64Array;
  n = 0;

  constructor() {
    this.f = new Float64Array(BATCH_RECORDS * STRIDE);
  }

  /** Offset of a new record of `kind` and `gate` in `f` (the caller fills its other fields). */
  open(kind: number, gate: number): number {
    if (this.n === BATCH_RECORDS) this.flush();
    const at = this.n++ * STRIDE;
    this.f[at + R_KIND] = kind;
    this.f[at + R_GATE] = gate;
    return at;
  }

  /** Offset of the last record of the batch being filled, or -1 when it is empty. */
  last(): number {
    return this.n === 0 ? -1 : (this.n - 1) * STRIDE;
  }

  /** Moves the batch being filled (if not empty) to `ready`. */
  flush(): void {
    if (this.n === 0) return;
    this.ready.push({ buffer: this.f.buffer as ArrayBuffer, n: this.n });
    const spare = this.spare.pop();
    this.f = spare === undefined ? new Float64Array(BATCH_RECORDS * STRIDE) : new Float64Array(spare);
    this.n = 0;
  }
}

/**
 * Pairs Borg task_events rows into placements, as records for the stream (`paired-records.ts`): one
 * placement per SCHEDULE and the task's next EVICT/FAIL/FINISH/KILL/LOST, submitted at the SUBMIT
 * before it. Runs on the pairing thread, beside the simulation; does no I/O. Simulated time 0 is
 * the first row after time 0; rows at time 0 (tasks running before the trace began) are left out.
 */
export class BorgPairing {
  private readonly tasks = new TaskTable();
  // Job id -> 1 (SGX) or 0: a hash index on the exact job id (a Map of such keys is slow).
  private readonly sgxByJob = new KeyIndex();
  private originUs = -1;
  /** The time of the last row read after time 0: rows must not go back in time. */
  private lastUs = 0;
  /** When `rows` has thrown for a row out of time order: the simulated time it stands at. */
  failureGate: number | null = null;
  /** The largest simulated time of the rows read since the last record (see paired-records.ts). */
  private gate = -Infinity;

  constructor(
    private readonly o: PairingOptions,
    private readonly out: RecordWriter,
  ) {}

  /** Reads every row of `b`, in order (`file`: where they come from, for an error). */
  rows(b: EventBatch, file: string): void {
    const R = b.rows;
    const f = b.f64;
    const k = b.i32;
    for (let i = 0; i < b.n; i++) {
      const timeUs = f[i]!;
      if (timeUs === 0) {
        this.timeZero();
        continue;
      }
      if (timeUs < this.lastUs) {
        // A reader applying rows one by one reaches this row once it has read the one before.
        this.failureGate = (this.lastUs - this.originUs) / 1e6;
        throw timeGoesBack(file, k[4 * R + i]!, timeUs, this.lastUs);
      }
      if (this.originUs < 0) this.originUs = timeUs;
      const rel = (timeUs - this.originUs) / 1e6;
      if (rel > this.gate) this.gate = rel;
      this.lastUs = timeUs;
      this.row(timeUs, f[R + i]!, k[i]!, k[R + i]!, f[3 * R + i]!, f[4 * R + i]!);
    }
  }

  /** A file was read to its end: `rows` non-empty lines, `issues` the lines skipped as unreadable. */
  fileEnd(rows: number, issues: IssueSummary): void {
    const at = this.record(FILE_END);
    this.out.f[at + R_ROWS] = rows;
    ISSUE_REASONS.forEach((reason, i) => {
      const n = issues[reason]?.count ?? 0;
      if (n === 0) return;
      const skip = this.record(SKIPPED);
      this.out.f[skip + R_COUNTER] = COUNTER_ISSUE + i;
      this.out.f[skip + R_AMOUNT] = n;
    });
  }

  /** The input is over: placements still running end (censored) at the last timestamp read. */
  end(): void {
    const t = this.tasks;
    for (const row of t.inInsertionOrder()) {
      if (t.placed[row] === 0) continue;
      const at = this.record(END);
      this.out.f[at + R_ROW] = row;
      this.out.f[at + R_VALUE] = (this.lastUs - t.startUs[row]!) / 1e6;
      this.out.f[at + R_FLAG] = 1;
    }
    this.record(INPUT_END);
    this.out.flush();
  }

  private record(kind: number): number {
    const at = this.out.open(kind, this.gate);
    this.gate = -Infinity;
    return at;
  }

  private skipped(counter: number): void {
    const at = this.record(SKIPPED);
    this.out.f[at + R_COUNTER] = counter;
    this.out.f[at + R_AMOUNT] = 1;
  }

  /** A row at time 0: counted, in the record of the rows at time 0 just before it if there is one. */
  private timeZero(): void {
    const f = this.out.f;
    const last = this.out.last();
    if (
      this.gate === -Infinity &&
      last >= 0 &&
      f[last + R_KIND] === SKIPPED &&
      f[last + R_COUNTER] === COUNTER_TIME_ZERO
    ) {
      f[last + R_AMOUNT]!++;
      return;
    }
    this.skipped(COUNTER_TIME_ZERO);
  }

  private sgxOf(jobId: number): boolean {
    const known = this.sgxByJob.get(jobId);
    if (known >= 0) return known === 1;
    const sgx = isSgxJob(String(jobId), this.o.sgxShare, this.o.seed);
    this.sgxByJob.set(jobId, sgx ? 1 : 0);
    return sgx;
  }

  private row(
    timeUs: number,
    jobId: number,
    taskIndex: number,
    type: number,
    cpuRequest: number,
    memoryRequest: number,
  ): void {
    const tasks = this.tasks;
    const key = taskKey(jobId, taskIndex);
    if (type === EVENT.SUBMIT) {
      const row = tasks.upsert(key);
      tasks.submitUs[row] = timeUs;
      tasks.memory[row] = memoryRequest;
      tasks.cpu[row] = cpuRequest;
      tasks.placed[row] = 0;
      tasks.startUs[row] = 0;
      return;
    }
    let row = tasks.get(key);
    if (type === EVENT.SCHEDULE) {
      if (row < 0) {
        row = tasks.upsert(key);
        tasks.submitUs[row] = timeUs;
        tasks.memory[row] = memoryRequest;
        tasks.cpu[row] = cpuRequest;
        tasks.placed[row] = 0;
        tasks.startUs[row] = 0;
      }
      const memory = Number.isNaN(memoryRequest) ? tasks.memory[row]! : memoryRequest;
      const cpu = Number.isNaN(cpuRequest) ? tasks.cpu[row]! : cpuRequest;
      if (!(memory > 0)) {
        tasks.delete(key);
        this.skipped(COUNTER_ZERO_MEMORY);
        return;
      }
      const sgx = this.sgxOf(jobId);
      const o = this.o;
      const at = this.record(ARRIVAL);
      const f = this.out.f;
      f[at + R_ROW] = row;
      f[at + R_JOB] = jobId;
      f[at + R_TASK] = taskIndex;
      f[at + R_START_US] = timeUs;
      f[at + R_SUBMIT_US] = tasks.submitUs[row]! - this.originUs;
      f[at + R_BYTES] = fractionToBytes(memory, sgx ? o.epcBytesPerUnit : o.memoryBytesPerUnit);
      f[at + R_CPU] = Number.isNaN(cpu) ? 0 : Math.round(cpu * o.cpuMillisPerUnit);
      f[at + R_SGX] = sgx ? 1 : 0;
      tasks.placed[row] = 1;
      tasks.startUs[row] = timeUs;
      return;
    }
    if (endsPlacement(type)) {
      if (row < 0) return;
      const placed = tasks.placed[row] === 1;
      const startUs = tasks.startUs[row]!;
      tasks.delete(key);
      if (!placed) {
        this.skipped(COUNTER_NEVER_SCHEDULED);
        return;
      }
      const at = this.record(END);
      this.out.f[at + R_ROW] = row;
      this.out.f[at + R_VALUE] = (timeUs - startUs) / 1e6;
      this.out.f[at + R_FLAG] = 0;
      return;
    }
    if (type === EVENT.UPDATE_PENDING && row >= 0 && tasks.placed[row] === 0) {
      if (!Number.isNaN(memoryRequest)) tasks.memory[row] = memoryRequest;
      if (!Number.isNaN(cpuRequest)) tasks.cpu[row] = cpuRequest;
    }
  }
}
