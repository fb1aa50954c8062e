import { resolveSources } from '../io/sources.js';
import { IssueLog, TraceInputError } from '../issues.js';
import type { ScanHooks } from '../scan/scan-files.js';
import { scanCsvFiles } from '../scan/scan-files.js';
import { BORG_EVENT_NAMES, EVENT, endsPlacement } from './schema.js';
import type { BorgReadOptions, TaskEvent } from './task-events.js';
import { decodeTaskEvent, emptyTaskEvent } from './task-events.js';
import { IN_USE, TaskTable } from './task-table.js';
import { EventBatch } from './event-batch.js';

/** How a placement ended; `CENSORED` = still running when the data ended. */
export type PlacementEnd = 'EVICT' | 'FAIL' | 'FINISH' | 'KILL' | 'LOST' | 'CENSORED';

/**
 * One stay of a task on a machine: a SCHEDULE paired with the same task's next EVICT, FAIL, FINISH,
 * KILL or LOST. Requests are those in force when it was scheduled (the SCHEDULE row's, or the
 * preceding SUBMIT's where the SCHEDULE row leaves them empty); NaN when the trace never gave them.
 */
export interface Placement {
  readonly jobId: number;
  readonly taskIndex: number;
  /** NaN when the SCHEDULE row names no machine. */
  readonly machineId: number;
  /** Time of the SUBMIT that preceded the SCHEDULE; equals `startUs` when none was read. */
  readonly submitUs: number;
  readonly submitSeen: boolean;
  readonly startUs: number;
  /** Time of the ending event; for a censored placement, the last timestamp read. */
  readonly endUs: number;
  readonly end: PlacementEnd;
  readonly censored: boolean;
  readonly priority: number;
  /** -1 when absent. */
  readonly schedulingClass: number;
  readonly cpuRequest: number;
  readonly memoryRequest: number;
  readonly diskRequest: number;
  /** Where the SCHEDULE row is. */
  readonly file: string;
  readonly line: number;
}

/**
 * Rows at time 0 describe tasks that were there before the trace began: `drop` ignores those rows,
 * `initial` pairs them like any other (their placements start at 0; see `Placement.startUs`).
 */
export type TimeZeroRows = 'drop' | 'initial';

export interface PlacementOptions {
  readonly timeZero?: TimeZeroRows;
  /**
   * Receives the few figures a summary needs instead of a full `Placement` (`onPlacement` is then
   * not called): filling the whole placement reads a dozen columns at a random slot, and those cache
   * misses cost `trace stats` more than the rest of its pairing.
   */
  readonly onSummary?: PlacementSummaryFn;
}

/**
 * What `trace stats` counts of a placement: its slot in the tracker (read it with `startOf`,
 * `submitSeenOf` and `memoryOf` during the call) and how it ended. A slot, not the values: doubles
 * passed to a callback are boxed, one allocation each per placement.
 */
export type PlacementSummaryFn = (slot: number, end: PlacementEnd) => void;

/**
 * The error for a task_events row earlier than one read before it. Pairing needs the rows in time
 * order (a task's end comes after its start), as the trace's parts are, one after the other: rows
 * out of order would pair the wrong events, so the read stops rather than give wrong placements.
 */
export function timeGoesBack(file: string, line: number, timeUs: number, lastUs: number): TraceInputError {
  return new TraceInputError(
    `${file}:${line}: field 1 (time): ${timeUs} comes before ${lastUs}, read earlier: task_events rows must be in time order; give the parts in order (part files are sorted by their number, and a folder is read in order)`,
  );
}

/** What the pairing met besides clean placements. All counts are of events. */
export interface PlacementCounts {
  placements: number;
  censored: number;
  /** SCHEDULE without a SUBMIT read before it (the submit time falls back to the start). */
  scheduleWithoutSubmit: number;
  /** SCHEDULE or SUBMIT of a task already running: the earlier stay had no end event; dropped. */
  staysWithoutEnd: number;
  /** A task left while pending (FAIL, KILL, LOST before any SCHEDULE): no placement. */
  endedWhilePending: number;
  /** An ending event for a task not known to run (scheduled before the data read began). */
  endWithoutSchedule: number;
  /** Tasks still pending when the data ended: never scheduled, no placement. */
  pendingAtEnd: number;
  /** Rows at time 0 ignored because `timeZero` is `drop`. */
  timeZeroDropped: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const RUNNING = 1;
const SUBMIT_SEEN = 2;

/**
 * Pairs task events into placements, one event at a time. Memory holds only the tasks currently
 * pending or running (a `TaskTable` of typed arrays keyed by job and task), never the rows read: it
 * does not grow with the file size. Events must come in trace-time order (the part files are).
 */
export class PlacementTracker {
  readonly counts: PlacementCounts = {
    placements: 0,
    censored: 0,
    scheduleWithoutSubmit: 0,
    staysWithoutEnd: 0,
    endedWhilePending: 0,
    endWithoutSchedule: 0,
    pendingAtEnd: 0,
    timeZeroDropped: 0,
  };
  private readonly table = new TaskTable();
  /** The one-row batch `event` goes through, so that both entry points share `rowAt`. */
  private readonly one = new EventBatch(undefined, 1);
  private readonly files: string[] = [];
  private lastFile = '';
  private lastFileIndex = -1;
  private lastUs = 0;
  private readonly timeZero: TimeZeroRows;
  private readonly onSummary: PlacementSummaryFn | null;
  /** The one placement object handed to `onPlacement`, refilled for each placement. */
  private readonly out: Mutable<Placement> = {
    jobId: 0,
    taskIndex: 0,
    machineId: NaN,
    submitUs: 0,
    submitSeen: false,
    startUs: 0,
    endUs: 0,
    end: 'CENSORED',
    censored: false,
    priority: 0,
    schedulingClass: -1,
    cpuRequest: NaN,
    memoryRequest: NaN,
    diskRequest: NaN,
    file: '',
    line: 0,
  };

