import type { Placement } from '../borg/placements.js';
import { PlacementTracker } from '../borg/placements.js';
import { decodeTaskEvent, emptyTaskEvent } from '../borg/task-events.js';
import { readTaskUsage } from '../borg/task-usage.js';
import { formatOfAll } from '../detect.js';
import { resolveSources } from '../io/sources.js';
import type { IssueSummary } from '../issues.js';
import { IssueLog, TraceInputError, skippedNote } from '../issues.js';
import { readPaperCsv } from '../paper-csv.js';
import type { ScanHooks } from '../scan/scan-files.js';
import { readRows, scanRows } from '../scan/scan-files.js';
import { parseRecordLine, SeenIds } from './jsonl.js';
import type { Span } from './mapping.js';
import { mapSpan } from './mapping.js';
import type {
  MappingOptions,
  ResolvedMapping,
  WorkloadFormat,
  WorkloadProvenance,
  WorkloadRecord,
} from './record.js';
import {
  GOOGLE_TRACE_ATTRIBUTION,
  formatUsageModel,
  resolveMapping,
  sortedSkipped,
  WORKLOAD_FORMATS,
} from './record.js';

export interface LoadWorkloadOptions extends MappingOptions {
  /** Input format; recognised per file when absent (folder name, extension, first line). */
  readonly format?: WorkloadFormat;
  /** Stop at the first malformed line instead of skipping it. */
  readonly strict?: boolean;
  /** Where malformed lines are counted (a fresh log per read when absent). */
  readonly issues?: IssueLog;
  readonly hooks?: ScanHooks;
}

/** A workload being read: iterate it for the records, then ask where they came from. */
export interface Workload extends AsyncIterable<WorkloadRecord> {
  /** Input and mapping of the last read; its counts are complete once the iteration has ended. */
  provenance(): WorkloadProvenance;
  /** Malformed input skipped during the last read, by reason, with examples. */
  issues(): IssueSummary;
}

/**
 * Reads workload records from trace files: Borg task_events (one record per placement), Borg
 * task_usage (one per measurement period, as the paper replayed), the paper's CSV (one per line) or
 * our JSON Lines. Records come out sorted by arrival (`submit`), ties in input order, and are the
 * same for the same input and options (the SGX designation and any drawn usage are seeded per job
 * and per record, not per draw order).
 *
 * Parsing streams; the records of the window are held until the data has been read, because a
 * placement is known only at its end event and output is in arrival order.
 *
 * Errors: missing or empty files and a window without records reject with `TraceInputError`;
 * malformed lines are skipped and counted (`issues()`), or reject in strict mode.
 */
export function loadWorkload(sources: readonly string[], options: LoadWorkloadOptions = {}): Workload {
  const mapping = resolveMapping(options);
  let provenance: WorkloadProvenance = emptyProvenance(
    [...sources],
    options.format ?? 'task_events',
    mapping,
  );
  let log = options.issues ?? new IssueLog({ strict: options.strict ?? false });
  return {
    provenance: () => provenance,
    issues: () => log.summary(),
    [Symbol.asyncIterator]: () => {
      log = options.issues ?? new IssueLog({ strict: options.strict ?? false });
      return read(sources, options, mapping, log, (p) => (provenance = p))[Symbol.asyncIterator]();
    },
  };
}

/** Reads a whole workload into memory: the records in arrival order, and their provenance. */
export async function collectWorkload(
  sources: readonly string[],
  options: LoadWorkloadOptions = {},
): Promise<{ records: WorkloadRecord[]; provenance: WorkloadProvenance; issues: IssueSummary }> {
  const workload = loadWorkload(sources, options);
  const records: WorkloadRecord[] = [];
  for await (const r of workload) records.push(r);
  return { records, provenance: workload.provenance(), issues: workload.issues() };
}

function emptyProvenance(sources: string[], format: WorkloadFormat, m: ResolvedMapping): WorkloadProvenance {
  return {
    sources,
    format,
    window: m.from === null && m.to === null ? null : { start: m.from, end: m.to },
    windowBy: m.windowBy,
    keepOneIn: m.keepOneIn,
    thinBy: m.thinBy,
    sgxShare: m.sgxShare,
    seed: m.seed,
    epcBytesPerUnit: m.epcBytesPerUnit,
    memoryBytesPerUnit: m.memoryBytesPerUnit,
    cpuMillisPerUnit: m.cpuMillisPerUnit,
    usageModel: usageDescription(format, m),
    initialPods: m.initialPods,
    skipZeroMemory: m.skipZeroMemory,
    recordsRead: 0,
    recordsInWindow: 0,
    recordsKept: 0,
    skipped: {},
    attribution: format === 'task_events' || format === 'task_usage' ? GOOGLE_TRACE_ATTRIBUTION : null,
  };
}

