/** A real Prometheus and real node agents on fixture host trees, for end-to-end tests. */
export {
  findPrometheus,
  freePort,
  prometheusConfig,
  prometheusOrSkip,
  startPrometheus,
  underCi,
  type FindResult,
  type PrometheusServer,
  type PrometheusServerOptions,
  type ScrapeJob,
} from './prometheus-server.js';
export { AgentProcess, HostTree } from './agent-host.js';