  /** `onPlacement` receives one reused object: copy it (`{ ...p }`) to keep it. */
  constructor(
    private readonly onPlacement: (placement: Placement) => void,
    options: PlacementOptions = {},
  ) {
    this.timeZero = options.timeZero ?? 'drop';
    this.onSummary = options.onSummary ?? null;
  }

  /** Start (µs) of the placement in `slot`, for an `onSummary` callback. */
  startOf(slot: number): number {
    return this.table.startUs[slot]!;
  }

  /** Whether a SUBMIT preceded the placement in `slot`, for an `onSummary` callback. */
  submitSeenOf(slot: number): boolean {
    return (this.table.flags[slot]! & SUBMIT_SEEN) !== 0;
  }

  /** Memory request of the placement in `slot` (NaN when the trace never gave it), for `onSummary`. */
  memoryOf(slot: number): number {
    return this.table.memory[slot]!;
  }

  /** Largest event time seen so far: the end given to censored placements. */
  get lastTimeUs(): number {
    return this.lastUs;
  }

  /** Tasks pending or running right now. */
  get openTasks(): number {
    return this.table.size;
  }

  event(e: TaskEvent): void {
    const one = this.one;
    one.n = 0;
    one.push(e);
    this.rowAt(one, 0, this.fileIndexOf(e.file));
  }

  /**
   * `event` for row i of a column batch, read in place (no object filled per row: the fast path of
   * `trace stats`). `file` is an index from `fileIndexOf`.
   */
  rowAt(b: EventBatch, i: number, file: number): void {
    const R = b.rows;
    const f = b.f64;
    const k = b.i32;
    const t = f[i]!;
    // Time-0 rows (tasks running before the trace began) are markers, not events in time.
    if (t !== 0) {
      if (t < this.lastUs) throw timeGoesBack(this.files[file] ?? '', k[4 * R + i]!, t, this.lastUs);
      this.lastUs = t;
    }
    if (t === 0 && this.timeZero === 'drop') {
      this.counts.timeZeroDropped++;
      return;
    }
    const type = k[R + i]!;
    const jobId = f[R + i]!;
    const taskIndex = k[i]!;
    const schedulingClass = k[3 * R + i]!;
    const cpu = f[3 * R + i]!;
    const memory = f[4 * R + i]!;
    const disk = f[5 * R + i]!;
    const table = this.table;
    let slot = table.find(jobId, taskIndex);
    if (type === EVENT.SUBMIT) {
      if (slot < 0) slot = table.insert(jobId, taskIndex);
      else if ((table.flags[slot]! & RUNNING) !== 0) {
        // A SUBMIT while running means the end event is missing: that stay is lost data.
        this.counts.staysWithoutEnd++;
      }
      table.flags[slot] = IN_USE | SUBMIT_SEEN;
      table.submitUs[slot] = t;
      table.startUs[slot] = 0;
      table.machineId[slot] = NaN;
      table.priority[slot] = k[2 * R + i]!;
      table.schedulingClass[slot] = schedulingClass;
      table.cpu[slot] = cpu;
      table.memory[slot] = memory;
      table.disk[slot] = disk;
      table.line[slot] = k[4 * R + i]!;
      table.file[slot] = file;
    } else if (type === EVENT.SCHEDULE) {
      if (slot < 0) {
        this.counts.scheduleWithoutSubmit++;
        slot = table.insert(jobId, taskIndex);
        table.flags[slot] = IN_USE;
        table.submitUs[slot] = t;
        table.schedulingClass[slot] = schedulingClass;
        table.cpu[slot] = cpu;
        table.memory[slot] = memory;
        table.disk[slot] = disk;
      } else {
        if ((table.flags[slot]! & RUNNING) !== 0) {
          this.counts.staysWithoutEnd++;
          table.flags[slot] = IN_USE;
          table.submitUs[slot] = t;
        }
        this.updateRequests(slot, schedulingClass, cpu, memory, disk);
      }
      table.flags[slot] = table.flags[slot]! | RUNNING;
      table.startUs[slot] = t;
      table.machineId[slot] = f[2 * R + i]!;
      table.priority[slot] = k[2 * R + i]!;
      table.line[slot] = k[4 * R + i]!;
      table.file[slot] = file;
    } else if (endsPlacement(type)) {
      if (slot < 0) {
        this.counts.endWithoutSchedule++;
        return;
      }
      if ((table.flags[slot]! & RUNNING) === 0) this.counts.endedWhilePending++;
      else this.emit(slot, t, BORG_EVENT_NAMES[type] as PlacementEnd);
      table.remove(jobId, taskIndex, slot);
    } else if (type === EVENT.UPDATE_PENDING && slot >= 0 && (table.flags[slot]! & RUNNING) === 0) {
      // The request a pending task will be scheduled with.
      table.priority[slot] = k[2 * R + i]!;
      this.updateRequests(slot, schedulingClass, cpu, memory, disk);
    }
    // UPDATE_RUNNING: a placement keeps the request it was scheduled with.
  }

