/**
 * The running extender: informer-backed cluster cache (nodes for node-cache mode, every
 * non-terminal pod for usage accounting), the core-backed decider, the optional binder, and the
 * HTTP(S) server. The server starts first, so /healthz answers at once and /readyz says 503 until
 * the cache has listed nodes and pods.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { Profile } from '../../core/index.js';
import { ClusterCache } from '../client/cache.js';
import type { Logger } from '../client/log.js';
import { errorText } from '../client/log.js';
import { ApiBinder } from './binder.js';
import type { ConvertOptions } from './convert.js';
import { CoreDecider } from './decider.js';
import { ExtenderMetrics } from './metrics.js';
import { startExtenderServer } from './server.js';
import { UsagePoller, type UsagePollingOptions } from '../usage/poller.js';
import type { RunningExtender } from './server.js';

export interface ExtenderAppOptions {
  readonly kc: KubeConfig;
  readonly profile: Profile;
  readonly convert: ConvertOptions;
  readonly seed: number;
  readonly log: Logger;
  readonly host: string;
  readonly port: number;
  readonly urlPrefix: string;
  readonly maxBodyBytes: number;
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  /** Serve the bind verb (kube-scheduler's bindVerb). */
  readonly bind: boolean;
  readonly metrics?: ExtenderMetrics;
  /** Clock of measured usage, milliseconds (default Date.now). */
  readonly now?: () => number;
  readonly informerBackoffMs?: number;
  /** Measured usage (absent: requests only). */
  readonly usage?: UsagePollingOptions;
}

export interface ExtenderApp {
  readonly server: RunningExtender;
  readonly cache: ClusterCache;
  /** Resolves once nodes and pods have been listed. */
  readonly synced: Promise<void>;
  /** `RunningExtender.drain`, then everything else stops. */
  drain(graceMs: number): Promise<void>;
  close(): Promise<void>;
}

export async function startExtenderApp(opts: ExtenderAppOptions): Promise<ExtenderApp> {
  const metrics = opts.metrics ?? new ExtenderMetrics();
  const cache = new ClusterCache({
    kc: opts.kc,
    convert: opts.convert,
    log: opts.log,
    ...(opts.informerBackoffMs === undefined ? {} : { initialBackoffMs: opts.informerBackoffMs }),
  });
  metrics.cacheSize = () => cache.snapshot.size;
  const decider = new CoreDecider({
    snapshot: cache.snapshot,
    profile: opts.profile,
    convert: opts.convert,
    now: opts.now ?? Date.now,
    seed: opts.seed,
    acceptNewNodes: false,
  });
  const server = await startExtenderServer({
    decider,
    ...(opts.bind ? { binder: new ApiBinder(opts.kc, cache, opts.log) } : {}),
    host: opts.host,
    port: opts.port,
    urlPrefix: opts.urlPrefix,
    maxBodyBytes: opts.maxBodyBytes,
    ...(opts.tls === undefined ? {} : { tls: opts.tls }),
    readiness: () =>
      cache.synced ? { ready: true } : { ready: false, reason: 'listing nodes and pods from the API server' },
    metrics,
    log: (level, msg, fields) => opts.log(level, msg, fields),
  });
  const poller =
    opts.usage === undefined
      ? undefined
      : new UsagePoller({
          ...opts.usage,
          cache,
          log: opts.log,
          metrics: { usagePolls: metrics.usagePolls, staleNodes: metrics.usageStaleNodes },
          now: opts.now ?? Date.now,
        });
  const synced = cache.start().then(
    () => {
      opts.log('info', 'cache synced', { nodes: cache.snapshot.size, pods: cache.snapshot.podCount });
      // Samples are per node: poll once the nodes are known.
      poller?.start();
    },
    (err: unknown) => {
      opts.log('error', 'cache failed to start', { error: errorText(err) });
      throw err;
    },
  );
  return {
    server,
    cache,
    synced,
    async drain(graceMs: number) {
      await server.drain(graceMs);
      await poller?.stop();
      await cache.stop();
    },
    async close() {
      await server.close();
      await poller?.stop();
      await cache.stop();
    },
  };
}
