/**
 * Fire-and-forget API writes (events, condition patches) with bounded concurrency: the scheduling
 * loop never waits for them. A write that fails with a server error or a broken connection is tried
 * once more; when too many are queued (an API server in trouble), new ones are dropped and counted
 * rather than piling up in memory.
 */
import { type Logger, errorText, httpStatusOf } from '../client/log.js';

export class BackgroundWriter {
  private running = 0;
  private readonly waiting: (() => Promise<void>)[] = [];
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly opts: {
      readonly concurrency: number;
      readonly maxQueued: number;
      readonly log: Logger;
      readonly onDrop: (kind: string) => void;
    },
  ) {}

  submit(kind: string, fields: Readonly<Record<string, unknown>>, write: () => Promise<void>): void {
    const task = async (): Promise<void> => {
      try {
        await write();
      } catch (first) {
        let err: unknown = first;
        const status = httpStatusOf(first);
        if (status === undefined || status >= 500) {
          await new Promise((ok) => setTimeout(ok, 250));
          try {
            await write();
            return;
          } catch (again) {
            err = again;
          }
        }
        this.opts.log('warn', `${kind} not written`, { ...fields, error: errorText(err) });
      }
    };
    if (this.running < this.opts.concurrency) this.run(task);
    else if (this.waiting.length < this.opts.maxQueued) this.waiting.push(task);
    else this.opts.onDrop(kind);
  }

  private run(task: () => Promise<void>): void {
    this.running++;
    void task().finally(() => {
      this.running--;
      const next = this.waiting.shift();
      if (next !== undefined) this.run(next);
      else if (this.running === 0) for (const w of this.idleWaiters.splice(0)) w();
    });
  }

  get pending(): number {
    return this.running + this.waiting.length;
  }

  /** Resolves when every queued write is done, or after `timeoutMs`. */
  drain(timeoutMs: number): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((ok) => {
      const t = setTimeout(ok, timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(t);
        ok();
      });
    });
  }
}
