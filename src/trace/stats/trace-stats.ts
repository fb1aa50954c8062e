import type { PlacementEnd } from '../borg/placements.js';
import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { decodeJobEvent } from '../borg/job-events.js';
import { MachineTimeline, capacityGroups } from '../borg/machines.js';
import type { MachineEvent } from '../borg/machine-events.js';
import { decodeMachineEvent } from '../borg/machine-events.js';
import { BORG_EVENT_NAMES, MACHINE_EVENT_NAMES } from '../borg/schema.js';
import { decodeTaskEvent, emptyTaskEvent } from '../borg/task-events.js';
import { decodeTaskUsage } from '../borg/task-usage.js';
import type { TraceFormat } from '../detect.js';
import { formatOfAll } from '../detect.js';
import { resolveSources } from '../io/sources.js';
import type { IssueSummary } from '../issues.js';
import { IssueLog, TraceInputError } from '../issues.js';
import { decodePaperCsvRow } from '../paper-csv.js';
import type { CsvRow } from '../scan/csv-row.js';
import type { ScanHooks } from '../scan/scan-files.js';
import { scanCsvFiles, scanRows } from '../scan/scan-files.js';
import { parseRecordLine } from '../workload/jsonl.js';
import { EventBatch } from './event-batch.js';
import type { TaskEventsFigures } from './task-events-figures.js';
import { TaskEventsAccumulator } from './task-events-figures.js';
import { JobTaskSet } from '../columns/job-task-set.js';
import { DoubleColumn, NumberSet } from '../columns/number-set.js';
import type { Distribution } from './summary.js';
import { distributionOf } from './summary.js';

export interface TraceStatsOptions {
  /** Recognised per file when absent. */
  readonly format?: TraceFormat;
  /** Window in trace seconds [from, to); rows outside it are read (placements need their ends) but not counted. */
  readonly from?: number;
  readonly to?: number;
  readonly strict?: boolean;
  readonly hooks?: ScanHooks;
  /**
   * Pair and count in a worker thread beside the parser (both cores busy). Default: for inputs of
   * 16 MB or more on disk (the 14 shared parts, not the bundled 4); smaller ones do not repay the
   * thread's start.
   */
  readonly threads?: boolean;
  /** Clock for the timing figures (injected so tests can fix it). Milliseconds. */
  readonly now?: () => number;
}

/**
 * The figures of `trace stats`. Keys are stable (docs/formats.md): scripts may rely on them. Figures
 * that a format does not have are null. Everything except `timing` is the same for the same input.
 */
export interface TraceStats {
  readonly format: TraceFormat;
  readonly files: readonly string[];
  readonly window: { readonly from: number | null; readonly to: number | null } | null;
  readonly rows: {
    /** Data lines read (valid or not), in all files. */
    readonly read: number;
    /** Valid rows whose time falls in the window (all valid rows without a window). */
    readonly inWindow: number;
    /** Lines skipped as malformed: the sum of `skipped`. */
    readonly skipped: number;
  };
  readonly skipped: IssueSummary;
  /** Rows in the window per event type: task and job events use the 9 Borg codes, machine events ADD/REMOVE/UPDATE. */
  readonly events: Readonly<Record<string, number>> | null;
  readonly distinct: {
    readonly jobs: number | null;
    readonly tasks: number | null;
    readonly machines: number | null;
  };
  /** task_events only: placements whose SCHEDULE is in the window, paired with their end anywhere in the data. */
  readonly placements: {
    readonly derived: number;
    /** Still running when the data ended; their end is `censoredAt`. */
    readonly censored: number;
    readonly censoredAt: number | null;
    readonly byEnd: Readonly<Record<PlacementEnd, number>>;
    /** Placements without a SUBMIT read before them (their submit time is unknown). */
    readonly withoutSubmit: number;
    /** Started at time 0: running before the trace began. */
    readonly atTimeZero: number;
    /** Over the whole data: tasks that left while pending, or were still pending at the end. */
    readonly neverScheduled: number;
  } | null;
  /** Memory request (fraction of the largest machine): placements for task_events, assigned memory for task_usage, requested_fraction for the paper CSV. */
  readonly memoryRequest: Distribution | null;
  /** Measured memory usage: task_usage maximum memory usage, the paper CSV used_fraction. */
  readonly memoryUsage: Distribution | null;
  /** machine_events: machines present at the window start (or at time 0), by capacity. */
  readonly machines: {
    readonly at: number;
    readonly count: number;
    readonly everSeen: number;
    readonly capacities: readonly {
      readonly cpus: number;
      readonly memory: number;
      readonly count: number;
    }[];
  } | null;
  /** JSON Lines workloads: records flagged SGX and censored. */
  readonly records: { readonly sgx: number; readonly censored: number; readonly initial: number } | null;
  /** First and last time of the rows in the window, in trace seconds. */
  readonly timeRange: { readonly first: number; readonly last: number } | null;
  readonly timing: { readonly seconds: number; readonly rowsPerSecond: number };
}

