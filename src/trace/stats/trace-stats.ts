import type { PlacementEnd } from '../borg/placements.js';
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
import { IssueLog, TraceInputError, skippedNote } from '../issues.js';
import { decodePaperCsvRow } from '../paper-csv.js';
import type { CsvRow } from '../scan/csv-row.js';
import type { ScanHooks } from '../scan/scan-files.js';
import { fileSize, scanRows } from '../scan/scan-files.js';
import { parseRecordLine, SeenIds } from '../workload/jsonl.js';
import { defaultParserThreads, parseInParallel } from '../parallel/parse-in-parallel.js';
import type { RowFiguresData } from './row-figures.js';
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
   * Parse in worker threads while this thread pairs: `true` for one per core but one, a number for
   * that many. Default: for inputs of 16 MB or more on disk (the 14 shared parts, not the bundled 4);
   * smaller ones do not repay the threads' start.
   */
  readonly threads?: boolean | number;
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
    /**
     * Over the whole data: ending events of tasks not seen scheduled (running since before the
     * first row read, as when reading starts after part 0).
     */
    readonly endsWithoutSchedule: number;
    /** Over the whole data: stays whose end event is missing (a new SUBMIT or SCHEDULE came first). */
    readonly staysWithoutEnd: number;
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
      const threads = options.threads ?? files.reduce((n, f) => n + fileSize(f), 0) >= WORKER_THRESHOLD_BYTES;
      const f =
        threads !== false && threads !== 0
          ? await taskEventsParallel(
              files,
              threads === true ? defaultParserThreads() : threads,
              log,
              hooks,
              fromUs,
              toUs,
              (rows) => (read += rows),
            )
          : await taskEventsInline(files, log, hooks, fromUs, toUs, () => read++);
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
      const seen = new SeenIds();
      let sgx = 0;
      let censored = 0;
      let initial = 0;
      await scanRows(
        files,
        counted((row) => {
          const r = parseRecordLine(row, log, seen);
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
      `no row in the window [${options.from ?? 0} s, ${options.to === undefined ? 'end' : `${options.to} s`}) of ${files.length === 1 ? files[0] : `${files.length} files`}`,
    );
  }
  if (kept === 0) {
    const skipped = skippedNote(log.summary());
    throw new TraceInputError(
      `no valid row in ${files.length === 1 ? files[0] : `${files.length} files`}${skipped === '' ? '' : `: ${skipped}`}`,
    );
  }

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

/** Inputs from this size on disk are parsed by worker threads. */
const WORKER_THRESHOLD_BYTES = 16 << 20;

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
 * Parser threads read the files (see `parseInParallel`); this thread pairs the rows into placements,
 * in file order.
 */
async function taskEventsParallel(
  files: readonly string[],
  parserThreads: number,
  log: IssueLog,
  hooks: ScanHooks,
  fromUs: number,
  toUs: number,
  onRows: (rows: number) => void,
): Promise<TaskEventsFigures> {
  const acc = new TaskEventsAccumulator(fromUs, toUs);
  const threads = Math.min(parserThreads, files.length);
  // With one parser thread, this thread has time to spare: it counts the rows too. With more, the
  // parsers count theirs and this thread, which must see every row in order, only pairs.
  const countHere = threads === 1;
  const batches = parseInParallel(files, {
    log,
    hooks,
    threads,
    onRows,
    ...(countHere
      ? {}
      : { window: { fromUs, toUs }, onRowFigures: (f: RowFiguresData) => acc.absorbRows(f) }),
  });
  for await (const { batch, fileIndex } of batches) {
    if (countHere) acc.addBatch(batch, files[fileIndex]!);
    else acc.pairBatch(batch, files[fileIndex]!);
  }
  return acc.finish();
}
