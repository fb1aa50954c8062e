import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { IssueLog } from '../issues.js';
import { TraceInputError } from '../issues.js';
import type { ScanHooks } from '../scan/scan-files.js';
import { fileSize } from '../scan/scan-files.js';
import { EventBatch } from '../borg/event-batch.js';
import type { ParseWorkerData, ParseWorkerIn, ParseWorkerOut } from './parse-messages.js';
import type { RowFiguresData } from '../stats/row-figures.js';

export interface ParallelParseOptions {
  /** Where bad rows are counted (merged from the parser threads in file order); its mode is theirs. */
  readonly log: IssueLog;
  readonly hooks?: ScanHooks;
  /** Parser threads (default: one per core but one, at least one; at most one per file). */
  readonly threads?: number;
  /** Called once per file, in file order, with its non-empty lines (valid or not). */
  readonly onRows?: (rows: number) => void;
  /**
   * Also count each file's row figures in this window (µs) on its parser thread, handed to
   * `onRowFigures` once per file, in file order.
   */
  readonly window?: { readonly fromUs: number; readonly toUs: number };
  readonly onRowFigures?: (figures: RowFiguresData) => void;
}

/** Valid task_events rows of one file, in file order; the batch is reused once the consumer resumes. */
export interface ParsedBatch {
  readonly batch: EventBatch;
  readonly fileIndex: number;
}

/**
 * Valid task_events rows of `files`, in file and line order, parsed by worker threads that each take
 * whole files (file k goes to thread k mod n): inflating and scanning, the bulk of the work, runs on
 * every core while the caller consumes the rows on its own thread. A thread runs ahead of the consumer
 * by at most `MAX_BATCHES_IN_FLIGHT` batches, so memory stays bounded whatever the input size.
 *
 * Everything the caller sees is what one thread reading the files in turn gives: the same rows in
 * the same order, the same skipped-row counts and examples (each thread's log is merged when its file
 * comes up), the same first error in strict mode, and the hooks called in file order.
 */
export async function* parseInParallel(
  files: readonly string[],
  options: ParallelParseOptions,
): AsyncGenerator<ParsedBatch> {
  const { log } = options;
  const hooks = options.hooks ?? {};
  const count = Math.max(1, Math.min(options.threads ?? defaultParserThreads(), files.length));
  const data: ParseWorkerData = { strict: log.strict, window: options.window ?? null };
  const workers = Array.from(
    { length: count },
    () => new Worker(new URL('./parse-worker.js', import.meta.url), { workerData: data }),
  );
  const queues: ParseWorkerOut[][] = files.map(() => []);
  let wake: (() => void) | null = null;
  let failure: unknown = null;
  let finished = false;
  for (const w of workers) {
    w.on('message', (m: ParseWorkerOut) => {
      queues[m.index]!.push(m);
      wake?.();
    });
    w.on('error', (err) => {
      failure ??= err;
      wake?.();
    });
    // A thread that stops without an error event (killed, or exiting on its own) must not leave
    // the consumer waiting for its files forever.
    w.on('exit', (code) => {
      if (!finished) failure ??= new Error(`a trace parser thread stopped (exit code ${code})`);
      wake?.();
    });
  }
  const sizes = hooks.onProgress !== undefined ? files.map(fileSize) : [];
  const bytesTotal = sizes.reduce((a, b) => a + b, 0);
  let bytesBefore = 0;
  try {
    files.forEach((file, index) => {
      const m: ParseWorkerIn = { type: 'file', index, file };
      workers[index % count]!.postMessage(m);
    });
    for (let index = 0; index < files.length; index++) {
      const file = files[index]!;
      const owner = workers[index % count]!;
      const queue = queues[index]!;
      hooks.onFile?.(file, index);
      for (;;) {
        while (queue.length === 0) {
          if (failure !== null) throw failure;
          await new Promise<void>((resolve) => (wake = resolve));
          wake = null;
        }
        const m = queue.shift()!;
        if (m.type === 'batch') {
          const batch = new EventBatch(m.buffer);
          batch.n = m.n;
          hooks.onProgress?.({
            file,
            fileIndex: index,
            fileCount: files.length,
            bytesRead: bytesBefore + m.bytesRead,
            bytesTotal,
          });
          yield { batch, fileIndex: index };
          const ack: ParseWorkerIn = { type: 'ack', buffer: m.buffer };
          owner.postMessage(ack, [m.buffer]);
        } else if (m.type === 'end') {
          log.absorb(m.issues);
          options.onRows?.(m.rows);
          if (m.figures !== null) options.onRowFigures?.(m.figures);
          hooks.onFileEnd?.(file, index, m.lines);
          break;
        } else {
          throw m.input ? new TraceInputError(m.message, m.issue) : new Error(`${file}: ${m.message}`);
        }
      }
      bytesBefore += sizes[index] ?? 0;
    }
  } finally {
    finished = true;
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** One parser thread per core but one (the consumer's), at least one. */
export function defaultParserThreads(): number {
  return Math.max(1, availableParallelism() - 1);
}
