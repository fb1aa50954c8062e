import { statSync } from 'node:fs';
import { GzipStreamError, openBytes } from '../io/bytes.js';
import type { IssueLog } from '../issues.js';
import { TraceInputError } from '../issues.js';
import type { CsvRow } from './csv-row.js';
import type { FastLineDecoder } from './line-scanner.js';
import { LineScanner, MAX_LINE_BYTES } from './line-scanner.js';

/** Progress of a multi-file read, for a progress line on a terminal. */
export interface ScanProgress {
  readonly file: string;
  readonly fileIndex: number;
  readonly fileCount: number;
  /** Bytes read from disk so far over all files (compressed bytes for gzip), and their total size. */
  readonly bytesRead: number;
  readonly bytesTotal: number;
}

export interface ScanHooks {
  /** Called before the first chunk of each file. */
  readonly onFile?: (file: string, index: number) => void;
  /** Called after the last line of each file, with the number of lines it had (blank ones included). */
  readonly onFileEnd?: (file: string, index: number, lines: number) => void;
  /** Called after each chunk. */
  readonly onProgress?: (progress: ScanProgress) => void;
}

/**
 * Reads CSV files in order and calls `onRow` for every non-empty line, then yields once per chunk so
 * that a caller can hand out what `onRow` collected (see `readRows`) or simply drain it (`scanRows`).
 *
 * `fastLine`, when given, consumes the common lines itself (see `FastLineDecoder`); `onRow` then sees
 * only the others. Blank lines are reported as `blank-line`. A truncated or corrupt gzip stream is reported (the
 * partial last line goes with it) and reading goes on with the next file, even when nothing of the
 * file could be read; in strict mode it throws. Any other file without a single non-empty line is an
 * error.
 */
export async function* scanCsvFiles(
  files: readonly string[],
  onRow: (row: CsvRow) => void,
  log: IssueLog,
  hooks: ScanHooks = {},
  fastLine: FastLineDecoder | null = null,
): AsyncGenerator<void> {
  const sizes = hooks.onProgress !== undefined ? files.map(fileSize) : [];
  const bytesTotal = sizes.reduce((a, b) => a + b, 0);
  let bytesBefore = 0;
  for (let index = 0; index < files.length; index++) {
    const file = files[index]!;
    hooks.onFile?.(file, index);
    const scanner = new LineScanner(
      file,
      onRow,
      (line) =>
        log.report({ reason: 'blank-line', file, line, expected: 'a data line', got: 'an empty line' }),
      (line) =>
        log.report({
          reason: 'line-too-long',
          file,
          line,
          expected: `a line shorter than ${MAX_LINE_BYTES} bytes`,
          got: 'a longer one (is this a trace file?)',
        }),
      fastLine,
    );
    const progress = { fileBytesRead: 0 };
    let damaged = false;
    try {
      for await (const chunk of openBytes(file, progress)) {
        scanner.push(chunk);
        hooks.onProgress?.({
          file,
          fileIndex: index,
          fileCount: files.length,
          bytesRead: bytesBefore + progress.fileBytesRead,
          bytesTotal,
        });
        yield;
      }
      scanner.finish();
    } catch (err) {
      if (!(err instanceof GzipStreamError)) throw err;
      damaged = true;
      scanner.discardPartial();
      log.report({
        reason: err.kind,
        file,
        line: scanner.lines + 1,
        expected: 'a complete gzip stream',
        got: `${err.message}; the rest of the file is lost`,
      });
    }
    bytesBefore += sizes[index] ?? 0;
    if (scanner.rowCount === 0 && !damaged) throw noDataLine(file);
    hooks.onFileEnd?.(file, index, scanner.lines);
    yield;
  }
}

/**
 * The error for a file without a single data line. A gzip file whose stream broke before its first
 * line is not one: its loss is counted (truncated-gzip, corrupt-gzip) and reading goes on, as after
 * a stream that breaks later.
 */
function noDataLine(file: string): TraceInputError {
  if (fileSize(file) === 0) return new TraceInputError(`${file}: the file is empty`);
  return new TraceInputError(`${file}: the file holds no data line`);
}

/** Size of a file on disk; 0 when it cannot be read (the reader reports that file itself). */
export function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** Reads every row of the files through `onRow`; resolves when done. */
export async function scanRows(
  files: readonly string[],
  onRow: (row: CsvRow) => void,
  log: IssueLog,
  hooks: ScanHooks = {},
): Promise<void> {
  for await (const _ of scanCsvFiles(files, onRow, log, hooks)) {
    // the rows were handled by onRow
  }
}

/**
 * Adapts a row callback that produces values into an async iterable of those values: `decode` pushes
 * zero or more values per row into `out`, and each chunk's values are yielded in order.
 */
export async function* readRows<T>(
  files: readonly string[],
  decode: (row: CsvRow, out: T[]) => void,
  log: IssueLog,
  hooks: ScanHooks = {},
): AsyncGenerator<T> {
  let batch: T[] = [];
  for await (const _ of scanCsvFiles(files, (row) => decode(row, batch), log, hooks)) {
    if (batch.length > 0) {
      const ready = batch;
      batch = [];
      yield* ready;
    }
  }
}
