import {
  EVENT,
  IssueLog,
  endsPlacement,
  fractionToBytes,
  isSgxJob,
  parseInParallel,
  resolveSources,
} from '../../trace/index.js';
import type { EventBatch, ParsedBatch } from '../../trace/index.js';
import type { SimJob } from '../run/job.js';
import { PAGE_BYTES } from '../../core/index.js';
import { KeyIndex } from './key-index.js';
import type { ArrivalSink, JobStream } from '../run/stream.js';

export interface BorgStreamOptions {
  /** task_events parts, in time order (files, folders or globs). */
  readonly files: readonly string[];
  /** Share of Borg jobs designated SGX (per job id, seeded: the same draw as the trace mapping). */
  readonly sgxShare: number;
  readonly seed: number;
  readonly epcBytesPerUnit: number;
  readonly memoryBytesPerUnit: number;
  readonly cpuMillisPerUnit: number;
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
  /** Malformed rows skipped (by the trace reader's rules). */
  malformed: number;
  /** Placements asking for no memory (left out, as the paper's runner did). */
  zeroMemory: number;
  /** Tasks that ended (killed, failed) while still pending: never placed by Borg, left out. */
  neverScheduled: number;
}

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
  /** The simulation's handle of the task's current placement (its pod), -1 while pending. */
  placement = new Float64Array(4096);
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

  clear(): void {
    this.index = new KeyIndex();
    this.free = [];
    this.rows = 0;
    this.seq.fill(-1);
  }

  private grow(): void {
    const more = (a: Float64Array, fill = 0): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(a.length * 2).fill(fill);
      b.set(a);
      return b;
    };
    this.seq = more(this.seq, -1);
    this.submitUs = more(this.submitUs);
    this.memory = more(this.memory);
    this.cpu = more(this.cpu);
    this.placement = more(this.placement);
    this.startUs = more(this.startUs);
  }
}

/** Large whole numbers are kept as two small integers: hi * SPLIT + lo, with 0 <= lo < SPLIT. */
const SPLIT = 1_000_000_000;

/**
 * The job of one Borg placement. Its numbers are all small integers (job id, start and submit time
 * split in two, request in pages): V8 keeps a small integer inside the object, and any other number
 * as a separate heap object, and a placement's job lives as long as its pod (hours of simulated
 * time), so each such number was one more object for the collector to copy. Its id
 * (`job-task-start`, as in the results) is built when read.
 */
class BorgPlacementJob implements SimJob {
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
}

/** `String(hi * SPLIT + lo)` for a whole number >= 0, from its two small parts. */
export function splitText(hi: number, lo: number): string {
  return hi === 0 ? String(lo) : String(hi) + String(lo).padStart(9, '0');
}

/** Task key: job id and task index in one exact number (job ids < 2^33, task indices < 2^20). */
function taskKey(jobId: number, taskIndex: number): number {
  return jobId * 1_048_576 + taskIndex;
}

/**
 * Borg task_events replayed as a stream, with memory that grows with the tasks alive in the trace,
 * not with its length (the month has 25 million tasks): one pod per placement (a SCHEDULE and the
 * task's next EVICT/FAIL/FINISH/KILL/LOST), submitted at the SUBMIT before it, its duration told
 * when the end event is read. The simulation keeps the reader `lookahead` seconds ahead of its
 * clock, so a pod is known before its submit time unless Borg kept it pending longer than that,
 * and its end is known in time unless the simulation started it more than that before Borg did
 * (both counted: `RunSummary.lateArrivals`, `lateEnds`). Usage = request (task_events has no
 * measured usage). Simulated time 0 is the first row after time 0.
 */