function usageDescription(format: WorkloadFormat, m: ResolvedMapping): string {
  switch (format) {
    case 'task_events':
      return `${formatUsageModel(m.usage)} (task_events has requests only, no measured usage)`;
    case 'task_usage':
      return `measured: task_usage maximum memory usage (request = assigned memory); ${formatUsageModel(m.usage)} where absent`;
    case 'paper-csv':
      return 'measured: the CSV used_fraction column';
    case 'jsonl':
      return 'as recorded in the JSON Lines input';
  }
}

interface Counters {
  read: number;
  inWindow: number;
  kept: number;
  skipped: Record<string, number>;
  minUs: number;
  maxUs: number;
}

function bump(c: Counters, reason: string, n = 1): void {
  if (n > 0) c.skipped[reason] = (c.skipped[reason] ?? 0) + n;
}

async function* read(
  sources: readonly string[],
  options: LoadWorkloadOptions,
  m: ResolvedMapping,
  log: IssueLog,
  publish: (p: WorkloadProvenance) => void,
): AsyncGenerator<WorkloadRecord> {
  const files = resolveSources(sources, options.format === 'task_usage' ? 'task_usage' : 'task_events');
  const detected = await formatOfAll(files, options.format);
  if (!(WORKLOAD_FORMATS as readonly string[]).includes(detected)) {
    throw new TraceInputError(
      `${files[0]}: ${detected} is not a workload format; give task_events, task_usage, paper CSV or JSON Lines files`,
    );
  }
  const format = detected as WorkloadFormat;
  const c: Counters = { read: 0, inWindow: 0, kept: 0, skipped: {}, minUs: Infinity, maxUs: -Infinity };
  const fromUs = m.from === null ? 0 : m.from * 1e6;
  const toUs = m.to === null ? Infinity : m.to * 1e6;
  const hooks = options.hooks ?? {};
  const finish = (): void => {
    const issues = log.summary();
    for (const [reason, entry] of Object.entries(issues)) bump(c, reason, entry.count);
    const skipped = sortedSkipped(c.skipped);
    publish({
      ...emptyProvenance(files, format, m),
      recordsRead: c.read,
      recordsInWindow: c.inWindow,
      recordsKept: c.kept,
      skipped,
    });
  };

  if (format === 'jsonl') {
    const records: { r: WorkloadRecord; order: number }[] = [];
    const seen = new SeenIds();
    for await (const r of readRows<WorkloadRecord>(
      files,
      (row, out) => {
        const rec = parseRecordLine(row, log, seen);
        if (rec !== undefined) out.push(rec);
      },
      log,
      hooks,
    )) {
      c.read++;
      const us = r.submit * 1e6;
      c.minUs = Math.min(c.minUs, us);
      c.maxUs = Math.max(c.maxUs, us);
      if (us >= fromUs && us < toUs) records.push({ r, order: records.length });
    }
    c.inWindow = records.length;
    records.sort((a, b) => a.r.submit - b.r.submit || a.order - b.order);
    checkWindow(c, m, files, log);
    const keep = thinner(m);
    for (const { r } of records) {
      if (!keep(r.jobId, undefined)) {
        bump(c, 'thinned');
        continue;
      }
      c.kept++;
      yield r;
    }
    finish();
    return;
  }

  const spans: Span[] = [];
  /** Counts a candidate record; builds and keeps it only when it is initial or in the window. */
  const consider = (keyUs: number, initial: boolean, make: () => Span): void => {
    c.read++;
    if (keyUs < c.minUs) c.minUs = keyUs;
    if (keyUs > c.maxUs) c.maxUs = keyUs;
    if (initial || (keyUs >= fromUs && keyUs < toUs)) spans.push(make());
  };

  if (format === 'task_events') {
    const load = m.initialPods === 'load';
    let order = 0;
    const onPlacement = (p: Placement): void => {
      const keyUs = m.windowBy === 'submit' ? p.submitUs : p.startUs;
      const runningAtStart = p.startUs < fromUs || p.startUs === 0;
      const alive = p.endUs > fromUs || p.censored;
      if (load && runningAtStart && alive) {
        consider(keyUs, true, () => placementSpan(p, order++, true, fromUs));
      } else if (load && p.submitUs < fromUs && p.startUs >= fromUs && p.startUs < toUs) {
        // Pending when the window begins: it arrives at the window start.
        consider(fromUs, false, () => placementSpan(p, order++, false, fromUs));
      } else {
        if (runningAtStart && alive && fromUs > 0 && keyUs < fromUs) bump(c, 'initial-dropped');
        // Selected by start, a placement submitted before the window arrives at its beginning.
        const submitUs = m.windowBy === 'start' ? Math.max(p.submitUs, fromUs) : p.submitUs;
        consider(keyUs, false, () => placementSpan(p, order++, false, submitUs));
      }
    };
    // The tracker's callback directly (no generator step per placement): it reuses one placement
    // object, which `placementSpan` copies from.
    const tracker = new PlacementTracker(onPlacement, { timeZero: load ? 'initial' : 'drop' });
    const event = emptyTaskEvent();
    await scanRows(
      files,
      (row) => {
        if (decodeTaskEvent(row, log, event)) tracker.event(event);
      },
      log,
      hooks,
    );
    tracker.finish();
    const counts = tracker.counts;
    bump(c, 'time-zero', counts.timeZeroDropped);
    bump(c, 'never-scheduled', counts.pendingAtEnd + counts.endedWhilePending);
  } else if (format === 'task_usage') {
    let order = 0;
    for await (const u of readTaskUsage(files, { issues: log, hooks })) {
      consider(u.startUs, false, () => ({
        id: `${u.jobId}-${u.taskIndex}-${u.startUs}`,
        jobId: String(u.jobId),
        taskIndex: u.taskIndex,
        submitUs: u.startUs,
        startUs: u.startUs,
        endUs: u.endUs,
        censored: false,
        initial: false,
        priority: 0,
        schedulingClass: 0,
        cpuFraction: NaN,
        requestFraction: u.assignedMemory,
        usedFraction: u.maxMemory,
        order: order++,
      }));
    }
  } else {
    for await (const row of readPaperCsv(files, { issues: log, hooks })) {
      consider(row.startUs, false, () => ({
        id: String(row.index),
        jobId: String(row.index),
        taskIndex: 0,
        submitUs: row.startUs,
        startUs: row.startUs,
        endUs: row.endUs,
        censored: false,
        initial: false,
        priority: 0,
        schedulingClass: 0,
        cpuFraction: NaN,
        requestFraction: row.requestedFraction,
        usedFraction: row.usedFraction,
        order: row.index,
        lineIndex: row.index,
      }));
    }
  }

  c.inWindow = spans.length;
  checkWindow(c, m, files, log);
  // Arrival order; at equal arrival, initial pods first, then by start, then as read.
  spans.sort(
    (a, b) =>
      a.submitUs - b.submitUs ||
      Number(b.initial) - Number(a.initial) ||
      a.startUs - b.startUs ||
      a.order - b.order,
  );
  const keep = thinner(m);
  const byRecord = m.thinBy === 'record';
  for (const span of spans) {
    // By job, thinning comes first (a thinned job's records are not mapped); by record, it counts
    // only the records that the zero-memory rule keeps.
    if (!byRecord && !keep(span.jobId, span.lineIndex)) {
      bump(c, 'thinned');
      continue;
    }
    const record = mapSpan(span, m, fromUs);
    if (m.skipZeroMemory && (!(record.requestFraction! > 0) || !(record.usedFraction! > 0))) {
      bump(c, 'zero-memory');
      continue;
    }
    if (byRecord && !keep(span.jobId, span.lineIndex)) {
      bump(c, 'thinned');
      continue;
    }
    c.kept++;
    yield record;
  }
  finish();
}

