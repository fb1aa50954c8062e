/**
 * A worker thread that misbehaves on request, for the tests of thread supervision (`WatchedWorker`).
 * `workerData.mode`:
 * - `echo`: sends back every message it gets;
 * - `send-then-exit`: sends `workerData.sends` messages, then exits with code 3;
 * - `throw`: throws an uncaught error (the parent gets an 'error' event);
 * - `exit`: exits with code 7 at once.
 */
import { parentPort, workerData } from 'node:worker_threads';

export interface ScriptedWorkerData {
  readonly mode: 'echo' | 'send-then-exit' | 'throw' | 'exit';
  readonly sends?: number;
}

const port = parentPort;
if (port === null) throw new Error('scripted-worker must run as a worker thread');
const data = workerData as ScriptedWorkerData;

switch (data.mode) {
  case 'echo':
    port.on('message', (m: unknown) => port.postMessage(m));
    break;
  case 'send-then-exit':
    for (let i = 0; i < (data.sends ?? 1); i++) port.postMessage(i);
    // Exit once the messages are on their way (process.exit in a worker ends only the thread).
    setImmediate(() => process.exit(3));
    break;
  case 'throw':
    setImmediate(() => {
      throw new Error('scripted failure');
    });
    break;
  case 'exit':
    process.exit(7);
}
