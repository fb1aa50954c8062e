/**
 * Leader election on a coordination.k8s.io/v1 Lease, after client-go's leaderelection package:
 * acquire by creating or taking over an expired lease, renew every retry period, give up leadership
 * when renewals have failed for the renew deadline. Expiry of someone else's lease is judged on the
 * local clock since the lease record was last seen to change (tolerant of clock skew), and every
 * write carries the read resourceVersion (a racing writer gets 409). Like client-go, this does not
 * fence: `isLeader()` turns false as soon as the renew deadline has passed without a renewal, so the
 * scheduler stops binding at once even before the election loop notices.
 */
import { ApiException, CoordinationV1Api, V1MicroTime } from '@kubernetes/client-node';
import type { KubeConfig, V1Lease } from '@kubernetes/client-node';
import { type Logger, errorText, httpStatusOf } from '../client/log.js';

export interface LeaseRecord {
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number;
  readonly acquireTime: string;
  readonly renewTime: string;
  readonly leaseTransitions: number;
}

/** The three calls leader election needs; errors carry the HTTP status (ApiException.code). */
export interface LeaseClient {
  get(): Promise<{ record: LeaseRecord; resourceVersion: string } | undefined>;
  create(record: LeaseRecord): Promise<void>;
  replace(record: LeaseRecord, resourceVersion: string): Promise<void>;
}

export function microTime(ms: number): string {
  return new V1MicroTime(ms).toISOString();
}

export function leaseClient(kc: KubeConfig, namespace: string, name: string): LeaseClient {
  const api = kc.makeApiClient(CoordinationV1Api);
  const body = (r: LeaseRecord, resourceVersion?: string): V1Lease => ({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace, ...(resourceVersion === undefined ? {} : { resourceVersion }) },
    spec: {
      holderIdentity: r.holderIdentity,
      leaseDurationSeconds: r.leaseDurationSeconds,
      // V1MicroTime: the API server refuses a Date's 3-digit fraction (client-node passes it through).
      acquireTime: new V1MicroTime(r.acquireTime),
      renewTime: new V1MicroTime(r.renewTime),
      leaseTransitions: r.leaseTransitions,
    },
  });
  const str = (v: unknown): string => (v instanceof Date ? v.toISOString() : typeof v === 'string' ? v : '');
  return {
    async get() {
      try {
        const l = await api.readNamespacedLease({ name, namespace });
        return {
          resourceVersion: l.metadata?.resourceVersion ?? '',
          record: {
            holderIdentity: l.spec?.holderIdentity ?? '',
            leaseDurationSeconds: l.spec?.leaseDurationSeconds ?? 0,
            acquireTime: str(l.spec?.acquireTime),
            renewTime: str(l.spec?.renewTime),
            leaseTransitions: l.spec?.leaseTransitions ?? 0,
          },
        };
      } catch (err) {
        if (err instanceof ApiException && err.code === 404) return undefined;
        throw err;
      }
    },
    async create(r) {
      await api.createNamespacedLease({ namespace, body: body(r) });
    },
    async replace(r, rv) {
      await api.replaceNamespacedLease({ name, namespace, body: body(r, rv) });
    },
  };
}

export interface LeaderElectorOptions {
  readonly client: LeaseClient;
  readonly identity: string;
  readonly leaseDurationMs?: number;
  readonly renewDeadlineMs?: number;
  readonly retryPeriodMs?: number;
  readonly onStartedLeading: () => void;
  readonly onStoppedLeading: () => void;
  readonly log: Logger;
  readonly now?: () => number;
}

const JITTER = 1.2;

export class LeaderElector {
  private readonly leaseMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryMs: number;
  private readonly now: () => number;
  private observed: string | undefined;
  private observedAt = 0;
  private leading = false;
  private lastRenew = -Infinity;
  private stopped = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  /** Times this replica became leader. */
  transitions = 0;

  constructor(private readonly opts: LeaderElectorOptions) {
    this.leaseMs = opts.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    this.retryMs = opts.retryPeriodMs ?? 2_000;
    this.now = opts.now ?? Date.now;
    if (!(
      this.leaseMs > this.renewDeadlineMs &&
      this.renewDeadlineMs > JITTER * this.retryMs &&
      this.retryMs > 0
    ))
      throw new RangeError('leader election needs lease duration > renew deadline > 1.2 x retry period > 0');
  }

