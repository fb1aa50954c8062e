/**
 * Feeds measured usage into the cluster cache of the scheduler and of the extender: polls the source
 * every interval and sets each node's sample. A node whose sample is missing or older than the bound
 * is counted by requests alone (the core ignores stale samples through the profile's
 * `measuredMaxAge`); this logs when that starts and ends, and exports how many SGX nodes are in that
 * state.
 */
import type { ClusterCache } from '../client/cache.js';
import { type Logger, errorText } from '../client/log.js';
import type { UsageSource } from './source.js';
import type { MeasuredUsage } from '../../core/index.js';

/** The metrics a poller updates; each component passes its own prom-client instruments. */
export interface UsagePollerMetrics {
  readonly usagePolls: { inc(labels: { result: 'success' | 'error' }): void };
  /** SGX nodes counted by requests because their sample is missing or stale. */
  readonly staleNodes: { set(value: number): void };
  readonly usageFallbacks?: { inc(labels: { reason: 'missing' | 'stale' }): void };
  /** Age in seconds of the oldest fresh sample. */
  readonly usageAge?: { set(value: number): void };
}

/** What to poll and how often: the part of a poller's options that comes from the command line. */
export interface UsagePollingOptions {
  readonly source: UsageSource;
  readonly intervalMs: number;
  /** Samples older than this (ms) are stale. */
  readonly maxAgeMs: number;
}

export interface UsagePollerOptions extends UsagePollingOptions {
  readonly cache: ClusterCache;
  readonly log: Logger;
  readonly metrics: UsagePollerMetrics;
  readonly now?: () => number;
}

export class UsagePoller {
  private timer: NodeJS.Timeout | undefined;
  private readonly fallenBack = new Set<string>();
  private running: Promise<void> | undefined;

  constructor(private readonly o: UsagePollerOptions) {}

  start(): void {
    if (this.o.source.name === 'none' || this.timer !== undefined) return;
    const tick = (): void => {
      if (this.running !== undefined) return; // a slow source never piles up queries
      this.running = this.pollOnce().finally(() => {
        this.running = undefined;
      });
    };
    tick();
    this.timer = setInterval(tick, this.o.intervalMs);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  async pollOnce(): Promise<void> {
    const { cache, metrics, log } = this.o;
    const now = (this.o.now ?? Date.now)();
    let samples: ReadonlyMap<string, MeasuredUsage> | undefined;
    try {
      samples = await this.o.source.poll();
      metrics.usagePolls.inc({ result: 'success' });
    } catch (err) {
      metrics.usagePolls.inc({ result: 'error' });
      log(
        'warn',
        'measured usage poll failed: keeping the last samples until they are stale, then requests',
        {
          source: this.o.source.name,
          error: errorText(err),
          maxAgeMs: this.o.maxAgeMs,
        },
      );
    }
    let oldest = 0;
    const newlyStale: string[] = [];
    const recovered: string[] = [];
    for (const node of cache.snapshot.nodes()) {
      // A node absent from the answer (its agent no longer scraped) keeps its last sample, which
      // ages past the bound like any other: one path to requests, noted in the decisions.
      const s = samples?.get(node.name);
      if (s !== undefined) cache.setMeasured(node.name, s);
      if (!node.sgx) continue;
      const current = s ?? node.measured;
      const age = current === undefined ? Infinity : now - Math.min(current.epcAt, current.memoryAt);
      if (age > this.o.maxAgeMs) {
        if (!this.fallenBack.has(node.name)) {
          this.fallenBack.add(node.name);
          newlyStale.push(node.name);
          metrics.usageFallbacks?.inc({ reason: current === undefined ? 'missing' : 'stale' });
        }
      } else {
        if (this.fallenBack.delete(node.name)) recovered.push(node.name);
        oldest = Math.max(oldest, age);
      }
    }
    metrics.staleNodes.set(this.fallenBack.size);
    metrics.usageAge?.set(oldest / 1000);
    if (recovered.length > 0)
      log('info', 'measured usage fresh again', { nodes: recovered.slice(0, 20), count: recovered.length });
    if (newlyStale.length > 0)
      log('warn', 'measured usage missing or stale: requests used on these nodes', {
        nodes: newlyStale.slice(0, 20),
        count: newlyStale.length,
        staleNodes: this.fallenBack.size,
        maxAgeMs: this.o.maxAgeMs,
      });
  }
}
