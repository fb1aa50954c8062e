/**
 * A list+watch informer that keeps going: client-node 1.4's ListWatch relists on 410 Gone and
 * re-watches after a clean close, but stops for good on any other error (a reset connection, a 500,
 * a failed list). This wraps it and restarts after such errors with exponential back-off (1 s doubling
 * to 30 s, reset once the informer has run a minute without error). A restart resumes the watch from
 * the last resourceVersion, so nothing is missed; a relist re-delivers every object, so handlers must
 * be idempotent.
 */
import { ListWatch, Watch } from '@kubernetes/client-node';
import type { KubeConfig, KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import { type Logger, errorText } from './log.js';

export interface InformerHandlers<T> {
  add?(obj: T): void;
  update?(obj: T): void;
  delete?(obj: T): void;
}

export interface InformerOptions<T extends KubernetesObject> {
  readonly kc: KubeConfig;
  /** Watch path, e.g. `/api/v1/pods`. */
  readonly path: string;
  /** The list call with the same selectors as the watch. */
  readonly list: () => Promise<KubernetesListObject<T>>;
  readonly fieldSelector?: string;
  readonly labelSelector?: string;
  /** For log lines, e.g. `pods`. */
  readonly name: string;
  readonly log: Logger;
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly now?: () => number;
}

export class Informer<T extends KubernetesObject> {
  private readonly lw: ListWatch<T>;
  private stopped = true;
  private delayMs: number;
  private lastErrorAt = -Infinity;
  private timer: NodeJS.Timeout | undefined;
  private syncedOnce = false;
  private readonly syncWaiters: (() => void)[] = [];
  /** Restarts after errors so far (exported as a metric by the caller). */
  restarts = 0;

  constructor(private readonly opts: InformerOptions<T>) {
    this.delayMs = opts.initialBackoffMs ?? 1000;
    this.lw = new ListWatch<T>(
      opts.path,
      new Watch(opts.kc),
      opts.list,
      false,
      opts.labelSelector,
      opts.fieldSelector,
    );
    this.lw.on('error', (err: unknown) => this.onError(err));
  }

  on(h: InformerHandlers<T>): void {
    const guard = (fn: (obj: T) => void) => (obj: T) => {
      try {
        fn(obj);
      } catch (err) {
        // A handler bug must not kill the informer (client-node would stop watching).
        this.opts.log('error', 'informer handler failed', {
          informer: this.opts.name,
          error: errorText(err),
        });
      }
    };
    if (h.add !== undefined) this.lw.on('add', guard(h.add));
    if (h.update !== undefined) this.lw.on('update', guard(h.update));
    if (h.delete !== undefined) this.lw.on('delete', guard(h.delete));
  }

  /** Starts listing and watching; resolves once the first list has been delivered. */
  async start(): Promise<void> {
    this.stopped = false;
    const synced = new Promise<void>((ok) => this.syncWaiters.push(ok));
    await this.run();
    await synced;
  }

  private async run(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.lw.start();
    } catch (err) {
      this.onError(err);
      return;
    }
    if (this.lw.latestResourceVersion() !== '' && !this.syncedOnce) {
      this.syncedOnce = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
  }

  private onError(err: unknown): void {
    if (this.stopped || this.timer !== undefined) return;
    const now = (this.opts.now ?? Date.now)();
    const initial = this.opts.initialBackoffMs ?? 1000;
    if (now - this.lastErrorAt > 60_000) this.delayMs = initial;
    this.lastErrorAt = now;
    const delay = this.delayMs;
    this.delayMs = Math.min(this.delayMs * 2, this.opts.maxBackoffMs ?? 30_000);
    this.restarts++;
    this.opts.log('warn', 'informer failed, restarting', {
      informer: this.opts.name,
      error: errorText(err),
      retryInMs: delay,
      resourceVersion: this.lw.latestResourceVersion(),
    });
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, delay);
    this.timer.unref?.();
  }

  get synced(): boolean {
    return this.syncedOnce;
  }

  /** Objects as last seen. */
  list(): readonly T[] {
    return this.lw.list();
  }

  get(name: string, namespace?: string): T | undefined {
    return this.lw.get(name, namespace);
  }

  latestResourceVersion(): string {
    return this.lw.latestResourceVersion();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.lw.stop();
  }
}