function placementSpan(p: Placement, order: number, initial: boolean, submitUs: number): Span {
  return {
    id: `${p.jobId}-${p.taskIndex}-${p.startUs}`,
    jobId: String(p.jobId),
    taskIndex: p.taskIndex,
    submitUs,
    startUs: p.startUs,
    endUs: p.endUs,
    censored: p.censored,
    initial,
    priority: p.priority,
    schedulingClass: p.schedulingClass,
    cpuFraction: p.cpuRequest,
    requestFraction: p.memoryRequest,
    usedFraction: undefined,
    order,
  };
}

/**
 * The thinning of a mapping, asked once per candidate record in arrival order: by record, every
 * n-th call keeps; by job, one job in n, counting jobs in the order they first arrive, or for the
 * paper's CSV (records with a line index) the lines whose index is a multiple of n.
 */
function thinner(m: ResolvedMapping): (jobId: string, lineIndex: number | undefined) => boolean {
  const n = m.keepOneIn;
  if (n <= 1) return () => true;
  if (m.thinBy === 'record') {
    let index = 0;
    return () => index++ % n === 0;
  }
  const keepJob = jobThinner(n);
  return (jobId, lineIndex) => (lineIndex !== undefined ? lineIndex % n === 0 : keepJob(jobId));
}

/** Keeps one job in n, counting jobs in the order they first arrive. */
function jobThinner(n: number): (jobId: string) => boolean {
  if (n <= 1) return () => true;
  const decided = new Map<string, boolean>();
  return (jobId) => {
    let keep = decided.get(jobId);
    if (keep === undefined) {
      keep = decided.size % n === 0;
      decided.set(jobId, keep);
    }
    return keep;
  };
}

function checkWindow(c: Counters, m: ResolvedMapping, files: readonly string[], log: IssueLog): void {
  if (c.inWindow > 0) return;
  const what = files.length === 1 ? files[0]! : `${files.length} files`;
  if (c.read === 0) {
    const skipped = skippedNote(log.summary());
    throw new TraceInputError(
      `${what}: no usable record in the input${skipped === '' ? '' : `: ${skipped}`}`,
    );
  }
  const range = `${(c.minUs / 1e6).toFixed(0)} s to ${(c.maxUs / 1e6).toFixed(0)} s`;
  throw new TraceInputError(
    `no record in the window [${m.from ?? 0} s, ${m.to === null ? 'end' : `${m.to} s`}) of ${what}: its records span ${range}`,
  );
}
