import type { IssueSummary, TraceIssue } from '../issues.js';
import type { RowFiguresData } from '../stats/row-figures.js';

/**
 * Batches a parser thread may have handed out and not yet had back. A file read ahead of its turn
 * waits once it holds this many (about 19 MB of columns: more than one part of the 2011 trace, so the
 * next part is usually read whole while the current one is consumed).
 */
export const MAX_BATCHES_IN_FLIGHT = 8;

export interface ParseWorkerData {
  readonly strict: boolean;
  /** When set, each thread also counts the row figures of its files in this window (µs). */
  readonly window: { readonly fromUs: number; readonly toUs: number } | null;
}

export type ParseWorkerIn =
  | { readonly type: 'file'; readonly index: number; readonly file: string }
  | { readonly type: 'ack'; readonly buffer: ArrayBuffer };

export type ParseWorkerOut =
  | {
      readonly type: 'batch';
      readonly index: number;
      readonly buffer: ArrayBuffer;
      readonly n: number;
      /** Bytes of the file on disk read so far (compressed bytes for gzip). */
      readonly bytesRead: number;
    }
  | {
      readonly type: 'end';
      readonly index: number;
      /** Non-empty lines read (valid or not) and all lines (blank ones included). */
      readonly rows: number;
      readonly lines: number;
      readonly issues: IssueSummary;
      /** The file's row figures, when a window was given. */
      readonly figures: RowFiguresData | null;
    }
  | {
      readonly type: 'error';
      readonly index: number;
      readonly message: string;
      readonly issue: TraceIssue | undefined;
      /** A `TraceInputError` (bad input) rather than a failure of the program. */
      readonly input: boolean;
    };
