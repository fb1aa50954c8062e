/**
 * The reading thread of `borgTaskStream`: reads the task_events files in turn (inflating, scanning and
 * decoding them as a parser thread does, `fileBatches`), pairs their rows into placements
 * (`BorgPairing`) and sends the records to the stream in batches, so that the simulation's thread
 * does nothing but simulate. Reading and pairing take less than half the simulation's time, so one
 * thread does both: a separate parser thread cost a start-up and a hand-over per batch, and on a
 * two-core machine one more thread competing with the simulation's. It runs ahead of the stream by
 * at most `MAX_BATCHES_IN_FLIGHT` batches.
 *
 * Messages in: `{ type: 'ack', buffer }` (a consumed batch back, to be refilled).
 * Messages out: `{ type: 'records', buffer, n }` (buffer transferred; the last batch ends with an
 * INPUT_END record), `{ type: 'error', message, input, issue }` when the input cannot be read.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { EventBatch, TraceInputError, resolveSources } from '../../trace/index.js';
import { fileBatches } from '../../trace/parallel/file-batches.js';
import { BorgPairing, RecordWriter } from './borg-pairing.js';
import { MAX_BATCHES_IN_FLIGHT } from './paired-records.js';
import type { PairingIn, PairingOptions, PairingOut } from './paired-records.js';

const port = parentPort;
if (port === null) throw new Error('borg-pairing-worker must run as a worker thread');
const options = workerData as PairingOptions;
const out = new RecordWriter();
const pairing = new BorgPairing(options, out);
let inFlight = 0;
let wake: (() => void) | null = null;

port.on('message', (m: PairingIn) => {
  out.spare.push(m.buffer);
  inFlight--;
  wake?.();
});

function post(m: PairingOut, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(m, transfer);
}

/** Sends the full batches, then waits while the stream holds too many. */
async function send(): Promise<void> {
  for (let b = out.ready.shift(); b !== undefined; b = out.ready.shift()) {
    post({ type: 'records', buffer: b.buffer, n: b.n }, [b.buffer]);
    inFlight++;
  }
  while (inFlight >= MAX_BATCHES_IN_FLIGHT) {
    await new Promise<void>((resolve) => (wake = resolve));
    wake = null;
  }
}

/** Column batches the pairing has read, to be refilled. */
const spareBatches: ArrayBuffer[] = [];

async function readFile(file: string): Promise<void> {
  try {
    for await (const ev of fileBatches(file, {
      strict: false,
      window: null,
      emptyBatch: () => new EventBatch(spareBatches.pop()),
    })) {
      if (ev.type === 'end') {
        pairing.fileEnd(ev.rows, ev.issues);
        return;
      }
      pairing.rows(ev.batch, file);
      spareBatches.push(ev.batch.buffer);
      await send();
    }
  } catch (err) {
    // As `parseInParallel` reports them: bad input as is, anything else named after its file.
    if (err instanceof TraceInputError) throw err;
    throw new Error(`${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function run(): Promise<void> {
  try {
    for (const file of resolveSources(options.files, 'task_events')) await readFile(file);
    pairing.end();
    await send();
  } catch (err) {
    const gate = pairing.failureGate;
    if (gate !== null) {
      // A failure at a row: the records before it go first (the stream delivers them), without
      // waiting for the stream to hand batches back (it may not need them before it fails).
      out.flush();
      for (let b = out.ready.shift(); b !== undefined; b = out.ready.shift())
        post({ type: 'records', buffer: b.buffer, n: b.n }, [b.buffer]);
    }
    post({
      type: 'error',
      message: err instanceof Error ? err.message : String(err),
      input: err instanceof TraceInputError,
      issue: err instanceof TraceInputError ? err.issue : undefined,
      ...(gate === null ? {} : { gate }),
    });
  }
}

void run();
