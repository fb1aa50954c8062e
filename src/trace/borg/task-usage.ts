import { resolveSources } from '../io/sources.js';
import { IssueLog } from '../issues.js';
import type { CsvRow } from '../scan/csv-row.js';
import { readRows } from '../scan/scan-files.js';
import type { BorgReadOptions } from './task-events.js';
import { TASK_USAGE as F } from './schema.js';

/**
 * One task_usage measurement period (at most 300 s) of one task on one machine. Usage figures are
 * normalised like the requests (1.0 = the largest machine); NaN when absent. The paper replayed these
 * periods, one pod each: requested = assigned memory, used = maximum memory usage.
 */
export interface TaskUsagePeriod {
  readonly file: string;
  readonly line: number;
  readonly startUs: number;
  readonly endUs: number;
  readonly jobId: number;
  readonly taskIndex: number;
  readonly machineId: number;
  readonly cpuRate: number;
  readonly canonicalMemory: number;
  readonly assignedMemory: number;
  readonly maxMemory: number;
  readonly maxCpuRate: number;
  readonly samplePortion: number;
}

/** Decodes one row; undefined (after reporting to `log`) when unusable. */
export function decodeTaskUsage(row: CsvRow, log: IssueLog): TaskUsagePeriod | undefined {
  if (!row.expectFields(log, F.fields)) return undefined;
  const startUs = row.needInt(F.startTime, log, 'a start time in microseconds >= 0', 0, 'negative-time');
  if (Number.isNaN(startUs)) return undefined;
  const endUs = row.needInt(F.endTime, log, 'an end time in microseconds >= 0', 0, 'negative-time');
  if (Number.isNaN(endUs)) return undefined;
  if (endUs < startUs) {
    row.fail(log, 'end-before-start', F.endTime, `an end time >= the start time ${startUs}`);
    return undefined;
  }
  const jobId = row.needInt(F.jobId, log, 'a job ID (integer >= 0)', 0);
  if (Number.isNaN(jobId)) return undefined;
  const taskIndex = row.needInt(F.taskIndex, log, 'a task index (integer >= 0)', 0);
  if (Number.isNaN(taskIndex)) return undefined;
  const machineId = row.needInt(F.machineId, log, 'a machine ID (integer >= 0)', 0);
  if (Number.isNaN(machineId)) return undefined;
  const values: number[] = [];
  for (const [field, what] of [
    [F.cpuRate, 'a CPU rate >= 0'],
    [F.canonicalMemory, 'a canonical memory usage >= 0'],
    [F.assignedMemory, 'an assigned memory usage >= 0'],
    [F.maxMemory, 'a maximum memory usage >= 0'],
    [F.maxCpuRate, 'a maximum CPU rate >= 0'],
    [F.samplePortion, 'a sample portion >= 0'],
  ] as const) {
    const v = row.optFloat(field, log, -1, what, 0);
    if (Number.isNaN(v)) return undefined;
    values.push(v < 0 ? NaN : v);
  }
  const [cpuRate, canonicalMemory, assignedMemory, maxMemory, maxCpuRate, samplePortion] = values as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return {
    file: row.file,
    line: row.line,
    startUs,
    endUs,
    jobId,
    taskIndex,
    machineId,
    cpuRate,
    canonicalMemory,
    assignedMemory,
    maxMemory,
    maxCpuRate,
    samplePortion,
  };
}

/** Every valid task_usage row, in file order. */
export async function* readTaskUsage(
  files: readonly string[],
  options: BorgReadOptions = {},
): AsyncGenerator<TaskUsagePeriod> {
  const log = options.issues ?? new IssueLog({ strict: options.strict ?? false });
  yield* readRows<TaskUsagePeriod>(
    resolveSources(files, 'task_usage'),
    (row, out) => {
      const e = decodeTaskUsage(row, log);
      if (e !== undefined) out.push(e);
    },
    log,
    options.hooks ?? {},
  );
}
