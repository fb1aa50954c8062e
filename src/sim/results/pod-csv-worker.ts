/**
 * The thread of `PodCsvThread`: turns batches of pod records (`pod-record.ts`) into `pods.csv` lines,
 * in the order they come (`PodCsvEncoder`: the bytes `PodCsvWriter` writes for the same rows).
 *
 * Messages in: `{ type: 'pods', buffer, n, ids }` (buffer transferred), then `{ type: 'close' }`.
 * Messages out: `{ type: 'ack', buffer }` (a batch back, to be refilled), `{ type: 'closed' }` once
 * every row is written and the file closed, `{ type: 'error', message }` when the file cannot be
 * written (the thread then ignores what follows).
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { PodCsvEncoder } from './pod-csv-bytes.js';
import { POD_RECORD_STRIDE } from './pod-record.js';
import type { PodCsvIn, PodCsvOut, PodCsvWriterInit } from './pod-record.js';

/** Bytes gathered before a write (synchronous: the bytes do not depend on I/O timing). */
const WRITE_AT = 1 << 18;

const port = parentPort;
if (port === null) throw new Error('pod-csv-worker must run as a worker thread');
const init = workerData as PodCsvWriterInit;
const encoder = new PodCsvEncoder(init.nodeNames, init.policy);
let fd = -1;
let failed = false;

function post(m: PodCsvOut, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(m, transfer);
}

function fail(err: unknown): void {
  failed = true;
  post({ type: 'error', message: `${init.path}: ${err instanceof Error ? err.message : String(err)}` });
}

function flush(): void {
  const bytes = encoder.bytes();
  for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
  encoder.clear();
}

try {
  mkdirSync(dirname(init.path), { recursive: true });
  fd = openSync(init.path, 'w');
  encoder.header();
} catch (err) {
  fail(err);
}

port.on('message', (m: PodCsvIn) => {
  if (m.type === 'close') {
    if (!failed) {
      try {
        flush();
        closeSync(fd);
      } catch (err) {
        fail(err);
        return;
      }
    }
    post({ type: 'closed' });
    return;
  }
  if (!failed) {
    try {
      const r = new Float64Array(m.buffer);
      for (let i = 0; i < m.n; i++) {
        encoder.line(r, i * POD_RECORD_STRIDE, m.ids);
        if (encoder.length >= WRITE_AT) flush();
      }
    } catch (err) {
      fail(err);
    }
  }
  post({ type: 'ack', buffer: m.buffer }, [m.buffer]);
});
