/**
 * The replay loop: creates each item's pod when its arrival time comes (trace time divided by the
 * compression factor, from a fixed wall-clock origin), through a token bucket and with a bounded
 * number of requests in flight. Items already in the state file are skipped; a 409 AlreadyExists
 * means an earlier attempt created the pod, which counts as done. Transient failures (5xx, 429,
 * connection errors) are retried with back-off; other refusals stop the replay with the pod named.
 */
import { RestError } from '../client/rest.js';
import type { ReplayApi } from './api.js';
import type { Clock } from './clock.js';
import { podManifest } from './manifest.js';
import type { ManifestOptions } from './manifest.js';
import { ANNOTATIONS } from './names.js';
import type { ReplayItem } from './plan.js';
import type { TokenBucket } from './rate-limit.js';
import type { StateRecorder } from './state.js';

export interface ReplayProgress {
  readonly done: number;
  readonly total: number;
  /** Trace seconds of the item just handled. */
  readonly traceSeconds: number;
  /** How late (ms) the last create was sent after its due time. */
  readonly lagMs: number;
}

export interface ReplayRunOptions {
  readonly items: readonly ReplayItem[];
  /** With `originMs` set: the run's fixed time origin. */
  readonly manifest: ManifestOptions & { readonly originMs: number };
  readonly api: Pick<ReplayApi, 'createPod'>;
  readonly state: StateRecorder;
  readonly clock: Clock;
  readonly limiter: TokenBucket;
  /** Creates in flight at once (default 8). */
  readonly concurrency?: number;
  /** Retries of a transient failure before giving up (default 5). */
  readonly retries?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: ReplayProgress) => void;
}

export interface ReplayOutcome {
  /** Pods this invocation created. */
  readonly created: number;
  /** Pods that already existed (409): created by an earlier, interrupted attempt. */
  readonly existed: number;
  /** Items skipped because the state file already had them. */
  readonly resumed: number;
  /** Creates sent more than one second after their due time, and the largest lag (ms). */
  readonly late: number;
  readonly maxLagMs: number;
  readonly aborted: boolean;
}

export class ReplayError extends Error {
  constructor(
    message: string,
    readonly pod: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'ReplayError';
  }
}

function transient(err: unknown): boolean {
  if (err instanceof RestError) return err.code >= 500 || err.code === 429;
  return true; // connection refused, reset, timeout
}

export async function runReplay(o: ReplayRunOptions): Promise<ReplayOutcome> {
  const items = [...o.items].sort((a, b) => a.submit - b.submit);
  const concurrency = o.concurrency ?? 8;
  const retries = o.retries ?? 5;
  const { clock, state, signal } = o;
  const compression = o.manifest.compression;
  let created = 0;
  let existed = 0;
  let resumed = 0;
  let late = 0;
  let maxLagMs = 0;
  let done = 0;
  let failure: unknown;
  const inFlight = new Set<Promise<void>>();

  const createOne = async (item: ReplayItem, lagMs: number): Promise<void> => {
    const body = podManifest(item, o.manifest);
    const meta = body['metadata'] as { annotations: Record<string, string> };
    for (let attempt = 0; ; attempt++) {
      meta.annotations[ANNOTATIONS.createdAt] = String(clock.now());
      try {
        const r = await o.api.createPod(o.manifest.namespace, body);
        if (r === 'created') created++;
        else existed++;
        state.add(item.name, clock.now());
        done++;
        o.onProgress?.({ done, total: items.length, traceSeconds: item.submit, lagMs });
        return;
      } catch (err) {
        if (!transient(err) || attempt >= retries) {
          const status = err instanceof RestError ? err.code : null;
          const why = err instanceof Error ? err.message : String(err);
          throw new ReplayError(
            `creating pod ${item.name} (record ${item.recordId}) failed: ${why}`,
            item.name,
            status,
          );
        }
        await clock.sleep(Math.min(10_000, 200 * 2 ** attempt), signal);
      }
    }
  };

  try {
    for (const item of items) {
      if (failure !== undefined || signal?.aborted === true) break;
      if (state.has(item.name)) {
        resumed++;
        done++;
        continue;
      }
      const due = o.manifest.originMs + (item.submit / compression) * 1000;
      // Timers may fire a fraction of a millisecond early: never send before the due time.
      for (let wait = due - clock.now(); wait > 0; wait = due - clock.now())
        await clock.sleep(Math.ceil(wait), signal);
      await o.limiter.take(signal);
      while (inFlight.size >= concurrency) await Promise.race(inFlight);
      if (failure !== undefined) break;
      const lagMs = Math.max(0, clock.now() - due);
      if (lagMs > 1000) late++;
      maxLagMs = Math.max(maxLagMs, lagMs);
      const p: Promise<void> = createOne(item, lagMs)
        .catch((err: unknown) => {
          failure ??= err;
        })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
  } catch (err) {
    // An abort while waiting: stop launching, let what is in flight finish.
    if (signal?.aborted !== true) throw err;
  }
  await Promise.all(inFlight);
  const aborted = signal?.aborted === true && failure === undefined && done < items.length;
  state.flush(clock.now(), failure === undefined && done === items.length);
  if (failure !== undefined) throw failure;
  return { created, existed, resumed, late, maxLagMs, aborted };
}
