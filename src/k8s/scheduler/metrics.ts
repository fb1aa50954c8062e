/**
 * The scheduler's Prometheus metrics (own registry, served on /metrics). Names follow
 * kube-scheduler's where the meaning is the same, under the `sgx_scheduler_` prefix.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type AttemptResult = 'scheduled' | 'unschedulable' | 'error';

export class SchedulerMetrics {
  readonly registry = new Registry();
  readonly attempts: Counter<'result'>;
  /** One scheduling attempt: the decision by the core (seconds). */
  readonly attemptDuration: Histogram<'result'>;
  /** From the pod entering the queue to its binding (seconds): kube-scheduler's SLI. */
  readonly e2eDuration: Histogram;
  readonly bindDuration: Histogram;
  readonly pending: Gauge<'queue'>;
  readonly bindConflicts: Counter;
  readonly bindErrors: Counter;
  readonly leader: Gauge;
  readonly staleNodes: Gauge;
  readonly usageFallbacks: Counter<'reason'>;
  readonly usagePolls: Counter<'result'>;
  readonly usageAge: Gauge;
  readonly informerRestarts: Gauge;
  readonly droppedWrites: Counter<'kind'>;
  private readonly collectors: (() => void)[] = [];

  /** Runs `fn` before each scrape (to read state into gauges). */
  onCollect(fn: () => void): void {
    this.collectors.push(fn);
  }

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    this.attempts = new Counter({
      name: 'sgx_scheduler_schedule_attempts_total',
      help: 'Scheduling attempts by result: scheduled (bound), unschedulable (no node fits), error.',
      labelNames: ['result'],
      registers,
    });
    const buckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
    this.attemptDuration = new Histogram({
      name: 'sgx_scheduler_scheduling_attempt_duration_seconds',
      help: 'Time the core took to decide one scheduling attempt, by result.',
      labelNames: ['result'],
      buckets,
      registers,
    });
    this.e2eDuration = new Histogram({
      name: 'sgx_scheduler_pod_scheduling_sli_duration_seconds',
      help: 'From the pod entering the scheduling queue to its binding, over all attempts.',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.bindDuration = new Histogram({
      name: 'sgx_scheduler_binding_duration_seconds',
      help: 'Round trip of the pods/binding call.',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers,
    });
    const collectors = this.collectors;
    this.pending = new Gauge({
      collect() {
        for (const c of collectors) c();
      },
      name: 'sgx_scheduler_pending_pods',
      help: 'Pods waiting, by queue: active (ready to be tried), backoff (after a failed attempt), gated (scheduling gates), binding (bind in flight).',
      labelNames: ['queue'],
      registers,
    });
    this.bindConflicts = new Counter({
      name: 'sgx_scheduler_binding_conflicts_total',
      help: 'Bindings refused with 409 (already bound, being deleted, UID changed) or 404: dropped, reconciled from the informer.',
      registers,
    });
    this.bindErrors = new Counter({
      name: 'sgx_scheduler_binding_errors_total',
      help: 'Bindings that failed otherwise (5xx, connection): retried with back-off.',
      registers,
    });
    this.leader = new Gauge({
      name: 'sgx_scheduler_is_leader',
      help: '1 while this replica holds the lease and schedules, else 0.',
      registers,
    });
    this.staleNodes = new Gauge({
      name: 'sgx_scheduler_measured_usage_stale_nodes',
      help: 'Nodes whose measured usage is missing or older than the bound: their requests are used instead.',
      registers,
    });
    this.usageFallbacks = new Counter({
      name: 'sgx_scheduler_measured_usage_fallbacks_total',
      help: 'Times a node fell back from measured usage to requests, by reason: stale, missing.',
      labelNames: ['reason'],
      registers,
    });
    this.usagePolls = new Counter({
      name: 'sgx_scheduler_usage_polls_total',
      help: 'Queries of the measured-usage source, by result: success, error.',
      labelNames: ['result'],
      registers,
    });
    this.usageAge = new Gauge({
      name: 'sgx_scheduler_measured_usage_oldest_age_seconds',
      help: 'Age of the oldest measured-usage sample in use.',
      registers,
    });
    this.informerRestarts = new Gauge({
      name: 'sgx_scheduler_informer_restarts',
      help: 'Restarts of the node and pod informers after watch or list errors.',
      registers,
    });
    this.droppedWrites = new Counter({
      name: 'sgx_scheduler_dropped_writes_total',
      help: 'Events or condition patches not sent because too many were in flight, by kind.',
      labelNames: ['kind'],
      registers,
    });
    for (const r of ['scheduled', 'unschedulable', 'error'] as const) this.attempts.inc({ result: r }, 0);
  }
}
