import { ISSUE_REASONS, TraceInputError } from '../../trace/index.js';
import type { IssueReason } from '../../trace/index.js';
import type { SimJob } from '../run/job.js';
import { PAGE_BYTES } from '../../core/index.js';
import type { ArrivalSink, JobStream } from '../run/stream.js';
import { WatchedWorker } from '../run/watched-worker.js';
import {
  ARRIVAL,
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
import type { PairingIn, PairingOptions, PairingOut } from './paired-records.js';

export interface BorgStreamOptions extends PairingOptions {
  /** Seconds the stream reads ahead of the simulated clock (default one hour). */
  readonly lookahead?: number;
}

/** What a streamed replay read and left out. */
export interface BorgStreamCounts {
  rows: number;
  placements: number;
  /** Placements still running when the input ended: their end is the last timestamp read. */
  censored: number;
  /** Rows at time 0 (tasks running before the trace began): left out, as the trace mapping does. */
  timeZeroRows: number;
  /** Malformed rows skipped (by the trace reader's rules), every reason together: the sum of `issues`. */
  malformed: number;
  /** The same, by reason (the keys `trace stats` and a loaded workload's `skipped` use). */
  issues: Partial<Record<IssueReason, number>>;
  /** Placements asking for no memory (left out, as the paper's runner did). */
  zeroMemory: number;
  /** Tasks that ended (killed, failed) while still pending: never placed by Borg, left out. */
  neverScheduled: number;
}

/** Large whole numbers are kept as two small integers: hi * SPLIT + lo, with 0 <= lo < SPLIT. */
const SPLIT = 1_000_000_000;

/**
 * The job of one Borg placement. Its numbers are all small integers (job id, start and submit time
 * split in two, request in pages): V8 keeps a small integer inside the object, and any other number
 * as a separate heap object, and a placement's job lives as long as its pod (hours of simulated
 * time), so each such number was one more object for the collector to copy. Its id
 * (`job-task-start`, as in the results) is built when read. Exported for the stream's tests.
 */
export class BorgPlacementJob implements SimJob {
  readonly duration = NaN;
  private jobHi = 0;
  private jobLo = 0;
  private taskIndex = 0;
  private startHi = 0;
  private startLo = 0;
  private submitHi = 0;
  private submitLo = 0;
  private requestPages = 0;
  sgx = false;
  cpuMillis = 0;

  /**
   * Sets the placement this object stands for (a new object, or one the simulation has finished
   * with: `JobStream.recycle`). `submitUs`: microseconds from the stream's origin to the submit.
   */
  set(
    jobId: number,
    taskIndex: number,
    startUs: number,
    submitUs: number,
    sgx: boolean,
    requestBytes: number,
    cpuMillis: number,
  ): this {
    this.jobHi = Math.floor(jobId / SPLIT);
    this.jobLo = jobId - this.jobHi * SPLIT;
    this.taskIndex = taskIndex;
    this.startHi = Math.floor(startUs / SPLIT);
    this.startLo = startUs - this.startHi * SPLIT;
    this.submitHi = Math.floor(submitUs / SPLIT);
    this.submitLo = submitUs - this.submitHi * SPLIT;
    this.requestPages = requestBytes / PAGE_BYTES;
    this.sgx = sgx;
    this.cpuMillis = cpuMillis;
    return this;
  }

  get submit(): number {
    return (this.submitHi * SPLIT + this.submitLo) / 1e6;
  }

  get requestBytes(): number {
    return this.requestPages * PAGE_BYTES;
  }

  get usageBytes(): number {
    return this.requestBytes;
  }

  get id(): string {
    return `${splitText(this.jobHi, this.jobLo)}-${this.taskIndex}-${splitText(this.startHi, this.startLo)}`;
  }

  /** The id's three numbers (see `SimJob.idParts`): `id` is their decimal text joined by '-'. */
  idParts(out: Float64Array, at: number): boolean {
    out[at] = this.jobHi * SPLIT + this.jobLo;
    out[at + 1] = this.taskIndex;
    out[at + 2] = this.startHi * SPLIT + this.startLo;
    return true;
  }
}

/** `String(hi * SPLIT + lo)` for a whole number >= 0, from its two small parts. */
export function splitText(hi: number, lo: number): string {
  return hi === 0 ? String(lo) : String(hi) + String(lo).padStart(9, '0');
}

/**
 * Turns paired records (`paired-records.ts`) into what the simulation sees: arrivals and durations
 * on a sink, and the counts of what was read and left out. The one place where records are read;
 * when they are due (their gates) is the caller's to decide.
 */
export class PairedRecordReader {
  readonly counts: BorgStreamCounts = {
    rows: 0,
    placements: 0,
    censored: 0,
    timeZeroRows: 0,
    malformed: 0,
    issues: {},
    zeroMemory: 0,
    neverScheduled: 0,
  };
  /**
   * Jobs the simulation has finished with, reused. A placement's job gives its id's parts, so the
   * simulation copies what it needs at the arrival and hands the job back at once: one object serves
   * every placement (when it lived as long as its pod, hours of simulated time, each was promoted and
   * collected in the old space, and touched again, out of cache, at the pod's end).
   */
  private readonly spareJobs: BorgPlacementJob[] = [];
  /** The simulation's handle of each placement, by the pairing thread's row for its task. */
  private handles = new Float64Array(4096);

  /** Applies the record at `k` in `r`; false for the INPUT_END record. */
  apply(r: Float64Array, k: number, sink: ArrivalSink): boolean {
    const kind = r[k + R_KIND]!;
    const c = this.counts;
    if (kind === ARRIVAL) this.arrival(r, k, sink);
    else if (kind === END) {
      if (r[k + R_FLAG] === 1) c.censored++;
      sink.duration(this.handles[r[k + R_ROW]!]!, r[k + R_VALUE]!);
    } else if (kind === SKIPPED) {
      const counter = r[k + R_COUNTER]!;
      const amount = r[k + R_AMOUNT]!;
      if (counter === COUNTER_TIME_ZERO) c.timeZeroRows += amount;
      else if (counter === COUNTER_NEVER_SCHEDULED) c.neverScheduled += amount;
      else if (counter === COUNTER_ZERO_MEMORY) c.zeroMemory += amount;
      else {
        const reason = ISSUE_REASONS[counter - COUNTER_ISSUE]!;
        c.issues[reason] = (c.issues[reason] ?? 0) + amount;
        c.malformed += amount;
      }
    } else if (kind === FILE_END) {
      c.rows += r[k + R_ROWS]!;
    } else if (kind === INPUT_END) return false;
    return true;
  }

  recycle(job: SimJob): void {
    if (job instanceof BorgPlacementJob) this.spareJobs.push(job);
  }

  private arrival(r: Float64Array, k: number, sink: ArrivalSink): void {
    const job = (this.spareJobs.pop() ?? new BorgPlacementJob()).set(
      r[k + R_JOB]!,
      r[k + R_TASK]!,
      r[k + R_START_US]!,
      r[k + R_SUBMIT_US]!,
      r[k + R_SGX] === 1,
      r[k + R_BYTES]!,
      r[k + R_CPU]!,
    );
    const row = r[k + R_ROW]!;
    if (row >= this.handles.length) {
      const grown = new Float64Array(Math.max(row + 1, this.handles.length * 2));
      grown.set(this.handles);
      this.handles = grown;
    }
    this.handles[row] = sink.arrival(job, true);
    this.counts.placements++;
  }
}

/** A Borg task_events stream: what it read and left out, and its thread started and closed at will. */
export type BorgTaskStream = JobStream & {
  counts(): BorgStreamCounts;
  start(): void;
  close(): Promise<void>;
};

/**
 * Borg task_events replayed as a stream, with memory that grows with the tasks alive in the trace,
 * not with its length (the month has 25 million tasks): one pod per placement (a SCHEDULE and the
 * task's next EVICT/FAIL/FINISH/KILL/LOST), submitted at the SUBMIT before it, its duration told
 * when the end event is read. The simulation keeps the reader `lookahead` seconds ahead of its
 * clock, so a pod is known before its submit time unless Borg kept it pending longer than that,
 * and its end is known in time unless the simulation started it more than that before Borg did
 * (both counted: `RunSummary.lateArrivals`, `lateEnds`). Usage = request (task_events has no
 * measured usage). Simulated time 0 is the first row after time 0.
 *
 * The rows are read and paired on a thread of their own (`borg-pairing-worker.ts`); this side only
 * delivers the paired records as the simulation asks for them, in the order and at the moments a reader applying the rows one by one
 * would (see the gates of paired-records.ts), so that results do not depend on the threads' pace.
 */
export function borgTaskStream(o: BorgStreamOptions): BorgTaskStream {
  const reader = new PairedRecordReader();
  let worker: WatchedWorker<PairingIn, PairingOut> | null = null;
  const inbox: PairingOut[] = [];
  let ended = false;
  let records: Float64Array | null = null;
  let n = 0;
  let at = 0;
  /** A failure the input reaches at simulated time `gate` (see `PairingOut`), once there. */
  let failure: { readonly error: Error; readonly gate: number } | null = null;

  const start = (): WatchedWorker<PairingIn, PairingOut> => {
    // Only the pairing's options cross to the thread (a caller's object may hold more).
    const data: PairingOptions = {
      files: o.files,
      sgxShare: o.sgxShare,
      seed: o.seed,
      epcBytesPerUnit: o.epcBytesPerUnit,
      memoryBytesPerUnit: o.memoryBytesPerUnit,
      cpuMillisPerUnit: o.cpuMillisPerUnit,
    };
    return new WatchedWorker<PairingIn, PairingOut>(
      new URL('./borg-pairing-worker.js', import.meta.url),
      data,
      'the Borg trace pairing thread',
      (m) => inbox.push(m),
    );
  };

  const stop = async (): Promise<void> => {
    await worker?.stop();
  };

  /** The next batch of records from the pairing thread (the current one goes back to be refilled). */
  const nextBatch = async (w: WatchedWorker<PairingIn, PairingOut>): Promise<void> => {
    if (records !== null) {
      const ack: PairingIn = { type: 'ack', buffer: records.buffer as ArrayBuffer };
      w.post(ack, [records.buffer as ArrayBuffer]);
      records = null;
    }
    // Records that came before a failure are still delivered.
    await w.until(() => inbox.length > 0, true);
    const m = inbox.shift()!;
    if (m.type === 'error') {
      const error = m.input ? new TraceInputError(m.message, m.issue) : new Error(m.message);
      if (m.gate === undefined) throw error;
      failure = { error, gate: m.gate };
      return;
    }
    records = new Float64Array(m.buffer);
    n = m.n;
    at = 0;
  };

  return {
    lookahead: o.lookahead ?? 3600,
    counts: () => ({ ...reader.counts, issues: { ...reader.counts.issues } }),
    start(): void {
      if (!ended) worker ??= start();
    },
    async advance(t: number, sink: ArrivalSink): Promise<boolean> {
      if (ended) return false;
      worker ??= start();
      for (;;) {
        if (records === null || at >= n) {
          if (failure !== null) {
            if (failure.gate > t) return true;
            throw failure.error;
          }
          await nextBatch(worker);
          continue;
        }
        const r = records;
        const k = at * STRIDE;
        if (r[k + R_GATE]! > t) return true;
        at++;
        if (!reader.apply(r, k, sink)) {
          ended = true;
          await stop();
          return false;
        }
      }
    },
    recycle(job: SimJob): void {
      reader.recycle(job);
    },
    async close(): Promise<void> {
      // Stops the reading thread when the simulation ends before the input does.
      await stop();
    },
  };
}
