import {
  EVENT,
  IssueLog,
  decodeTaskEvent,
  emptyTaskEvent,
  endsPlacement,
  fractionToBytes,
  isSgxJob,
  resolveSources,
  scanCsvFiles,
} from '../../trace/index.js';
import type { TaskEvent } from '../../trace/index.js';
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

/** The fields of a task_events row the replay needs. */
type Row = Pick<TaskEvent, 'timeUs' | 'jobId' | 'taskIndex' | 'eventType' | 'memoryRequest' | 'cpuRequest'>;

/**
 * Rows decoded from one chunk of input, column by column (typed arrays reused from chunk to chunk):
 * no object per row, so a month of rows leaves no garbage behind.
 */
class RowBuffer {
  length = 0;
  timeUs = new Float64Array(4096);
  jobId = new Float64Array(4096);
  taskIndex = new Float64Array(4096);
  eventType = new Float64Array(4096);
  memoryRequest = new Float64Array(4096);
  cpuRequest = new Float64Array(4096);

  push(e: Row): void {
    if (this.length === this.timeUs.length) this.grow();
    const i = this.length++;
    this.timeUs[i] = e.timeUs;
    this.jobId[i] = e.jobId;
    this.taskIndex[i] = e.taskIndex;
    this.eventType[i] = e.eventType;
    this.memoryRequest[i] = e.memoryRequest;
    this.cpuRequest[i] = e.cpuRequest;
  }

  /** Copies row `i` into `out` (one object reused for every row). */
  read(i: number, out: Row): void {
    out.timeUs = this.timeUs[i]!;
    out.jobId = this.jobId[i]!;
    out.taskIndex = this.taskIndex[i]!;
    out.eventType = this.eventType[i]!;
    out.memoryRequest = this.memoryRequest[i]!;
    out.cpuRequest = this.cpuRequest[i]!;
  }

  private grow(): void {
    const cap = this.timeUs.length * 2;
    const more = (a: Float64Array): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    this.timeUs = more(this.timeUs);
    this.jobId = more(this.jobId);
    this.taskIndex = more(this.taskIndex);
    this.eventType = more(this.eventType);
    this.memoryRequest = more(this.memoryRequest);
    this.cpuRequest = more(this.cpuRequest);
  }
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
function taskKey(e: Row): number {
  return e.jobId * 1_048_576 + e.taskIndex;
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
  // Rows are decoded chunk by chunk (the scanner calls back synchronously for every row of a chunk)
  // into this buffer, then applied up to the requested time: no promise per row.
  let iterator: AsyncIterator<void> | undefined;
  const chunk = new RowBuffer();
  const row: Row = {
    timeUs: 0,
    jobId: 0,
    taskIndex: 0,
    eventType: EVENT.SUBMIT,
    memoryRequest: 0,
    cpuRequest: 0,
  };
  let at = 0;
  const log = new IssueLog({ strict: false });
  const decoded = emptyTaskEvent();
  const onRow = (row: Parameters<Parameters<typeof scanCsvFiles>[1]>[0]): void => {
    counts.rows++;
    if (!decodeTaskEvent(row, log, decoded)) return;
    if (decoded.timeUs === 0) {
      counts.timeZeroRows++;
      return;
    }
    chunk.push(decoded);
  };
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

  const apply = (e: Row, sink: ArrivalSink): void => {
    const key = taskKey(e);
    const type = e.eventType;
    if (type === EVENT.SUBMIT) {
      tasks.set(key, {
        seq: 0,
        submitUs: e.timeUs,
        memory: e.memoryRequest,
        cpu: e.cpuRequest,
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
          submitUs: e.timeUs,
          memory: e.memoryRequest,
          cpu: e.cpuRequest,
          placement: -1,
          startUs: 0,
        };
        tasks.set(key, st);
      }
      const memory = Number.isNaN(e.memoryRequest) ? st.memory : e.memoryRequest;
      const cpu = Number.isNaN(e.cpuRequest) ? st.cpu : e.cpuRequest;
      if (!(memory > 0)) {
        counts.zeroMemory++;
        tasks.delete(key);
        return;
      }
      const sgx = sgxOf(e.jobId);
      const bytes = fractionToBytes(memory, sgx ? o.epcBytesPerUnit : o.memoryBytesPerUnit);
      st.placement = nextKey++;
      st.startUs = e.timeUs;
      counts.placements++;
      const job: SimJob = {
        id: `${e.jobId}-${e.taskIndex}-${e.timeUs}`,
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
      if (st.placement >= 0) sink.duration(st.placement, (e.timeUs - st.startUs) / 1e6);
      else counts.neverScheduled++;
      return;
    }
    if (type === EVENT.UPDATE_PENDING && st !== undefined && st.placement < 0) {
      if (!Number.isNaN(e.memoryRequest)) st.memory = e.memoryRequest;
      if (!Number.isNaN(e.cpuRequest)) st.cpu = e.cpuRequest;
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
      iterator ??= scanCsvFiles(resolveSources(o.files, 'task_events'), onRow, log)[Symbol.asyncIterator]();
      for (;;) {
        if (at >= chunk.length) {
          chunk.length = 0;
          at = 0;
          const r = await iterator.next();
          if (r.done === true && chunk.length === 0) {
            finish(sink);
            return false;
          }
          continue;
        }
        const timeUs = chunk.timeUs[at]!;
        if (originUs < 0) originUs = timeUs;
        if ((timeUs - originUs) / 1e6 > t) return true;
        chunk.read(at, row);
        at++;
        lastUs = timeUs;
        apply(row, sink);
      }
    },
  };
}