/** Reads the files once and computes their figures. */
export async function traceStats(
  sources: readonly string[],
  options: TraceStatsOptions = {},
): Promise<TraceStats> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const files = resolveSources(sources, options.format ?? 'task_events');
  const format = await formatOfAll(files, options.format);
  const log = new IssueLog({ strict: options.strict ?? false });
  const fromUs = options.from === undefined ? -Infinity : options.from * 1e6;
  const toUs = options.to === undefined ? Infinity : options.to * 1e6;
  const inWindow = (us: number): boolean => us >= fromUs && us < toUs;
  const hooks = options.hooks ?? {};

  let read = 0;
  let kept = 0;
  let first = Infinity;
  let last = -Infinity;
  const seeTime = (us: number): void => {
    kept++;
    if (us < first) first = us;
    if (us > last) last = us;
  };
  const counted =
    (decode: (row: CsvRow) => void) =>
    (row: CsvRow): void => {
      read++;
      decode(row);
    };

  let events: Record<string, number> | null = null;
  const distinct: { jobs: number | null; tasks: number | null; machines: number | null } = {
    jobs: null,
    tasks: null,
    machines: null,
  };
  let placements: TraceStats['placements'] = null;
  let memoryRequest: Distribution | null = null;
  let memoryUsage: Distribution | null = null;
  let machines: TraceStats['machines'] = null;
  let records: TraceStats['records'] = null;

  switch (format) {
    case 'task_events': {
      const useWorker = options.threads ?? totalSize(files) >= WORKER_THRESHOLD_BYTES;
      const countRow = (): void => {
        read++;
      };
      const f = useWorker
        ? await taskEventsInWorker(files, log, hooks, fromUs, toUs, countRow)
        : await taskEventsInline(files, log, hooks, fromUs, toUs, countRow);
      kept = f.inWindow;
      first = f.firstUs;
      last = f.lastUs;
      events = f.events;
      distinct.jobs = f.jobs;
      distinct.tasks = f.tasks;
      distinct.machines = f.machines;
      placements = f.placements;
      memoryRequest = f.memoryRequest;
      break;
    }
    case 'job_events': {
      const counts = new Float64Array(BORG_EVENT_NAMES.length);
      const jobs = new NumberSet();
      await scanRows(
        files,
        counted((row) => {
          const e = decodeJobEvent(row, log);
          if (e === undefined || !inWindow(e.timeUs)) return;
          seeTime(e.timeUs);
          counts[e.eventType]!++;
          jobs.add(e.jobId);
        }),
        log,
        hooks,
      );
      events = Object.fromEntries(BORG_EVENT_NAMES.map((name, i) => [name, counts[i]!]));
      distinct.jobs = jobs.size;
      break;
    }
    case 'machine_events': {
      const counts = new Float64Array(MACHINE_EVENT_NAMES.length);
      const machineIds = new NumberSet();
      const all: MachineEvent[] = [];
      await scanRows(
        files,
        counted((row) => {
          const e = decodeMachineEvent(row, log);
          if (e === undefined) return;
          all.push(e);
          if (!inWindow(e.timeUs)) return;
          seeTime(e.timeUs);
          counts[e.eventType]!++;
          machineIds.add(e.machineId);
        }),
        log,
        hooks,
      );
      events = Object.fromEntries(MACHINE_EVENT_NAMES.map((name, i) => [name, counts[i]!]));
      distinct.machines = machineIds.size;
      const timeline = MachineTimeline.fromEvents(all);
      const at = options.from ?? 0;
      const present = timeline.at(at);
      machines = {
        at,
        count: present.length,
        everSeen: timeline.all().length,
        capacities: capacityGroups(present),
      };
      break;
    }
    case 'task_usage': {
      const tasks = new JobTaskSet();
      const machineIds = new NumberSet();
      const assigned = new DoubleColumn();
      const maximum = new DoubleColumn();
      await scanRows(
        files,
        counted((row) => {
          const u = decodeTaskUsage(row, log);
          if (u === undefined || !inWindow(u.startUs)) return;
          seeTime(u.startUs);
          tasks.add(u.jobId, u.taskIndex);
          machineIds.add(u.machineId);
          if (!Number.isNaN(u.assignedMemory)) assigned.push(u.assignedMemory);
          if (!Number.isNaN(u.maxMemory)) maximum.push(u.maxMemory);
        }),
        log,
        hooks,
      );
      distinct.jobs = tasks.jobCount;
      distinct.tasks = tasks.tasks;
      distinct.machines = machineIds.size;
      memoryRequest = distributionOf(assigned);
      memoryUsage = distributionOf(maximum);
      break;
    }
    case 'paper-csv': {
      const requested = new DoubleColumn();
      const used = new DoubleColumn();
      let linesBefore = 0;
      await scanRows(
        files,
        counted((row) => {
          const r = decodePaperCsvRow(row, log, linesBefore + row.line - 1);
          if (r === undefined || !inWindow(r.startUs)) return;
          seeTime(r.startUs);
          requested.push(r.requestedFraction);
          used.push(r.usedFraction);
        }),
        log,
        { ...hooks, onFileEnd: (f, i, lines) => ((linesBefore += lines), hooks.onFileEnd?.(f, i, lines)) },
      );
      memoryRequest = distributionOf(requested);
      memoryUsage = distributionOf(used);
      break;
    }
    case 'jsonl': {
      const jobs = new Set<string>();
      let sgx = 0;
      let censored = 0;
      let initial = 0;
      await scanRows(
        files,
        counted((row) => {
          const r = parseRecordLine(row, log);
          if (r === undefined || !inWindow(r.submit * 1e6)) return;
          seeTime(r.submit * 1e6);
          jobs.add(r.jobId);
          if (r.sgx) sgx++;
          if (r.censored) censored++;
          if (r.initial === true) initial++;
        }),
        log,
        hooks,
      );
      distinct.jobs = jobs.size;
      records = { sgx, censored, initial };
      break;
    }
  }

  if (kept === 0 && (options.from !== undefined || options.to !== undefined)) {
    throw new TraceInputError(
      `no row in the window [${options.from ?? 0} s, ${options.to ?? 'end'}) of ${files.length === 1 ? files[0] : `${files.length} files`}`,
    );
  }
  if (kept === 0)
    throw new TraceInputError(`no valid row in ${files.length === 1 ? files[0] : `${files.length} files`}`);

  const seconds = Math.max((now() - started) / 1000, 1e-6);
  return {
    format,
    files,
    window:
      options.from === undefined && options.to === undefined
        ? null
        : { from: options.from ?? null, to: options.to ?? null },
    rows: { read, inWindow: kept, skipped: log.total },
    skipped: log.summary(),
    events,
    distinct,
    placements,
    memoryRequest,
    memoryUsage,
    machines,
    records,
    timeRange: { first: first / 1e6, last: last / 1e6 },
    timing: { seconds: Number(seconds.toFixed(3)), rowsPerSecond: Math.round(read / seconds) },
  };
}

