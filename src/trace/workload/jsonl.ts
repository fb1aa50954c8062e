import type { IssueLog, IssueReason } from '../issues.js';
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

/**
 * Whether a value fits a key: null when it does, else the reason to skip the line for. A value of the
 * wrong JSON type is `bad-json`; a number of the right type but outside the key's domain gets the
 * reason the CSV readers give the same fault.
 */
type Check = (v: unknown) => IssueReason | null;

// Byte amounts and millicores are added and compared across a whole cluster, and an id becomes the
// key of a result row: beyond 2^53 a double no longer holds every whole number, so such a value
// would be silently rounded. Only exact whole numbers (`Number.isSafeInteger`) are amounts.
const amount: Check = (v) =>
  typeof v !== 'number' ? 'bad-json' : Number.isSafeInteger(v) && v >= 0 ? null : 'out-of-range';
const integer: Check = (v) =>
  typeof v !== 'number' ? 'bad-json' : Number.isSafeInteger(v) ? null : 'out-of-range';
// JSON has no Infinity, but a literal such as 1e400 parses to it.
const time: Check = (v) =>
  typeof v !== 'number' ? 'bad-json' : v < 0 ? 'negative-time' : Number.isFinite(v) ? null : 'out-of-range';
const fraction: Check = (v) =>
  typeof v !== 'number' ? 'bad-json' : Number.isFinite(v) && v >= 0 ? null : 'out-of-range';
const bool: Check = (v) => (typeof v === 'boolean' ? null : 'bad-json');
const idValue: Check = (v) => (typeof v === 'string' ? null : integer(v));

const WHOLE = 'from 0 to 2^53 - 1';
const BYTES = `a whole number of bytes ${WHOLE}`;
const ID = 'a string, or a whole number from -(2^53 - 1) to 2^53 - 1';
const INTEGER = 'a whole number from -(2^53 - 1) to 2^53 - 1';
const BOOL = 'true or false';

/**
 * The ids of one read, each with where it first appeared, so that a repeated id is caught and the
 * message can point at the record that has it: results are keyed by id, and two records with one id
 * would overwrite each other's results. One entry per record read; the reader holds the records
 * themselves anyway.
 */
export class SeenIds {
  private readonly files: string[] = [];
  /**
   * Per id: the index of its file in `files` times 2^32, plus its line (one number, not an object per
   * id; a file of 2^32 lines would be hundreds of gigabytes of records, beyond any workload read).
   */
  private readonly first = new Map<string, number>();

  /** Where `id` first appeared (`file:line`); undefined when this is its first appearance, now noted. */
  add(id: string, file: string, line: number): string | undefined {
    const at = this.first.get(id);
    if (at !== undefined) {
      const index = Math.floor(at / 2 ** 32);
      return `${this.files[index]}:${at - index * 2 ** 32}`;
    }
    if (this.files.at(-1) !== file) this.files.push(file);
    this.first.set(id, (this.files.length - 1) * 2 ** 32 + line);
    return undefined;
  }
}

/**
 * Parses one JSON Lines record; undefined (after reporting an issue naming the key) when unusable.
 * Required: `id` (string or whole number), `submit`, `duration`, `sgx`. Everything else has a
 * default: `jobId` = id, `taskIndex` 0, amounts 0, used = requested, priority and class 0, not censored.
 * With `seen`, a record whose id an earlier record of the read has is skipped as `duplicate-id`.
 */
export function parseRecordLine(row: CsvRow, log: IssueLog, seen?: SeenIds): WorkloadRecord | undefined {
  const text = row.lineText();
  const fail = (reason: IssueReason, expected: string, got: string, field?: string): undefined => {
    log.report({
      reason,
      file: row.file,
      line: row.line,
      ...(field === undefined ? {} : { field }),
      expected,
      got,
    });
    return undefined;
  };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return fail('bad-json', 'a JSON object', `${quoteRaw(text)} (${(err as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail('bad-json', 'a JSON object', quoteRaw(text));
  }
  const o = value as Record<string, unknown>;
  const take = (key: string, check: Check, what: string, fallback?: unknown): unknown => {
    const v = o[key];
    if (v === undefined) {
      if (fallback !== undefined) return fallback;
      throw new BadKey('missing-field', key, what, v);
    }
    const reason = check(v);
    if (reason !== null) throw new BadKey(reason, key, what, v);
    return v;
  };
  let record: WorkloadRecord;
  try {
    const id = String(take('id', idValue, ID));
    const jobRaw = take('jobId', idValue, ID, id);
    const epcRequestBytes = take('epcRequestBytes', amount, BYTES, 0) as number;
    const memoryRequestBytes = take('memoryRequestBytes', amount, BYTES, 0) as number;
    record = {
      id,
      jobId: String(jobRaw),
      taskIndex: take('taskIndex', amount, `a whole number ${WHOLE}`, 0) as number,
      submit: take('submit', time, 'a time in seconds, finite and >= 0') as number,
      duration: take('duration', time, 'a duration in seconds, finite and >= 0') as number,
      sgx: take('sgx', bool, BOOL) as boolean,
      epcRequestBytes,
      epcUsedBytes: take('epcUsedBytes', amount, BYTES, epcRequestBytes) as number,
      memoryRequestBytes,
      memoryUsedBytes: take('memoryUsedBytes', amount, BYTES, memoryRequestBytes) as number,
      cpuRequestMillis: take(
        'cpuRequestMillis',
        amount,
        `a whole number of millicores ${WHOLE}`,
        0,
      ) as number,
      priority: take('priority', integer, INTEGER, 0) as number,
      schedulingClass: take('schedulingClass', integer, INTEGER, 0) as number,
      censored: take('censored', bool, BOOL, false) as boolean,
      ...(take('initial', bool, BOOL, false) === true ? { initial: true } : {}),
      ...(o['requestFraction'] !== undefined
        ? { requestFraction: take('requestFraction', fraction, 'a fraction, finite and >= 0') as number }
        : {}),
      ...(o['usedFraction'] !== undefined
        ? { usedFraction: take('usedFraction', fraction, 'a fraction, finite and >= 0') as number }
        : {}),
    };
  } catch (err) {
    if (err instanceof BadKey) return fail(err.reason, err.what, describeValue(err.value), err.key);
    throw err;
  }
  // Noted only once the record is valid: a skipped line takes no id from a later one.
  const first = seen?.add(record.id, row.file, row.line);
  if (first !== undefined) {
    return fail(
      'duplicate-id',
      'an id no earlier record has',
      `${quoteRaw(record.id)}, the id of the record at ${first}`,
      'id',
    );
  }
  return record;
}

/** A JSON value as a message shows it: numbers as JavaScript prints them (`1e+30`, `Infinity`). */
function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'number') return String(v);
  const json = JSON.stringify(v);
  return json.length > 60 ? json.slice(0, 57) + '...' : json;
}

class BadKey extends Error {
  constructor(
    readonly reason: IssueReason,
    readonly key: string,
    readonly what: string,
    readonly value: unknown,
  ) {
    super(key);
  }
}
