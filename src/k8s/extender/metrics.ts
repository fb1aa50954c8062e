import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export type ExtenderVerb = 'filter' | 'prioritize' | 'bind';
export type ExtenderResult = 'ok' | 'error' | 'rejected';

/** The extender's Prometheus metrics, on a registry of its own (the CLI adds process metrics to it). */
export class ExtenderMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'verb' | 'result'>;
  readonly duration: Histogram<'verb'>;
  readonly nodes: Counter<'outcome'>;
  readonly cacheNodes: Gauge;
  readonly usagePolls: Counter<'result'>;
  readonly usageStaleNodes: Gauge;
  /** Read at scrape time by `cacheNodes`. */
  cacheSize: () => number = () => 0;

  constructor(registry: Registry = new Registry()) {
    this.registry = registry;
    this.requests = new Counter({
      name: 'sgx_extender_requests_total',
      help: 'Extender calls by verb and result (ok, error: answered with Error set, rejected: malformed or oversize request).',
      labelNames: ['verb', 'result'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'sgx_extender_request_duration_seconds',
      help: 'Time from the first byte of an extender call to its answer, by verb.',
      labelNames: ['verb'],
      // kube-scheduler's default extender timeout is 5 s; the interesting range is well below 10 ms.
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
      registers: [registry],
    });
    this.nodes = new Counter({
      name: 'sgx_extender_filtered_nodes_total',
      help: 'Candidate nodes seen by filter, by outcome (passed, failed: may fit later, unresolvable).',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.cacheNodes = new Gauge({
      name: 'sgx_extender_cached_nodes',
      help: 'Nodes in the extender cache (node-cache mode).',
      registers: [registry],
      collect: () => this.cacheNodes.set(this.cacheSize()),
    });
    this.usagePolls = new Counter({
      name: 'sgx_extender_usage_polls_total',
      help: 'Queries of the measured-usage source, by result (success, error).',
      labelNames: ['result'],
      registers: [registry],
    });
    this.usageStaleNodes = new Gauge({
      name: 'sgx_extender_usage_stale_nodes',
      help: 'SGX nodes whose measured usage is missing or older than the bound: their EPC counts by requests.',
      registers: [registry],
    });
  }
}
