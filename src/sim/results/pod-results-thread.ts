import {
  ID_STRING,
  MAX_POD_BATCHES_IN_FLIGHT,
  POD_BATCH,
  POD_RECORD_STRIDE,
  P_ID_A,
  P_ID_KIND,
} from './pod-record.js';
import type { PodResultsIn, PodResultsInit, PodResultsOut } from './pod-record.js';
import type { PodClassSummaries } from './pod-stats.js';
import { WatchedWorker } from '../run/watched-worker.js';

/**
 * The pods thread of a long run (`pod-results-worker.ts`): everything that happens to a pod once it
 * has ended. The simulation fills one record of numbers per pod (`pod-record.ts`) in a batch, and
 * batches cross to the thread transferred, in order; the thread counts the pods in the per-class
 * distributions and, given a path, writes the pods CSV. On a long replay, building 757,000 rows with
 * their ids, counting them and sorting the distributions took about a sixth of the simulation's
 * thread, and a machine with two cores has the other one half idle. Same distributions as the
 * run's recorder, and the CSV's bytes are those of `PodCsvWriter` on the same rows.
 *
 * Use: `at = next()`, write the fields at `records[at + P_*]` (or `idString(at, id)`), `done()`.
 * When `mustWait` is true, `await wait()` before the next pods: the thread is that many batches
 * behind. `close()` hands over what is left and resolves with the distributions once every row is
 * written and the file closed; it rejects with the thread's error (naming the file) if that failed.
 */
export class PodResultsThread {
  /** The batch being filled. */
  records = new Float64Array(POD_BATCH * POD_RECORD_STRIDE);
  private n = 0;
  private ids: string[] = [];
  private readonly spare: ArrayBuffer[] = [];
  private inFlight = 0;
  private readonly thread: WatchedWorker<PodResultsIn, PodResultsOut>;
  private classes: PodClassSummaries | null = null;

  constructor(init: PodResultsInit) {
    // Only what the thread needs crosses (a caller's object may hold more).
    const data: PodResultsInit = { csvPath: init.csvPath, nodeNames: init.nodeNames, policy: init.policy };
    this.thread = new WatchedWorker<PodResultsIn, PodResultsOut>(
      new URL('./pod-results-worker.js', import.meta.url),
      data,
      'the pods thread',
      (m) => {
        if (m.type === 'ack') {
          this.spare.push(m.buffer);
          this.inFlight--;
        } else if (m.type === 'closed') this.classes = m.classes;
        else this.thread.fail(new Error(m.message));
      },
    );
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
    return this.inFlight >= MAX_POD_BATCHES_IN_FLIGHT || this.thread.failure !== null;
  }

  /** Resolves once the thread is fewer batches behind; rejects if it failed. */
  async wait(): Promise<void> {
    await this.thread.until(() => this.inFlight < MAX_POD_BATCHES_IN_FLIGHT);
  }

  /** Hands over the rest; resolves once every row is written and the file closed, with the distributions. */
  async close(): Promise<PodClassSummaries> {
    try {
      if (this.n > 0) this.send();
      this.post({ type: 'close' });
      await this.thread.until(() => this.classes !== null);
      return this.classes!;
    } finally {
      await this.stop();
    }
  }

  /** Stops the thread without waiting for its rows (the run failed). */
  async stop(): Promise<void> {
    await this.thread.stop();
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

  private post(m: PodResultsIn, transfer: ArrayBuffer[] = []): void {
    this.thread.post(m, transfer);
  }
}
