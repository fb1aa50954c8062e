/**
 * Measured usage for the extender: polls a usage source (Prometheus, from the node agent's metrics)
 * and puts each node's sample into the cache's snapshot, where the core counts
 * `max(measured, requests)` for fresh samples and requests alone for missing or stale ones (older
 * than the profile's measuredMaxAge). Logs when SGX nodes fall back to requests and when they
 * recover, and exports how many are in that state.
 */
import type { MeasuredUsage } from '../../core/index.js';
import type { ClusterCache } from '../client/cache.js';
import { errorText } from '../client/log.js';
import type { Logger } from '../client/log.js';
import type { UsageSource } from '../usage/index.js';
import type { ExtenderMetrics } from './metrics.js';

export interface ExtenderUsageOptions {
  readonly source: UsageSource;
  readonly intervalMs: number;
  /** Samples older than this (ms) count as missing. */
  readonly maxAgeMs: number;
}

export class ExtenderUsagePoller {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly stale = new Set<string>();

  constructor(
    private readonly opts: ExtenderUsageOptions,
    private readonly cache: ClusterCache,
    private readonly metrics: ExtenderMetrics,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    if (this.opts.source.name === 'none' || this.timer !== undefined) return;
    const tick = (): void => {
      if (this.running !== undefined) return; // a slow Prometheus never piles up queries
      this.running = this.pollOnce().finally(() => {
        this.running = undefined;
      });
    };
    tick();
    this.timer = setInterval(tick, this.opts.intervalMs);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  async pollOnce(): Promise<void> {
    let samples: ReadonlyMap<string, MeasuredUsage> | undefined;
    try {
      samples = await this.opts.source.poll();
      this.metrics.usagePolls.inc({ result: 'success' });
    } catch (err) {
      this.metrics.usagePolls.inc({ result: 'error' });
      this.log(
        'warn',
        'measured usage poll failed: keeping the last samples until they are stale, then requests',
        {
          source: this.opts.source.name,
          error: errorText(err),
        },
      );
    }
    const now = this.now();
    const fellBack: string[] = [];
    const recovered: string[] = [];
    for (const node of this.cache.snapshot.nodes()) {
      // A node absent from the answer keeps its last sample, which ages past the bound.
      const s = samples?.get(node.name);
      if (s !== undefined) this.cache.setMeasured(node.name, s);
      if (!node.sgx) continue;
      const current = s ?? node.measured;
      const fresh =
        current !== undefined && now - Math.min(current.epcAt, current.memoryAt) <= this.opts.maxAgeMs;
      if (!fresh && !this.stale.has(node.name)) {
        this.stale.add(node.name);
        fellBack.push(node.name);
      } else if (fresh && this.stale.delete(node.name)) {
        recovered.push(node.name);
      }
    }
    this.metrics.usageStaleNodes.set(this.stale.size);
    if (fellBack.length > 0) {
      this.log('warn', 'measured usage missing or stale: these SGX nodes count EPC by requests', {
        nodes: fellBack.slice(0, 20),
        count: fellBack.length,
        maxAgeMs: this.opts.maxAgeMs,
      });
    }
    if (recovered.length > 0) {
      this.log('info', 'measured usage fresh again', {
        nodes: recovered.slice(0, 20),
        count: recovered.length,
      });
    }
  }
}
