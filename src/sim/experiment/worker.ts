/**
 * Worker-thread entry of the experiment pool: runs the `RunSpec`s it is sent, one at a time, and
 * answers with the result or the error. Workloads and clusters stay cached between runs.
 */
import { parentPort } from 'node:worker_threads';
import { executeRun } from './run.js';
import type { RunSpec } from './run.js';
import { primeWorkload } from '../workload/source.js';
import type { LoadedWorkload } from '../workload/source.js';

if (parentPort === null) throw new Error('worker.js must run in a worker thread');
const port = parentPort;
port.on('message', (message: RunSpec | { prime: readonly { key: string; workload: LoadedWorkload }[] }) => {
  if ('prime' in message) {
    for (const { key, workload } of message.prime) primeWorkload(key, workload);
    return;
  }
  const spec = message;
  // Progress is best effort and never waits: a lost message only leaves a display behind.
  executeRun(spec, (progress) => port.postMessage({ index: spec.index, progress })).then(
    (result) => port.postMessage({ index: spec.index, result }),
    (err: unknown) =>
      port.postMessage({
        index: spec.index,
        error: {
          name: err instanceof Error ? err.name : 'Error',
          message: err instanceof Error ? err.message : String(err),
        },
      }),
  );
});
