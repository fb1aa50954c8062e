import type { EventBatch } from '../borg/event-batch.js';
import { decodeTaskEvent, emptyTaskEvent } from '../borg/task-events.js';
import type { IssueSummary } from '../issues.js';
import { IssueLog } from '../issues.js';
import { scanCsvFiles } from '../scan/scan-files.js';
import type { RowFiguresData } from '../stats/row-figures.js';
import { RowFigures } from '../stats/row-figures.js';

export type FileBatchEvent =
  | { readonly type: 'batch'; readonly batch: EventBatch; readonly bytesRead: number }
  | {
      readonly type: 'end';
      /** Non-empty lines read (valid or not) and all lines (blank ones included). */
      readonly rows: number;
      readonly lines: number;
      readonly issues: IssueSummary;
      readonly figures: RowFiguresData | null;
    };

export interface FileBatchOptions {
  readonly strict: boolean;
  /** When set, the file's row figures in this window (µs) come with its end. */
  readonly window: { readonly fromUs: number; readonly toUs: number } | null;
  /** An empty batch to fill (a recycled one, or a new one). */
  readonly emptyBatch: () => EventBatch;
}

/**
 * The valid rows of one task_events file in full column batches, then its end (row counts, skipped
 * rows, row figures). Common lines are decoded in one pass (`EventBatch.tryPushLine`); the others
 * are scanned and decoded by the checked path, which reports and skips the bad ones. A batch
 * yielded is the consumer's until it resumes the generator. Throws `TraceInputError` for a file that
 * cannot be read (or, in strict mode, at its first bad row).
 */
export async function* fileBatches(file: string, options: FileBatchOptions): AsyncGenerator<FileBatchEvent> {
  const log = new IssueLog({ strict: options.strict });
  const e = emptyTaskEvent();
  const figures = options.window !== null ? new RowFigures(options.window.fromUs, options.window.toUs) : null;
  let batch = options.emptyBatch();
  const full: EventBatch[] = [];
  let rows = 0;
  let lines = 0;
  let bytesRead = 0;
  const done = (): void => {
    figures?.addBatch(batch);
    full.push(batch);
    batch = options.emptyBatch();
  };
  for await (const _ of scanCsvFiles(
    [file],
    (row) => {
      // A line the one-pass decode declined (below): the checked path reports it or decodes it.
      rows++;
      if (!decodeTaskEvent(row, log, e)) return;
      batch.push(e);
      if (batch.full) done();
    },
    log,
    {
      onProgress: (p) => (bytesRead = p.bytesRead),
      onFileEnd: (_f, _i, n) => (lines = n),
    },
    (buf, start, line) => {
      const next = batch.tryPushLine(buf, start, line);
      if (next >= 0) {
        rows++;
        if (batch.full) done();
      }
      return next;
    },
  )) {
    // The scanner yields once per chunk: hand out the batches that chunk filled.
    for (const b of full.splice(0)) yield { type: 'batch', batch: b, bytesRead };
  }
  if (batch.n > 0) done();
  for (const b of full.splice(0)) yield { type: 'batch', batch: b, bytesRead };
  yield { type: 'end', rows, lines, issues: log.summary(), figures: figures?.export() ?? null };
}
