import { Worker } from 'node:worker_threads';
import {
  ID_STRING,
  MAX_POD_BATCHES_IN_FLIGHT,
  POD_BATCH,
  POD_RECORD_STRIDE,
  P_ID_A,
  P_ID_KIND,
} from './pod-record.js';
import type { PodCsvIn, PodCsvOut, PodCsvWriterInit } from './pod-record.js';

/**
 * Writes a run's `pods.csv` on a thread of its own (`pod-csv-worker.ts`). The simulation fills one
 * record of numbers per pod (`pod-record.ts`) in a batch, and batches cross to the thread
 * transferred, in order; the thread builds the rows and their CSV lines. On a long replay, building
 * 757,000 rows with their ids, formatting and writing them took about a sixth of the simulation's
 * thread, and a machine with two cores has the other one half idle. The file's bytes are those of
 * `PodCsvWriter` on the same rows.
 *
 * Use: `at = next()`, write the fields at `records[at + P_*]` (or `idString(at, id)`), `done()`.
 * When `mustWait` is true, `await wait()` before the next pods: the thread is that many batches
 * behind. `close()` writes what is left and resolves once the file is closed; it rejects with the
 * thread's error (naming the file) if writing failed.
 */
export class PodCsvThread {
  /** The batch being filled. */
  records = new Float64Array(POD_BATCH * POD_RECORD_STRIDE);
  private n = 0;
  private ids: string[] = [];
  private readonly spare: ArrayBuffer[] = [];
  private inFlight = 0;
  private readonly worker: Worker;
  private failure: Error | null = null;
  private closed = false;
  private stopping = false;
  private wake: (() => void) | null = null;

  constructor(init: PodCsvWriterInit) {
    // Only what the writer needs crosses (a caller's object may hold more).
    const data: PodCsvWriterInit = { path: init.path, nodeNames: init.nodeNames, policy: init.policy };
    this.worker = new Worker(new URL('./pod-csv-worker.js', import.meta.url), { workerData: data });
    this.worker.on('message', (m: PodCsvOut) => {
      if (m.type === 'ack') {
        this.spare.push(m.buffer);
        this.inFlight--;
      } else if (m.type === 'closed') this.closed = true;
      else this.failure ??= new Error(m.message);
      this.wake?.();
    });
    this.worker.on('error', (err) => {
      this.failure ??= err;
      this.wake?.();
    });
    this.worker.on('exit', (code) => {
      if (!this.stopping) this.failure ??= new Error(`the pods CSV thread stopped (exit code ${code})`);
      this.wake?.();
    });
  }

  /** Offset in `records` of the next pod's record. */
  next(): number {
    return this.n * POD_RECORD_STRIDE;
  }

  /** Sets the record's job id to a string (when the job has no whole-number parts). */
  idString(at: number, id: string): void {
    this.records[at + P_ID_KIND] = ID_STRING;
    this.records[at + P_ID_A] = this.ids.length;
    this.ids.push(id);
  }

  /** The record at `next()` is complete. */
  done(): void {
    if (++this.n === POD_BATCH) this.send();
  }

  /** True when the thread has `MAX_POD_BATCHES_IN_FLIGHT` batches to write: `wait()` first. */
  get mustWait(): boolean {
    return this.inFlight >= MAX_POD_BATCHES_IN_FLIGHT || this.failure !== null;
  }

  /** Resolves once the thread is fewer batches behind; rejects if it failed. */
  async wait(): Promise<void> {
    while (this.inFlight >= MAX_POD_BATCHES_IN_FLIGHT && this.failure === null) await this.sleep();
    if (this.failure !== null) throw this.failure;
  }

  /** Hands over the rest, then resolves once every row is written and the file closed. */
  async close(): Promise<void> {
    try {
      if (this.n > 0) this.send();
      this.post({ type: 'close' });
      while (!this.closed && this.failure === null) await this.sleep();
      if (this.failure !== null) throw this.failure;
    } finally {
      await this.stop();
    }
  }

  /** Stops the thread without waiting for its rows (the run failed). */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    await this.worker.terminate();
  }

  private send(): void {
    const buffer = this.records.buffer as ArrayBuffer;
    this.post({ type: 'pods', buffer, n: this.n, ids: this.ids }, [buffer]);
    this.inFlight++;
    // Past the limit (pods ended outside the event loop, e.g. at the horizon) a new batch is made.
    const spare = this.spare.pop();
    this.records =
      spare === undefined ? new Float64Array(POD_BATCH * POD_RECORD_STRIDE) : new Float64Array(spare);
    this.n = 0;
    this.ids = [];
  }

  private post(m: PodCsvIn, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(m, transfer);
  }

  private async sleep(): Promise<void> {
    await new Promise<void>((resolve) => (this.wake = resolve));
    this.wake = null;
  }
}
