import { Worker } from 'node:worker_threads';

/**
 * A helper thread of a run (the Borg stream's reading thread, the pods thread), watched so that the
 * run can never wait for it forever: an 'error' event, or an exit that `stop()` did not ask for,
 * becomes `failure` (the first one is kept), and every event wakes the caller waiting in `until`.
 * Messages go to `onMessage` first, so that `until` sees what they changed.
 */
export class WatchedWorker<In, Out> {
  /** What went wrong on the thread, or null. */
  failure: Error | null = null;
  private readonly worker: Worker;
  private stopping = false;
  private wake: (() => void) | null = null;

  /** `what` names the thread in the error of an unexpected exit ("the pods thread"). */
  constructor(url: URL, workerData: unknown, what: string, onMessage: (m: Out) => void) {
    this.worker = new Worker(url, { workerData });
    this.worker.on('message', (m: Out) => {
      onMessage(m);
      this.notify();
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => {
      if (!this.stopping) this.fail(new Error(`${what} stopped (exit code ${code})`));
      else this.notify();
    });
  }

  post(m: In, transfer: readonly ArrayBuffer[] = []): void {
    this.worker.postMessage(m, transfer);
  }

  /** Records a failure (the first one is kept) and wakes the waiting caller. */
  fail(err: Error): void {
    this.failure ??= err;
    this.notify();
  }

  /**
   * Resolves once `ready()` holds. Rejects with the failure if there is one first: with `readyFirst`,
   * what is ready is still taken after a failure (records that arrived before the thread failed).
   */
  async until(ready: () => boolean, readyFirst = false): Promise<void> {
    for (;;) {
      if (readyFirst && ready()) return;
      if (this.failure !== null) throw this.failure;
      if (!readyFirst && ready()) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }

  /** Stops the thread (idempotent): its exit is then no failure. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    await this.worker.terminate();
  }

  private notify(): void {
    this.wake?.();
  }
}
