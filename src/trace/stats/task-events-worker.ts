/**
 * Worker thread of `trace stats` over large task_events inputs: the main thread scans and validates
 * rows and sends them here in column batches; this thread pairs placements and counts (the
 * `TaskEventsAccumulator`), so the two halves of the work run on the machine's two cores.
 *
 * Messages in: `{ type: 'batch', buffer, n }` (buffer transferred), `{ type: 'finish' }`.
 * Messages out: `{ type: 'ack', buffer }` (the buffer back, to be refilled), `{ type: 'done', figures }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { emptyTaskEvent } from '../borg/task-events.js';
import { EventBatch } from './event-batch.js';
import { TaskEventsAccumulator } from './task-events-figures.js';

type Message = { type: 'batch'; buffer: ArrayBuffer; n: number } | { type: 'finish' };

const port = parentPort;
if (port === null) throw new Error('task-events-worker must run as a worker thread');
const { fromUs, toUs } = workerData as { fromUs: number; toUs: number };
const acc = new TaskEventsAccumulator(fromUs, toUs);
const e = emptyTaskEvent();

port.on('message', (m: Message) => {
  if (m.type === 'batch') {
    const batch = new EventBatch(m.buffer);
    for (let i = 0; i < m.n; i++) {
      batch.read(i, e);
      acc.add(e);
    }
    port.postMessage({ type: 'ack', buffer: m.buffer }, [m.buffer]);
  } else {
    port.postMessage({ type: 'done', figures: acc.finish() });
  }
});
