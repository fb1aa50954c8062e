/**
 * The pairing thread of `borgTaskStream`: reads the task_events files (through `parseInParallel`,
 * whose parser threads inflate and scan them), pairs their rows into placements (`BorgPairing`) and
 * sends the records to the stream in batches, so that the simulation's thread does nothing but
 * simulate. It runs ahead of the stream by at most `MAX_BATCHES_IN_FLIGHT` batches.
 *
 * Messages in: `{ type: 'ack', buffer }` (a consumed batch back, to be refilled).
 * Messages out: `{ type: 'records', buffer, n }` (buffer transferred; the last batch ends with an
 * INPUT_END record), `{ type: 'error', message, input, issue }` when the input cannot be read.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { IssueLog, TraceInputError, parseInParallel, resolveSources } from '../../trace/index.js';
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

/** Malformed rows counted so far (every reason). */
function malformed(log: IssueLog): number {
  let n = 0;
  for (const e of Object.values(log.summary())) n += e.count;
  return n;
}

async function run(): Promise<void> {
  try {
    const log = new IssueLog({ strict: false });
    let counted = 0;
    const batches = parseInParallel(resolveSources(options.files, 'task_events'), {
      log,
      // Called as each file's end is reached, after its last row: the file's rows and bad rows.
      onRows: (rows) => {
        const total = malformed(log);
        pairing.fileEnd(rows, total - counted);
        counted = total;
      },
    });
    for await (const { batch } of batches) {
      pairing.rows(batch);
      await send();
    }
    pairing.end();
    await send();
  } catch (err) {
    post({
      type: 'error',
      message: err instanceof Error ? err.message : String(err),
      input: err instanceof TraceInputError,
      issue: err instanceof TraceInputError ? err.issue : undefined,
    });
  }
}

void run();