export function borgTaskStream(o: BorgStreamOptions): JobStream & { counts(): BorgStreamCounts } {
  const counts: BorgStreamCounts = {
    rows: 0,
    placements: 0,
    censored: 0,
    timeZeroRows: 0,
    malformed: 0,
    zeroMemory: 0,
    neverScheduled: 0,
  };
  const tasks = new TaskTable();
  // Jobs the simulation has finished with, reused: a placement's job lives as long as its pod (hours
  // of simulated time), so one object per placement was promoted and collected in the old space.
  const spareJobs: BorgPlacementJob[] = [];
  // Job id -> 1 (SGX) or 0: a hash index on the exact job id (a Map of such keys is slow).
  const sgxByJob = new KeyIndex();
  // Rows come in column batches from parser threads (`parseInParallel`: inflating, scanning and
  // validating run beside the simulation), read in place: no object per row.
  let batches: AsyncGenerator<ParsedBatch> | undefined;
  let batch: EventBatch | null = null;
  let at = 0;
  const log = new IssueLog({ strict: false });
  let originUs = -1;
  let lastUs = 0;
  let ended = false;

  const sgxOf = (jobId: number): boolean => {
    const known = sgxByJob.get(jobId);
    if (known >= 0) return known === 1;
    const sgx = isSgxJob(String(jobId), o.sgxShare, o.seed);
    sgxByJob.set(jobId, sgx ? 1 : 0);
    return sgx;
  };

  /** Applies row i of batch b (columns as `EventBatch` documents them). */
  const apply = (b: EventBatch, i: number, sink: ArrivalSink): void => {
    const R = b.rows;
    const f = b.f64;
    const timeUs = f[i]!;
    const jobId = f[R + i]!;
    const taskIndex = b.i32[i]!;
    const type = b.i32[R + i]!;
    const cpuRequest = f[3 * R + i]!;
    const memoryRequest = f[4 * R + i]!;
    const key = taskKey(jobId, taskIndex);
    if (type === EVENT.SUBMIT) {
      const row = tasks.upsert(key);
      tasks.submitUs[row] = timeUs;
      tasks.memory[row] = memoryRequest;
      tasks.cpu[row] = cpuRequest;
      tasks.placement[row] = -1;
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
        tasks.placement[row] = -1;
        tasks.startUs[row] = 0;
      }
      const memory = Number.isNaN(memoryRequest) ? tasks.memory[row]! : memoryRequest;
      const cpu = Number.isNaN(cpuRequest) ? tasks.cpu[row]! : cpuRequest;
      if (!(memory > 0)) {
        counts.zeroMemory++;
        tasks.delete(key);
        return;
      }
      const sgx = sgxOf(jobId);
      const bytes = fractionToBytes(memory, sgx ? o.epcBytesPerUnit : o.memoryBytesPerUnit);
      // The task's placement is the handle the simulation gives for its pod.
      const job = (spareJobs.pop() ?? new BorgPlacementJob()).set(
        jobId,
        taskIndex,
        timeUs,
        tasks.submitUs[row]! - originUs,
        sgx,
        bytes,
        Number.isNaN(cpu) ? 0 : Math.round(cpu * o.cpuMillisPerUnit),
      );
      tasks.placement[row] = sink.arrival(job, true);
      tasks.startUs[row] = timeUs;
      counts.placements++;
      return;
    }
    if (endsPlacement(type)) {
      if (row < 0) return;
      const placement = tasks.placement[row]!;
      const startUs = tasks.startUs[row]!;
      tasks.delete(key);
      if (placement >= 0) sink.duration(placement, (timeUs - startUs) / 1e6);
      else counts.neverScheduled++;
      return;
    }
    if (type === EVENT.UPDATE_PENDING && row >= 0 && tasks.placement[row]! < 0) {
      if (!Number.isNaN(memoryRequest)) tasks.memory[row] = memoryRequest;
      if (!Number.isNaN(cpuRequest)) tasks.cpu[row] = cpuRequest;
    }
  };

  const finish = (sink: ArrivalSink): void => {
    ended = true;
    // Placements still running when the data ends: censored at the last timestamp read.
    for (const row of tasks.inInsertionOrder()) {
      const placement = tasks.placement[row]!;
      if (placement < 0) continue;
      counts.censored++;
      sink.duration(placement, (lastUs - tasks.startUs[row]!) / 1e6);
    }
    tasks.clear();
  };

  return {
    lookahead: o.lookahead ?? 3600,
    counts: () => ({
      ...counts,
      malformed: Object.values(log.summary()).reduce((n, e) => n + e.count, 0),
    }),
    async advance(t: number, sink: ArrivalSink): Promise<boolean> {
      if (ended) return false;
      batches ??= parseInParallel(resolveSources(o.files, 'task_events'), {
        log,
        onRows: (n) => (counts.rows += n),
      });
      for (;;) {
        if (batch === null || at >= batch.n) {
          // Resuming the reader hands the finished batch back to its thread for refilling.
          const r = await batches.next();
          if (r.done === true) {
            batch = null;
            finish(sink);
            return false;
          }
          batch = r.value.batch;
          at = 0;
          continue;
        }
        const timeUs = batch.f64[at]!;
        if (timeUs === 0) {
          counts.timeZeroRows++;
          at++;
          continue;
        }
        if (originUs < 0) originUs = timeUs;
        if ((timeUs - originUs) / 1e6 > t) return true;
        lastUs = timeUs;
        apply(batch, at, sink);
        at++;
      }
    },
    recycle(job: SimJob): void {
      if (job instanceof BorgPlacementJob) spareJobs.push(job);
    },
    async close(): Promise<void> {
      // Stops the parser threads when the simulation ends before the input does.
      await batches?.return(undefined);
    },
  };
}
