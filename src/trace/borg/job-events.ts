import { resolveSources } from '../io/sources.js';
import { IssueLog } from '../issues.js';
import type { CsvRow } from '../scan/csv-row.js';
import { readRows } from '../scan/scan-files.js';
import type { BorgReadOptions } from './task-events.js';
import { JOB_EVENTS as F } from './schema.js';

/** One job_events row. Hashed strings (user, names) are kept as they are in the trace. */
export interface JobEvent {
  readonly file: string;
  readonly line: number;
  readonly timeUs: number;
  /** Missing-info code, -1 when absent. */
  readonly missingInfo: number;
  readonly jobId: number;
  /** Event code 0..8 (the task event codes). */
  readonly eventType: number;
  readonly user: string;
  /** Scheduling class 0..3, -1 when absent. */
  readonly schedulingClass: number;
  readonly jobName: string;
  readonly logicalJobName: string;
}

/** Decodes one row; undefined (after reporting to `log`) when unusable. */
export function decodeJobEvent(row: CsvRow, log: IssueLog): JobEvent | undefined {
  if (!row.expectFields(log, F.fields)) return undefined;
  const timeUs = row.needInt(F.time, log, 'a time in microseconds >= 0', 0, 'negative-time');
  if (Number.isNaN(timeUs)) return undefined;
  const jobId = row.needInt(F.jobId, log, 'a job ID (integer >= 0)', 0);
  if (Number.isNaN(jobId)) return undefined;
  const eventType = row.needInt(F.eventType, log, 'an event type (0..8)', 0, 'unknown-event');
  if (Number.isNaN(eventType)) return undefined;
  if (eventType > 8) {
    row.fail(log, 'unknown-event', F.eventType, 'an event type (0..8)');
    return undefined;
  }
  const schedulingClass = row.optInt(F.schedulingClass, log, -1, 'a scheduling class (integer)');
  if (Number.isNaN(schedulingClass)) return undefined;
  const missingInfo = row.optInt(F.missingInfo, log, -1, 'a missing-info code (integer)');
  if (Number.isNaN(missingInfo)) return undefined;
  return {
    file: row.file,
    line: row.line,
    timeUs,
    missingInfo,
    jobId,
    eventType,
    user: row.text(F.user),
    schedulingClass,
    jobName: row.text(F.jobName),
    logicalJobName: row.text(F.logicalJobName),
  };
}

/** Every valid job_events row, in file order. */
export async function* readJobEvents(
  files: readonly string[],
  options: BorgReadOptions = {},
): AsyncGenerator<JobEvent> {
  const log = options.issues ?? new IssueLog({ strict: options.strict ?? false });
  yield* readRows<JobEvent>(
    resolveSources(files, 'job_events'),
    (row, out) => {
      const e = decodeJobEvent(row, log);
      if (e !== undefined) out.push(e);
    },
    log,
    options.hooks ?? {},
  );
}