  /** True while leading and the last renewal is within the renew deadline. */
  isLeader(): boolean {
    return this.leading && this.now() - this.lastRenew < this.renewDeadlineMs;
  }

  /** Milliseconds since the last successful renewal (for the health check), or undefined if not leading. */
  sinceRenew(): number | undefined {
    return this.leading ? this.now() - this.lastRenew : undefined;
  }

  start(): void {
    this.stopped = false;
    this.loop ??= this.run();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((ok) => {
      const t = setTimeout(() => {
        this.wake = undefined;
        ok();
      }, ms);
      t.unref?.();
      this.wake = () => {
        clearTimeout(t);
        this.wake = undefined;
        ok();
      };
    });
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      // Acquire.
      while (!this.stopped && !(await this.tryAcquireOrRenew()))
        await this.sleep(this.retryMs * (1 + Math.random() * (JITTER - 1)));
      if (this.stopped) break;
      this.leading = true;
      this.transitions++;
      this.opts.log('info', 'became leader', { identity: this.opts.identity });
      this.opts.onStartedLeading();
      // Renew until a renewal has not succeeded within the deadline.
      while (!this.stopped) {
        await this.sleep(this.retryMs);
        if (this.stopped) break;
        const deadline = this.lastRenew + this.renewDeadlineMs;
        let renewed = false;
        while (!this.stopped && this.now() < deadline) {
          if (await this.tryAcquireOrRenew()) {
            renewed = true;
            break;
          }
          if (!this.leading) break;
          await this.sleep(Math.min(this.retryMs, Math.max(0, deadline - this.now())));
        }
        if (!renewed && !this.stopped) {
          this.opts.log('warn', 'lost leadership: lease not renewed within the renew deadline', {
            identity: this.opts.identity,
            renewDeadlineMs: this.renewDeadlineMs,
          });
          this.leading = false;
          this.opts.onStoppedLeading();
          break;
        }
      }
    }
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.now();
    const me = this.opts.identity;
    const fresh: LeaseRecord = {
      holderIdentity: me,
      leaseDurationSeconds: Math.max(1, Math.ceil(this.leaseMs / 1000)),
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaseTransitions: 0,
    };
    try {
      const current = await this.opts.client.get();
      if (current === undefined) {
        await this.opts.client.create(fresh);
        this.observe(JSON.stringify(fresh), now);
        this.lastRenew = now;
        return true;
      }
      const rec = current.record;
      const text = JSON.stringify(rec);
      if (text !== this.observed) this.observe(text, now);
      const heldByOther = rec.holderIdentity !== '' && rec.holderIdentity !== me;
      if (heldByOther && this.observedAt + rec.leaseDurationSeconds * 1000 > now) {
        if (this.leading) {
          // Someone else holds it: our leadership is over now, not at the deadline.
          this.lastRenew = -Infinity;
        }
        return false;
      }
      const next: LeaseRecord =
        rec.holderIdentity === me
          ? {
              ...fresh,
              acquireTime: rec.acquireTime || fresh.acquireTime,
              leaseTransitions: rec.leaseTransitions,
            }
          : { ...fresh, leaseTransitions: rec.leaseTransitions + 1 };
      await this.opts.client.replace(next, current.resourceVersion);
      this.observe(JSON.stringify(next), now);
      this.lastRenew = now;
      return true;
    } catch (err) {
      const status = httpStatusOf(err);
      this.opts.log(status === 409 ? 'debug' : 'warn', 'lease acquire/renew failed', {
        identity: me,
        error: errorText(err),
      });
      return false;
    }
  }

  private observe(text: string, at: number): void {
    this.observed = text;
    this.observedAt = at;
  }

  /** Stops the election; when leading, releases the lease so that another replica takes over at once. */
  async stop(release = true): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
    if (this.leading && release) {
      this.leading = false;
      try {
        const cur = await this.opts.client.get();
        if (cur !== undefined && cur.record.holderIdentity === this.opts.identity) {
          const now = this.now();
          await this.opts.client.replace(
            {
              ...cur.record,
              holderIdentity: '',
              leaseDurationSeconds: 1,
              acquireTime: microTime(now),
              renewTime: microTime(now),
            },
            cur.resourceVersion,
          );
          this.opts.log('info', 'released the lease', { identity: this.opts.identity });
        }
      } catch (err) {
        this.opts.log('warn', 'could not release the lease', { error: errorText(err) });
      }
    }
    this.leading = false;
  }
}
