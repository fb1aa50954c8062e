/**
 * The scheduling queue: pods waiting for a decision, highest priority first then oldest first (as
 * kube-scheduler's active queue), and pods backing off after a failed attempt: 1 s, doubling per
 * attempt up to 10 s (kube-scheduler's podInitialBackoffSeconds / podMaxBackoffSeconds). A key is in
 * the queue at most once; adding a key that is backing off does not cut its back-off short.
 */

export interface QueueOptions {
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

interface Entry {
  readonly key: string;
  readonly priority: number;
  readonly seq: number;
}

function before(a: Entry, b: Entry): boolean {
  return a.priority !== b.priority ? a.priority > b.priority : a.seq < b.seq;
}

export class SchedulingQueue {
  private heap: Entry[] = [];
  private readonly active = new Set<string>();
  private readonly backingOff = new Map<string, { timer: NodeJS.Timeout; priority: number }>();
  private readonly attempts = new Map<string, number>();
  /** When each queued key first entered the queue (for the end-to-end latency metric). */
  private readonly since = new Map<string, number>();
  private seq = 0;
  private waiter: ((key: string | undefined) => void) | undefined;
  private readonly initialMs: number;
  private readonly maxMs: number;

  constructor(opts: QueueOptions = {}) {
    this.initialMs = opts.initialBackoffMs ?? 1000;
    this.maxMs = opts.maxBackoffMs ?? 10_000;
  }

  /** Queues `key` unless it is already queued or backing off. */
  add(key: string, priority = 0, now = Date.now()): void {
    if (this.active.has(key) || this.backingOff.has(key)) return;
    if (!this.since.has(key)) this.since.set(key, now);
    this.push({ key, priority, seq: this.seq++ });
  }

  /** After a failed attempt: back off (1 s, 2 s, 4 s, ... 10 s), then queue again. Returns the delay. */
  backoff(key: string, priority = 0): number {
    this.removeActive(key);
    const old = this.backingOff.get(key);
    if (old !== undefined) clearTimeout(old.timer);
    const n = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, n);
    const delay = Math.min(this.initialMs * 2 ** (n - 1), this.maxMs);
    const timer = setTimeout(() => {
      this.backingOff.delete(key);
      this.push({ key, priority, seq: this.seq++ });
    }, delay);
    timer.unref?.();
    this.backingOff.set(key, { timer, priority });
    return delay;
  }

  /** Forgets a key entirely (pod bound, deleted, gated, or no longer ours). */
  delete(key: string): void {
    this.removeActive(key);
    const b = this.backingOff.get(key);
    if (b !== undefined) clearTimeout(b.timer);
    this.backingOff.delete(key);
    this.attempts.delete(key);
    this.since.delete(key);
  }

  /** When the key first entered the queue, and forgets it (call once the pod is placed). */
  takeSince(key: string): number | undefined {
    const t = this.since.get(key);
    this.attempts.delete(key);
    this.since.delete(key);
    return t;
  }

  attemptsOf(key: string): number {
    return this.attempts.get(key) ?? 0;
  }

  /** The next key, waiting for one if the queue is empty; undefined after `interrupt()`. */
  pop(): Promise<string | undefined> {
    const next = this.shift();
    if (next !== undefined) return Promise.resolve(next);
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  /** Wakes a waiting `pop()` with undefined (leadership lost, shutting down). */
  interrupt(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.(undefined);
  }

  /** Drops everything (a new leadership term starts from the informer's state). */
  clear(): void {
    for (const b of this.backingOff.values()) clearTimeout(b.timer);
    this.backingOff.clear();
    this.heap = [];
    this.active.clear();
    this.attempts.clear();
    this.since.clear();
  }

  get depth(): { active: number; backoff: number } {
    return { active: this.active.size, backoff: this.backingOff.size };
  }

  has(key: string): boolean {
    return this.active.has(key) || this.backingOff.has(key);
  }

  private push(e: Entry): void {
    if (this.waiter !== undefined) {
      const w = this.waiter;
      this.waiter = undefined;
      w(e.key);
      return;
    }
    this.active.add(e.key);
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  /** Pops the best entry still active (entries removed by `delete` are skipped lazily). */
  private shift(): string | undefined {
    const h = this.heap;
    while (h.length > 0) {
      const top = h[0]!;
      const last = h.pop()!;
      if (h.length > 0) {
        h[0] = last;
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          const r = l + 1;
          let m = i;
          if (l < h.length && before(h[l]!, h[m]!)) m = l;
          if (r < h.length && before(h[r]!, h[m]!)) m = r;
          if (m === i) break;
          [h[i], h[m]] = [h[m]!, h[i]!];
          i = m;
        }
      }
      if (this.active.delete(top.key)) return top.key;
    }
    return undefined;
  }

  private removeActive(key: string): void {
    // Lazy: the heap entry stays and is skipped by `shift`.
    this.active.delete(key);
  }
}
