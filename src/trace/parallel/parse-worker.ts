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
import { TraceInputError } from '../issues.js';
import { EventBatch } from '../borg/event-batch.js';
import { fileBatches } from './file-batches.js';
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
  try {
    for await (const ev of fileBatches(file, {
      strict,
      window,
      emptyBatch: () => new EventBatch(spare.pop()),
    })) {
      if (ev.type === 'end') {
        post({ ...ev, index });
        break;
      }
      const { batch } = ev;
      post({ type: 'batch', index, buffer: batch.buffer, n: batch.n, bytesRead: ev.bytesRead }, [
        batch.buffer,
      ]);
      inFlight++;
      // Bounded run-ahead: a file read long before its turn waits here, holding a few batches.
      while (inFlight >= MAX_BATCHES_IN_FLIGHT) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
    }
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
