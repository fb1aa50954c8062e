import type { IssueLog } from '../issues.js';
import { quoteRaw } from '../issues.js';
import type { CsvRow } from '../scan/csv-row.js';
import type { WorkloadRecord } from './record.js';

/**
 * Our JSON Lines workload format: one `WorkloadRecord` per line (docs/formats.md). Writing gives the
 * keys in a fixed order and numbers as JavaScript prints them, so the same workload is always the
 * same bytes.
 */
export function recordToJson(r: WorkloadRecord): string {
  const o: Record<string, unknown> = {
    id: r.id,
    jobId: r.jobId,
    taskIndex: r.taskIndex,
    submit: r.submit,
    duration: r.duration,
    sgx: r.sgx,
    epcRequestBytes: r.epcRequestBytes,
    epcUsedBytes: r.epcUsedBytes,
    memoryRequestBytes: r.memoryRequestBytes,
    memoryUsedBytes: r.memoryUsedBytes,
    cpuRequestMillis: r.cpuRequestMillis,
    priority: r.priority,
    schedulingClass: r.schedulingClass,
    censored: r.censored,
  };
  if (r.initial === true) o['initial'] = true;
  if (r.requestFraction !== undefined) o['requestFraction'] = r.requestFraction;
  if (r.usedFraction !== undefined) o['usedFraction'] = r.usedFraction;
  return JSON.stringify(o);
}

type Check = (v: unknown) => boolean;
const nonNegative: Check = (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const nonNegativeInt: Check = (v) => nonNegative(v) && Number.isInteger(v);
const isInt: Check = (v) => typeof v === 'number' && Number.isInteger(v);
const isBool: Check = (v) => typeof v === 'boolean';

/**
 * Parses one JSON Lines record; undefined (after reporting a `bad-json` issue naming the key) when
 * unusable. Required: `id` (string or number), `submit`, `duration`, `sgx`. Everything else has a
 * default: `jobId` = id, `taskIndex` 0, amounts 0, used = requested, priority and class 0, not censored.
 */
export function parseRecordLine(row: CsvRow, log: IssueLog): WorkloadRecord | undefined {
  const text = row.lineText();
  const fail = (expected: string, got: string): undefined => {
    log.report({ reason: 'bad-json', file: row.file, line: row.line, expected, got });
    return undefined;
  };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return fail('a JSON object', `${quoteRaw(text)} (${(err as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail('a JSON object', quoteRaw(text));
  }
  const o = value as Record<string, unknown>;
  const take = (key: string, check: Check, what: string, fallback?: unknown): unknown => {
    const v = o[key];
    if (v === undefined && fallback !== undefined) return fallback;
    if (!check(v)) throw new BadKey(key, what, v);
    return v;
  };
  try {
    const rawId = take('id', (v) => typeof v === 'string' || isInt(v), 'a string or integer');
    const id = String(rawId);
    const jobRaw = take('jobId', (v) => typeof v === 'string' || isInt(v), 'a string or integer', id);
    const epcRequestBytes = take('epcRequestBytes', nonNegative, 'a number of bytes >= 0', 0) as number;
    const memoryRequestBytes = take('memoryRequestBytes', nonNegative, 'a number of bytes >= 0', 0) as number;
    const record: WorkloadRecord = {
      id,
      jobId: String(jobRaw),
      taskIndex: take('taskIndex', nonNegativeInt, 'an integer >= 0', 0) as number,
      submit: take('submit', nonNegative, 'a time in seconds >= 0') as number,
      duration: take('duration', nonNegative, 'a duration in seconds >= 0') as number,
      sgx: take('sgx', isBool, 'true or false') as boolean,
      epcRequestBytes,
      epcUsedBytes: take('epcUsedBytes', nonNegative, 'a number of bytes >= 0', epcRequestBytes) as number,
      memoryRequestBytes,
      memoryUsedBytes: take(
        'memoryUsedBytes',
        nonNegative,
        'a number of bytes >= 0',
        memoryRequestBytes,
      ) as number,
      cpuRequestMillis: take('cpuRequestMillis', nonNegative, 'millicores >= 0', 0) as number,
      priority: take('priority', isInt, 'an integer', 0) as number,
      schedulingClass: take('schedulingClass', isInt, 'an integer', 0) as number,
      censored: take('censored', isBool, 'true or false', false) as boolean,
      ...(take('initial', isBool, 'true or false', false) === true ? { initial: true } : {}),
      ...(o['requestFraction'] !== undefined
        ? { requestFraction: take('requestFraction', nonNegative, 'a fraction >= 0') as number }
        : {}),
      ...(o['usedFraction'] !== undefined
        ? { usedFraction: take('usedFraction', nonNegative, 'a fraction >= 0') as number }
        : {}),
    };
    return record;
  } catch (err) {
    if (err instanceof BadKey) {
      return fail(
        `"${err.key}" as ${err.what}`,
        err.value === undefined ? 'nothing' : quoteRaw(JSON.stringify(err.value)),
      );
    }
    throw err;
  }
}

class BadKey extends Error {
  constructor(
    readonly key: string,
    readonly what: string,
    readonly value: unknown,
  ) {
    super(key);
  }
}
