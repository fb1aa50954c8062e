export { noUsage, type UsageSource } from './source.js';
export {
  prometheusUsage,
  PrometheusQueryError,
  DEFAULT_EPC_QUERY,
  DEFAULT_TIMESTAMP_QUERY,
  type PrometheusOptions,
} from './prometheus.js';
