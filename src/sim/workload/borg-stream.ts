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

interface TaskState {
  /** Order of first insertion into the table (the order censored placements are ended in). */
  seq: number;
  submitUs: number;
  memory: number;
  cpu: number;
  /** Key of its current placement in the stream, -1 while pending. */
  placement: number;
  startUs: number;
}

/**
 * Open tasks by task key, with the semantics of a `Map` the replay relies on (a replaced entry keeps
 * its place in the insertion order) but keyed through a `KeyIndex`.
 */
class TaskTable {
  private index = new KeyIndex(4096);
  private readonly states: (TaskState | undefined)[] = [];
  private readonly freeRows: number[] = [];
  private seq = 0;

  get(key: number): TaskState | undefined {
    const row = this.index.get(key);
    return row < 0 ? undefined : this.states[row];
  }

  set(key: number, st: TaskState): void {
    const row = this.index.get(key);
    if (row >= 0) {
      st.seq = this.states[row]!.seq;
      this.states[row] = st;
      return;
    }
    st.seq = this.seq++;
    const free = this.freeRows.pop() ?? this.states.length;
    this.states[free] = st;
    this.index.set(key, free);
  }

  delete(key: number): void {
    const row = this.index.delete(key);
    if (row < 0) return;
    this.states[row] = undefined;
    this.freeRows.push(row);
  }

  /** Open tasks in the order they were first inserted (as a Map iterates). */
  inInsertionOrder(): TaskState[] {
    const out: TaskState[] = [];
    for (const st of this.states) if (st !== undefined) out.push(st);
    return out.sort((a, b) => a.seq - b.seq);
  }

  clear(): void {
    this.index = new KeyIndex();
    this.states.length = 0;
    this.freeRows.length = 0;
  }
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
  let nextKey = 0;
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
      tasks.set(key, {
        seq: 0,
        submitUs: timeUs,
        memory: memoryRequest,
        cpu: cpuRequest,
        placement: -1,
        startUs: 0,
      });
      return;
    }
    let st = tasks.get(key);
    if (type === EVENT.SCHEDULE) {
      if (st === undefined) {
        st = {
          seq: 0,
          submitUs: timeUs,
          memory: memoryRequest,
          cpu: cpuRequest,
          placement: -1,
          startUs: 0,
        };
        tasks.set(key, st);
      }
      const memory = Number.isNaN(memoryRequest) ? st.memory : memoryRequest;
      const cpu = Number.isNaN(cpuRequest) ? st.cpu : cpuRequest;
      if (!(memory > 0)) {
        counts.zeroMemory++;
        tasks.delete(key);
        return;
      }
      const sgx = sgxOf(jobId);
      const bytes = fractionToBytes(memory, sgx ? o.epcBytesPerUnit : o.memoryBytesPerUnit);
      st.placement = nextKey++;
      st.startUs = timeUs;
      counts.placements++;
      const job: SimJob = {
        id: `${jobId}-${taskIndex}-${timeUs}`,
        submit: (st.submitUs - originUs) / 1e6,
        duration: NaN,
        sgx,
        requestBytes: bytes,
        usageBytes: bytes,
        cpuMillis: Number.isNaN(cpu) ? 0 : Math.round(cpu * o.cpuMillisPerUnit),
      };
      sink.arrival(job, st.placement);
      return;
    }
    if (endsPlacement(type)) {
      if (st === undefined) return;
      tasks.delete(key);
      if (st.placement >= 0) sink.duration(st.placement, (timeUs - st.startUs) / 1e6);
      else counts.neverScheduled++;
      return;
    }
    if (type === EVENT.UPDATE_PENDING && st !== undefined && st.placement < 0) {
      if (!Number.isNaN(memoryRequest)) st.memory = memoryRequest;
      if (!Number.isNaN(cpuRequest)) st.cpu = cpuRequest;
    }
  };

  const finish = (sink: ArrivalSink): void => {
    ended = true;
    // Placements still running when the data ends: censored at the last timestamp read.
    for (const st of tasks.inInsertionOrder()) {
      if (st.placement < 0) continue;
      counts.censored++;
      sink.duration(st.placement, (lastUs - st.startUs) / 1e6);
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
    async close(): Promise<void> {
      // Stops the parser threads when the simulation ends before the input does.
      await batches?.return(undefined);
    },
  };
}
