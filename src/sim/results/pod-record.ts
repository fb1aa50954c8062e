/**
 * A pod's result row as numbers, so that ended pods can cross to the pods thread
 * (`pod-results-thread.ts`) in transferred batches: the simulation's thread fills a few doubles per
 * pod, and the other thread counts them in the distributions and writes their CSV lines (job id and
 * node name included).
 *
 * Absent values (`null` in a `PodRow`) are NaN; every present value is finite, so NaN is free.
 */
import type { FailureReason, PodOutcome } from './types.js';
import type { PodClassSummaries } from './pod-stats.js';

/** What the job id field holds: an index into the batch's id strings, or the id's whole-number parts. */
export const ID_STRING = 0;
export const ID_PARTS = 1;

export const P_ID_KIND = 0;
/** ID_STRING: the index of the id in the batch's `ids`; ID_PARTS: the first of three parts. */
export const P_ID_A = 1;
export const P_ID_B = 2;
export const P_ID_C = 3;
export const P_DURATION = 4;
export const P_REQUESTED_PAGES = 5;
export const P_ACTUAL_PAGES = 6;
export const P_SGX = 7;
export const P_SUBMIT = 8;
export const P_START = 9;
export const P_END = 10;
/** The node's index in the names the pods thread was given; -1 for none. */
export const P_NODE = 11;
export const P_ATTEMPTS = 12;
export const P_RESTARTS = 13;
export const P_SLOWDOWN = 14;
export const P_OUTCOME = 15;
/** Index in FAILURE_REASONS; -1 for none. */
export const P_FAILURE = 16;
export const P_ATTACKER = 17;
export const POD_RECORD_STRIDE = 18;

/** Pods per batch (a batch is about 300 KB). */
export const POD_BATCH = 2048;
/** Batches the simulation may have handed over and not had back before it waits for the pods thread. */
export const MAX_POD_BATCHES_IN_FLIGHT = 8;

export const OUTCOMES: readonly PodOutcome[] = ['finished', 'failed', 'never-placed'];
export const FAILURE_REASONS: readonly FailureReason[] = ['enclave-over-limit', 'cut-at-horizon'];

/** What the pods thread is started with. */
export interface PodResultsInit {
  /** The pods CSV to write, or null for none (distributions only). */
  readonly csvPath: string | null;
  /** Node names by the index the records carry. */
  readonly nodeNames: readonly string[];
  /** The run's policy (a column of every row). */
  readonly policy: string;
}

/** Messages to the pods thread. */
export type PodResultsIn =
  | {
      readonly type: 'pods';
      readonly buffer: ArrayBuffer;
      readonly n: number;
      readonly ids: readonly string[];
    }
  | { readonly type: 'close' };

/** Messages from the pods thread. */
export type PodResultsOut =
  | { readonly type: 'ack'; readonly buffer: ArrayBuffer }
  | { readonly type: 'closed'; readonly classes: PodClassSummaries }
  | { readonly type: 'error'; readonly message: string };
