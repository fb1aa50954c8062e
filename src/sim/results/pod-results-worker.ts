/**
 * The pods thread (`PodResultsThread`): takes batches of ended pods (`pod-record.ts`), in the order
 * they ended, counts the workload's pods in the per-class distributions (`PodStats`, as the run's
 * recorder would) and, when given a path, writes their `pods.csv` lines (`PodCsvEncoder`: the bytes
 * `PodCsvWriter` writes for the same rows).
 *
 * Messages in: `{ type: 'pods', buffer, n, ids }` (buffer transferred), then `{ type: 'close' }`.
 * Messages out: `{ type: 'ack', buffer }` (a batch back, to be refilled), `{ type: 'closed', classes }`
 * once every row is written and the file closed, with the distributions; `{ type: 'error', message }`
 * when the file cannot be written (the thread then ignores what follows).
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { PodCsvEncoder } from './pod-csv-bytes.js';
import { PodStats } from './pod-stats.js';
import {
  OUTCOMES,
  POD_RECORD_STRIDE,
  P_ATTACKER,
  P_END,
  P_OUTCOME,
  P_SGX,
  P_SLOWDOWN,
  P_START,
  P_SUBMIT,
} from './pod-record.js';
import type { PodResultsIn, PodResultsInit, PodResultsOut } from './pod-record.js';

/** Bytes gathered before a write (synchronous: the bytes do not depend on I/O timing). */
const WRITE_AT = 1 << 18;

const port = parentPort;
if (port === null) throw new Error('pod-results-worker must run as a worker thread');
const init = workerData as PodResultsInit;
// Sorting as values come: the run waits for this thread's summaries once its last pod has ended.
const stats = new PodStats(true);
const encoder = init.csvPath === null ? null : new PodCsvEncoder(init.nodeNames, init.policy);
let fd = -1;
let failed = false;

function post(m: PodResultsOut, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(m, transfer);
}

function fail(err: unknown): void {
  failed = true;
  const where = init.csvPath ?? 'pod results';
  post({ type: 'error', message: `${where}: ${err instanceof Error ? err.message : String(err)}` });
}

function flush(): void {
  const bytes = encoder!.bytes();
  for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
  encoder!.clear();
}

if (init.csvPath !== null) {
  try {
    mkdirSync(dirname(init.csvPath), { recursive: true });
    fd = openSync(init.csvPath, 'w');
    encoder!.header();
  } catch (err) {
    fail(err);
  }
}

function count(r: Float64Array, k: number): void {
  if (r[k + P_ATTACKER] === 1) return;
  stats.count(
    r[k + P_SGX] === 1,
    OUTCOMES[r[k + P_OUTCOME]!]!,
    r[k + P_SUBMIT]!,
    r[k + P_START]!,
    r[k + P_END]!,
    r[k + P_SLOWDOWN]!,
  );
}

port.on('message', (m: PodResultsIn) => {
  if (failed) {
    if (m.type === 'pods') post({ type: 'ack', buffer: m.buffer }, [m.buffer]);
    return;
  }
  try {
    if (m.type === 'close') {
      if (encoder !== null) {
        flush();
        closeSync(fd);
      }
      post({ type: 'closed', classes: stats.summaries() });
      return;
    }
    const r = new Float64Array(m.buffer);
    for (let i = 0; i < m.n; i++) {
      const k = i * POD_RECORD_STRIDE;
      count(r, k);
      if (encoder === null) continue;
      encoder.line(r, k, m.ids);
      if (encoder.length >= WRITE_AT) flush();
    }
  } catch (err) {
    fail(err);
  }
  if (m.type === 'pods') post({ type: 'ack', buffer: m.buffer }, [m.buffer]);
});
