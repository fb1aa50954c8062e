import type { TraceIssue } from '../../trace/index.js';

/**
 * What the Borg pairing thread sends to the stream: the placements it paired, their ends and what it
 * left out, as records in one Float64Array (`STRIDE` numbers each) inside an ArrayBuffer that crosses
 * threads by transfer and comes back to be refilled.
 *
 * Every record carries a gate: the largest simulated time (seconds from the stream's origin) among
 * the trace rows read since the previous record, this record's own row included. The stream delivers
 * a record once the simulation has asked for time `t >= gate`, and stops at the first record whose
 * gate is later: exactly where a reader applying rows one by one, and stopping at the first row after
 * `t`, would stop. Rows that change nothing the simulation sees (a SUBMIT, an UPDATE) make no record
 * but still raise the next record's gate. -Infinity: no row since the previous record (the record is
 * due as soon as the previous one is).
 */

/** Numbers per record. */
export const STRIDE = 10;
/** Records per batch (800 KB of numbers). */
export const BATCH_RECORDS = 10_240;
/** Batches the pairing thread may have sent and not yet had back. */
export const MAX_BATCHES_IN_FLIGHT = 6;

// Field 0 of a record: its kind.
/** A placement: row, job id, task index, start µs (absolute), submit µs (from origin), bytes, CPU, SGX. */
export const ARRIVAL = 1;
/** A placement's end: row, duration in seconds, 1 if censored (still running when the input ended). */
export const END = 2;
/** Rows left out: counter (`COUNTER_*`), amount. */
export const SKIPPED = 3;
/** A file fully read: its non-empty lines (its unreadable ones follow as SKIPPED records, per reason). */
export const FILE_END = 4;
/** Nothing follows: every row has been read. */
export const INPUT_END = 5;

// Field 2 of a SKIPPED record.
export const COUNTER_TIME_ZERO = 0;
export const COUNTER_ZERO_MEMORY = 1;
export const COUNTER_NEVER_SCHEDULED = 2;
/** Lines skipped as unreadable, for reason `ISSUE_REASONS[counter - COUNTER_ISSUE]`. */
export const COUNTER_ISSUE = 3;

// Field offsets within a record.
export const R_KIND = 0;
export const R_GATE = 1;
/** ARRIVAL, END: the pairing thread's row for the task, reused once the task's placement has ended. */
export const R_ROW = 2;
export const R_JOB = 3;
export const R_TASK = 4;
export const R_START_US = 5;
export const R_SUBMIT_US = 6;
export const R_BYTES = 7;
export const R_CPU = 8;
export const R_SGX = 9;
// END: the duration and the censored flag; SKIPPED: the counter and the amount; FILE_END: rows.
export const R_VALUE = 3;
export const R_FLAG = 4;
export const R_COUNTER = 2;
export const R_AMOUNT = 3;
export const R_ROWS = 2;

/** What the pairing reads and how it maps placements (the pairing thread's `workerData`). */
export interface PairingOptions {
  /** task_events parts, in time order (files, folders or globs). */
  readonly files: readonly string[];
  /** Share of Borg jobs designated SGX (per job id, seeded: the same draw as the trace mapping). */
  readonly sgxShare: number;
  readonly seed: number;
  readonly epcBytesPerUnit: number;
  readonly memoryBytesPerUnit: number;
  readonly cpuMillisPerUnit: number;
}

export type PairingIn = { readonly type: 'ack'; readonly buffer: ArrayBuffer };

export type PairingOut =
  | { readonly type: 'records'; readonly buffer: ArrayBuffer; readonly n: number }
  | {
      readonly type: 'error';
      readonly message: string;
      /** A bad input (`TraceInputError`, with its issue) rather than a failure of the program. */
      readonly input: boolean;
      readonly issue: TraceIssue | undefined;
      /**
       * For a failure at a row (rows out of time order): the simulated time a reader applying rows
       * one by one reaches that row at. Every record before it has been sent; the stream fails once
       * the simulation asks for that time, as such a reader would, not as soon as this thread sees it.
       */
      readonly gate?: number;
    };
