import { resolveSources } from '../io/sources.js';
import { IssueLog } from '../issues.js';
import type { CsvRow } from '../scan/csv-row.js';
import type { ScanHooks } from '../scan/scan-files.js';
import { readRows, scanRows } from '../scan/scan-files.js';
import { TASK_EVENTS as F } from './schema.js';

/**
 * One task_events row. Optional fields that are empty in the trace read as NaN (requests, machine)
 * or -1 (scheduling class, missing-info); `priority`, the time, job, task and event are mandatory.
 */
export interface TaskEvent {
  file: string;
  line: number;
  /** Trace time in microseconds (0 = before the trace window). */
  timeUs: number;
  /** Missing-info code, -1 when absent. */
  missingInfo: number;
  jobId: number;
  taskIndex: number;
  /** Machine ID, NaN when absent (SUBMIT and pending events have none). */
  machineId: number;
  /** Event code 0..8, see `BORG_EVENT_NAMES`. */
  eventType: number;
  /** Scheduling class 0..3, -1 when absent. */
  schedulingClass: number;
  priority: number;
  /** Requests normalised to the largest machine (1.0); NaN when absent. */
  cpuRequest: number;
  memoryRequest: number;
  diskRequest: number;
}

export function emptyTaskEvent(): TaskEvent {
  return {
    file: '',
    line: 0,
    timeUs: 0,
    missingInfo: -1,
    jobId: 0,
    taskIndex: 0,
    machineId: NaN,
    eventType: 0,
    schedulingClass: -1,
    priority: 0,
    cpuRequest: NaN,
    memoryRequest: NaN,
    diskRequest: NaN,
  };
}

/**
 * Fills `out` from a row; returns false (after reporting to `log`) when the row is unusable:
 * wrong field count, a mandatory field missing or not an integer, a negative time, an unknown event
 * code, or a negative or non-numeric request.
 */
export function decodeTaskEvent(row: CsvRow, log: IssueLog, out: TaskEvent): boolean {
  if (!row.expectFields(log, F.fields)) return false;
  const timeUs = row.needInt(F.time, log, 'a time in microseconds >= 0', 0, 'negative-time');
  if (Number.isNaN(timeUs)) return false;
  const jobId = row.needInt(F.jobId, log, 'a job ID (integer >= 0)', 0);
  if (Number.isNaN(jobId)) return false;
  const taskIndex = row.needInt(F.taskIndex, log, 'a task index (integer >= 0)', 0);
  if (Number.isNaN(taskIndex)) return false;
  const eventType = row.needInt(F.eventType, log, 'an event type (0..8)', 0, 'unknown-event');
  if (Number.isNaN(eventType)) return false;
  if (eventType > 8) {
    row.fail(log, 'unknown-event', F.eventType, 'an event type (0..8)');
    return false;
  }
  const priority = row.needInt(F.priority, log, 'a priority (integer >= 0)', 0);
  if (Number.isNaN(priority)) return false;
  const machineId = row.optInt(F.machineId, log, -1, 'a machine ID (integer)');
  if (Number.isNaN(machineId)) return false;
  const schedulingClass = row.optInt(F.schedulingClass, log, -1, 'a scheduling class (integer)');
  if (Number.isNaN(schedulingClass)) return false;
  const missingInfo = row.optInt(F.missingInfo, log, -1, 'a missing-info code (integer)');
  if (Number.isNaN(missingInfo)) return false;
  // Requests: absent is fine (NaN below); present must be a number >= 0.
  const cpu = row.optFloat(F.cpuRequest, log, -1, 'a CPU request (fraction >= 0)', 0);
  if (Number.isNaN(cpu)) return false;
  const memory = row.optFloat(F.memoryRequest, log, -1, 'a memory request (fraction >= 0)', 0);
  if (Number.isNaN(memory)) return false;
  const disk = row.optFloat(F.diskRequest, log, -1, 'a disk request (fraction >= 0)', 0);
  if (Number.isNaN(disk)) return false;
  out.file = row.file;
  out.line = row.line;
  out.timeUs = timeUs;
  out.missingInfo = missingInfo;
  out.jobId = jobId;
  out.taskIndex = taskIndex;
  out.machineId = machineId < 0 ? NaN : machineId;
  out.eventType = eventType;
  out.schedulingClass = schedulingClass;
  out.priority = priority;
  out.cpuRequest = cpu < 0 ? NaN : cpu;
  out.memoryRequest = memory < 0 ? NaN : memory;
  out.diskRequest = disk < 0 ? NaN : disk;
  return true;
}

export interface BorgReadOptions {
  readonly strict?: boolean;
  /** Where skipped rows are counted; pass one to read the summary afterwards. */
  readonly issues?: IssueLog;
  readonly hooks?: ScanHooks;
}

function logOf(options: BorgReadOptions): IssueLog {
  return options.issues ?? new IssueLog({ strict: options.strict ?? false });
}

/**
 * The fast path: calls `onEvent` for every valid row with one reused `TaskEvent` (copy what you keep).
 * Resolves when every file has been read.
 */
export async function scanTaskEvents(
  files: readonly string[],
  onEvent: (event: TaskEvent) => void,
  options: BorgReadOptions = {},
): Promise<void> {
  const log = logOf(options);
  const event = emptyTaskEvent();
  await scanRows(
    resolveSources(files, 'task_events'),
    (row) => {
      if (decodeTaskEvent(row, log, event)) onEvent(event);
    },
    log,
    options.hooks ?? {},
  );
}

/** Every valid task_events row as a fresh object, in file order. */
export async function* readTaskEvents(
  files: readonly string[],
  options: BorgReadOptions = {},
): AsyncGenerator<TaskEvent> {
  const log = logOf(options);
  yield* readRows<TaskEvent>(
    resolveSources(files, 'task_events'),
    (row, out) => {
      const event = emptyTaskEvent();
      if (decodeTaskEvent(row, log, event)) out.push(event);
    },
    log,
    options.hooks ?? {},
  );
}