/** Inputs from this size on disk are counted with a worker thread. */
const WORKER_THRESHOLD_BYTES = 16 << 20;
/** Batches in flight to the worker before the parser waits: bounds memory when the worker lags. */
const MAX_BATCHES_IN_FLIGHT = 4;

function totalSize(files: readonly string[]): number {
  let n = 0;
  for (const f of files) {
    try {
      n += statSync(f).size;
    } catch {
      // a missing file is reported by the reader
    }
  }
  return n;
}

async function taskEventsInline(
  files: readonly string[],
  log: IssueLog,
  hooks: ScanHooks,
  fromUs: number,
  toUs: number,
  countRow: () => void,
): Promise<TaskEventsFigures> {
  const acc = new TaskEventsAccumulator(fromUs, toUs);
  const e = emptyTaskEvent();
  await scanRows(
    files,
    (row) => {
      countRow();
      if (decodeTaskEvent(row, log, e)) acc.add(e);
    },
    log,
    hooks,
  );
  return acc.finish();
}

/**
 * The parser on this thread, the accumulator in a worker: validated rows cross in column batches
 * (transferred, then returned for reuse), at most `MAX_BATCHES_IN_FLIGHT` at a time.
 */
async function taskEventsInWorker(
  files: readonly string[],
  log: IssueLog,
  hooks: ScanHooks,
  fromUs: number,
  toUs: number,
  countRow: () => void,
): Promise<TaskEventsFigures> {
  const worker = new Worker(new URL('./task-events-worker.js', import.meta.url), {
    workerData: { fromUs, toUs },
  });
  const spare: ArrayBuffer[] = [];
  let inFlight = 0;
  let wake: (() => void) | null = null;
  let failure: unknown = null;
  let resolveDone: (f: TaskEventsFigures) => void = () => {};
  const done = new Promise<TaskEventsFigures>((resolve, reject) => {
    resolveDone = resolve;
    worker.once('error', (err) => {
      failure = err;
      reject(err);
      wake?.();
    });
  });
  done.catch(() => {}); // observed below; avoid an unhandled rejection while parsing
  worker.on(
    'message',
    (m: { type: 'ack'; buffer: ArrayBuffer } | { type: 'done'; figures: TaskEventsFigures }) => {
      if (m.type === 'ack') {
        spare.push(m.buffer);
        inFlight--;
        wake?.();
      } else resolveDone(m.figures);
    },
  );
  let batch = new EventBatch();
  const send = (): void => {
    if (batch.n === 0) return;
    worker.postMessage({ type: 'batch', buffer: batch.buffer, n: batch.n }, [batch.buffer]);
    inFlight++;
    const reuse = spare.pop();
    batch = reuse !== undefined ? new EventBatch(reuse) : new EventBatch();
  };
  const e = emptyTaskEvent();
  try {
    for await (const _ of scanCsvFiles(
      files,
      (row) => {
        countRow();
        if (!batch.tryPushRow(row)) {
          // An unusual row: the checked path reports it or decodes it.
          if (!decodeTaskEvent(row, log, e)) return;
          batch.push(e);
        }
        if (batch.full) send();
      },
      log,
      hooks,
    )) {
      while (inFlight >= MAX_BATCHES_IN_FLIGHT && failure === null) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
      if (failure !== null) throw failure;
    }
    send();
    worker.postMessage({ type: 'finish' });
    return await done;
  } finally {
    await worker.terminate();
  }
}