  /**
   * Ends the data: running tasks become censored placements, in the order they were first seen
   * (in slot order for an `onSummary` callback, which only counts them).
   */
  finish(): void {
    const table = this.table;
    for (const slot of table.heldSlots(this.onSummary === null)) {
      if ((table.flags[slot]! & RUNNING) === 0) this.counts.pendingAtEnd++;
      else this.emit(slot, this.lastUs, 'CENSORED');
    }
    table.clear();
  }

  /** Takes the requests the row gives (an empty field keeps the one in force). */
  private updateRequests(
    slot: number,
    schedulingClass: number,
    cpu: number,
    memory: number,
    disk: number,
  ): void {
    const table = this.table;
    if (schedulingClass >= 0) table.schedulingClass[slot] = schedulingClass;
    if (!Number.isNaN(cpu)) table.cpu[slot] = cpu;
    if (!Number.isNaN(memory)) table.memory[slot] = memory;
    if (!Number.isNaN(disk)) table.disk[slot] = disk;
  }

  /** The index `rowAt` takes for a file name (placements report the name). */
  fileIndexOf(file: string): number {
    if (file === this.lastFile) return this.lastFileIndex;
    let i = this.files.indexOf(file);
    if (i < 0) i = this.files.push(file) - 1;
    this.lastFile = file;
    this.lastFileIndex = i;
    return i;
  }

  private emit(slot: number, endUs: number, end: PlacementEnd): void {
    const t = this.table;
    this.counts.placements++;
    if (end === 'CENSORED') this.counts.censored++;
    const flags = t.flags[slot]!;
    if (this.onSummary !== null) {
      this.onSummary(slot, end);
      return;
    }
    const p = this.out;
    p.jobId = t.jobId[slot]!;
    p.taskIndex = t.taskIndex[slot]!;
    p.machineId = t.machineId[slot]!;
    p.submitUs = t.submitUs[slot]!;
    p.submitSeen = (flags & SUBMIT_SEEN) !== 0;
    p.startUs = t.startUs[slot]!;
    p.endUs = endUs;
    p.end = end;
    p.censored = end === 'CENSORED';
    p.priority = t.priority[slot]!;
    p.schedulingClass = t.schedulingClass[slot]!;
    p.cpuRequest = t.cpu[slot]!;
    p.memoryRequest = t.memory[slot]!;
    p.diskRequest = t.disk[slot]!;
    p.file = this.files[t.file[slot]!]!;
    p.line = t.line[slot]!;
    this.onPlacement(p);
  }
}

export interface DerivePlacementsOptions extends BorgReadOptions, PlacementOptions {
  /** Receives the pairing counts when the data has been read. */
  readonly onCounts?: (counts: PlacementCounts) => void;
}

/**
 * Task placements derived from task_events files, in the order they end (censored ones last). Also
 * usable as a plain event pass: `onEvent` sees every valid row first.
 */
export async function* derivePlacements(
  files: readonly string[],
  options: DerivePlacementsOptions & { readonly onEvent?: (e: TaskEvent) => void } = {},
): AsyncGenerator<Placement> {
  const log = options.issues ?? new IssueLog({ strict: options.strict ?? false });
  let batch: Placement[] = [];
  const tracker = new PlacementTracker((p) => batch.push({ ...p }), options);
  const event = emptyTaskEvent();
  const onEvent = options.onEvent;
  const hooks: ScanHooks = options.hooks ?? {};
  for await (const _ of scanCsvFiles(
    resolveSources(files, 'task_events'),
    (row) => {
      if (!decodeTaskEvent(row, log, event)) return;
      onEvent?.(event);
      tracker.event(event);
    },
    log,
    hooks,
  )) {
    if (batch.length > 0) {
      const ready = batch;
      batch = [];
      yield* ready;
    }
  }
  tracker.finish();
  options.onCounts?.(tracker.counts);
  yield* batch;
}
