/**
 * Parser thread of `parseInParallel`: reads the task_events files it is given, one after the other
 * (inflating, scanning and validating every row), and sends the valid rows to the main thread in
 * column batches. Several of these run at once on different files; the main thread consumes the
 * files in order.
 *
 * Messages in: `{ type: 'file', index, file }` (queued, read in the order given), `{ type: 'ack',
 * buffer }` (a consumed batch back, to be refilled).
 * Messages out: `{ type: 'batch', index, buffer, n, bytesRead }` (buffer transferred),
 * `{ type: 'end', index, rows, lines, issues, figures }` when a file is done, `{ type: 'error', index,
 * message, issue, input }` when a file cannot be read (or, in strict mode, at its first bad row).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { decodeTaskEvent, emptyTaskEvent } from '../borg/task-events.js';
import { IssueLog, TraceInputError } from '../issues.js';
import { scanCsvFiles } from '../scan/scan-files.js';
import { EventBatch } from '../borg/event-batch.js';
import { RowFigures } from './row-figures.js';
import type { ParseWorkerData, ParseWorkerIn, ParseWorkerOut } from './parse-messages.js';
import { MAX_BATCHES_IN_FLIGHT } from './parse-messages.js';

const port = parentPort;
if (port === null) throw new Error('parse-worker must run as a worker thread');
const { strict, window } = workerData as ParseWorkerData;

const queue: { index: number; file: string }[] = [];
const spare: ArrayBuffer[] = [];
let inFlight = 0;
let wake: (() => void) | null = null;
let running = false;

function post(m: ParseWorkerOut, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(m, transfer);
}

port.on('message', (m: ParseWorkerIn) => {
  if (m.type === 'ack') {
    spare.push(m.buffer);
    inFlight--;
    wake?.();
    return;
  }
  queue.push(m);
  if (!running) void drain();
});

async function drain(): Promise<void> {
  running = true;
  for (let next = queue.shift(); next !== undefined; next = queue.shift())
    await parseFile(next.index, next.file);
  running = false;
}

async function parseFile(index: number, file: string): Promise<void> {
  const log = new IssueLog({ strict });
  const e = emptyTaskEvent();
  let batch = new EventBatch(spare.pop());
  let rows = 0;
  let lines = 0;
  let bytesRead = 0;
  const figures = window !== null ? new RowFigures(window.fromUs, window.toUs) : null;
  const send = (): void => {
    if (batch.n === 0) return;
    figures?.addBatch(batch);
    post({ type: 'batch', index, buffer: batch.buffer, n: batch.n, bytesRead }, [batch.buffer]);
    inFlight++;
    batch = new EventBatch(spare.pop());
  };
  try {
    for await (const _ of scanCsvFiles(
      [file],
      (row) => {
        rows++;
        if (!batch.tryPushRow(row)) {
          // An unusual row: the checked path reports it or decodes it.
          if (!decodeTaskEvent(row, log, e)) return;
          batch.push(e);
        }
        if (batch.full) send();
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
          if (batch.full) send();
        }
        return next;
      },
    )) {
      // Bounded run-ahead: a file read long before its turn waits here, holding a few batches.
      while (inFlight >= MAX_BATCHES_IN_FLIGHT) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
    }
    send();
    post({ type: 'end', index, rows, lines, issues: log.summary(), figures: figures?.export() ?? null });
  } catch (err) {
    post({
      type: 'error',
      index,
      message: err instanceof Error ? err.message : String(err),
      issue: err instanceof TraceInputError ? err.issue : undefined,
      input: err instanceof TraceInputError,
    });
  }
}
