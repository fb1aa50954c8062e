export { noUsage, type UsageSource } from './source.js';
export {
  UsagePoller,
  type UsagePollerMetrics,
  type UsagePollerOptions,
  type UsagePollingOptions,
} from './poller.js';
export { prometheusUsage, PrometheusQueryError, type PrometheusOptions } from './prometheus.js';
export {
  DEFAULT_EPC_QUERY,
  DEFAULT_TIMESTAMP_QUERY,
  DEFAULT_MEMORY_QUERY,
  DEFAULT_EPC_WINDOW_SECONDS,
  DEFAULT_MEMORY_WINDOW_SECONDS,
  epcUsageQuery,
  sampleTimeQuery,
  memoryUsageQuery,
  promDuration,
  type UsageQueryOptions,
} from './queries.js';
