import { resolveSources } from '../io/sources.js';
import { IssueLog } from '../issues.js';
import type { ScanHooks } from '../scan/scan-files.js';
import { scanCsvFiles } from '../scan/scan-files.js';
import { BORG_EVENT_NAMES, EVENT, endsPlacement } from './schema.js';
import type { BorgReadOptions, TaskEvent } from './task-events.js';
import { decodeTaskEvent, emptyTaskEvent } from './task-events.js';

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

interface TaskState {
  running: boolean;
  submitUs: number;
  submitSeen: boolean;
  startUs: number;
  machineId: number;
  priority: number;
  schedulingClass: number;
  cpu: number;
  memory: number;
  disk: number;
  file: string;
  line: number;
}

const TASK_BITS = 2 ** 20;
const JOB_LIMIT = 2 ** 33;

/** One number per (job, task) while both fit in 53 bits (every 2011 id does); a string otherwise. */
function taskKey(jobId: number, taskIndex: number): number | string {
  return jobId < JOB_LIMIT && taskIndex < TASK_BITS ? jobId * TASK_BITS + taskIndex : `${jobId}/${taskIndex}`;
}

/**
 * Pairs task events into placements, one event at a time. Memory holds only the tasks currently
 * pending or running (a map keyed by job and task), never the rows read: it does not grow with the
 * file size. Events must come in trace-time order (the part files are).
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
  private readonly tasks = new Map<number | string, TaskState>();
  private lastUs = 0;
  private readonly timeZero: TimeZeroRows;

  constructor(
    private readonly onPlacement: (placement: Placement) => void,
    options: PlacementOptions = {},
  ) {
    this.timeZero = options.timeZero ?? 'drop';
  }

  /** Largest event time seen so far: the end given to censored placements. */
  get lastTimeUs(): number {
    return this.lastUs;
  }

  /** Tasks pending or running right now. */
  get openTasks(): number {
    return this.tasks.size;
  }

  event(e: TaskEvent): void {
    const t = e.timeUs;
    if (t > this.lastUs) this.lastUs = t;
    if (t === 0 && this.timeZero === 'drop') {
      this.counts.timeZeroDropped++;
      return;
    }
    const type = e.eventType;
    const key = taskKey(e.jobId, e.taskIndex);
    const state = this.tasks.get(key);
    if (type === EVENT.SUBMIT) {
      if (state !== undefined && state.running) {
        // A SUBMIT while running means the end event is missing: treat the stay as lost data.
        this.counts.staysWithoutEnd++;
      }
      this.tasks.set(key, {
        running: false,
        submitUs: t,
        submitSeen: true,
        startUs: 0,
        machineId: NaN,
        priority: e.priority,
        schedulingClass: e.schedulingClass,
        cpu: e.cpuRequest,
        memory: e.memoryRequest,
        disk: e.diskRequest,
        file: e.file,
        line: e.line,
      });
    } else if (type === EVENT.SCHEDULE) {
      if (state === undefined) {
        this.counts.scheduleWithoutSubmit++;
        this.tasks.set(key, {
          running: true,
          submitUs: t,
          submitSeen: false,
          startUs: t,
          machineId: e.machineId,
          priority: e.priority,
          schedulingClass: e.schedulingClass,
          cpu: e.cpuRequest,
          memory: e.memoryRequest,
          disk: e.diskRequest,
          file: e.file,
          line: e.line,
        });
        return;
      }
      if (state.running) {
        this.counts.staysWithoutEnd++;
        state.submitUs = t;
        state.submitSeen = false;
      }
      state.running = true;
      state.startUs = t;
      state.machineId = e.machineId;
      state.priority = e.priority;
      if (e.schedulingClass >= 0) state.schedulingClass = e.schedulingClass;
      if (!Number.isNaN(e.cpuRequest)) state.cpu = e.cpuRequest;
      if (!Number.isNaN(e.memoryRequest)) state.memory = e.memoryRequest;
      if (!Number.isNaN(e.diskRequest)) state.disk = e.diskRequest;
      state.file = e.file;
      state.line = e.line;
    } else if (endsPlacement(type)) {
      if (state === undefined) {
        this.counts.endWithoutSchedule++;
        return;
      }
      this.tasks.delete(key);
      if (!state.running) {
        this.counts.endedWhilePending++;
        return;
      }
      this.emit(e.jobId, e.taskIndex, state, t, BORG_EVENT_NAMES[type] as PlacementEnd);
    } else if (type === EVENT.UPDATE_PENDING && state !== undefined && !state.running) {
      // The request a pending task will be scheduled with.
      state.priority = e.priority;
      if (!Number.isNaN(e.cpuRequest)) state.cpu = e.cpuRequest;
      if (!Number.isNaN(e.memoryRequest)) state.memory = e.memoryRequest;
      if (!Number.isNaN(e.diskRequest)) state.disk = e.diskRequest;
    }
    // UPDATE_RUNNING: a placement keeps the request it was scheduled with.
  }

  /** Ends the data: running tasks become censored placements (in the order they were first seen). */
  finish(): void {
    for (const [key, state] of this.tasks) {
      if (!state.running) {
        this.counts.pendingAtEnd++;
        continue;
      }
      const [jobId, taskIndex] =
        typeof key === 'number'
          ? [Math.floor(key / TASK_BITS), key % TASK_BITS]
          : (key.split('/').map(Number) as [number, number]);
      this.emit(jobId, taskIndex, state, this.lastUs, 'CENSORED');
    }
    this.tasks.clear();
  }

  private emit(jobId: number, taskIndex: number, s: TaskState, endUs: number, end: PlacementEnd): void {
    this.counts.placements++;
    if (end === 'CENSORED') this.counts.censored++;
    this.onPlacement({
      jobId,
      taskIndex,
      machineId: s.machineId,
      submitUs: s.submitUs,
      submitSeen: s.submitSeen,
      startUs: s.startUs,
      endUs,
      end,
      censored: end === 'CENSORED',
      priority: s.priority,
      schedulingClass: s.schedulingClass,
      cpuRequest: s.cpu,
      memoryRequest: s.memory,
      diskRequest: s.disk,
      file: s.file,
      line: s.line,
    });
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
  const tracker = new PlacementTracker((p) => batch.push(p), options);
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
