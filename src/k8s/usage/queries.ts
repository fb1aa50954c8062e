/**
 * The PromQL behind measured usage, defined once for the scheduler, the extender, the docs
 * (docs/metrics.md, "Queries") and the Grafana dashboard. Every query answers one sample per node,
 * labelled by the node label (default `node`, which the node agent sets on every series).
 *
 * EPC (the paper's view): the sum over a node's pods of each pod's largest sample in the window
 * (25 s: the probe sampled every 7 s, so the window holds three or four samples). Per pod means per
 * `uid`: the same pod can appear under two label sets within a window (exported by UID alone while
 * the agent's pod list lags, then with its name; or scraped from a restarted agent with another
 * `instance`), and must count once. A measured node without any pod series answers through
 * `sgx_node_epc_usage_bytes` (0), so that "idle" is told apart from "not measured"; a node whose
 * kernel does not measure EPC has neither series and is absent (requests are used there).
 *
 * Sample time: the newest agent sample the same window holds. Range selections skip the staleness
 * markers Prometheus writes when a target goes down, so a node whose agent stopped keeps its real
 * last sample time (and ages), rather than vanishing or looking fresh.
 *
 * Memory (optional, from cAdvisor through the kubelet): the same rule over 2 min, per pod the
 * largest working set. It needs a `node` label on cAdvisor series (deploy/prometheus/ relabels it).
 */

export const DEFAULT_EPC_WINDOW_SECONDS = 25;
export const DEFAULT_MEMORY_WINDOW_SECONDS = 120;

export interface UsageQueryOptions {
  /** Window of each pod's EPC maximum, seconds (default 25). */
  readonly epcWindowSeconds?: number;
  /** Window of each pod's memory maximum, seconds (default 120). */
  readonly memoryWindowSeconds?: number;
  /** Label that names the node (default `node`). */
  readonly nodeLabel?: string;
}

/** A PromQL range duration: whole seconds as `25s`, anything else in milliseconds (`1500ms`). */
export function promDuration(seconds: number): string {
  if (!(seconds > 0) || !Number.isFinite(seconds))
    throw new RangeError(`a query window must be a positive number of seconds, got ${seconds}`);
  const ms = Math.round(seconds * 1000);
  if (ms < 1) throw new RangeError(`a query window must be at least 1 ms, got ${seconds} s`);
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

function labelOf(o: UsageQueryOptions): string {
  const l = o.nodeLabel ?? 'node';
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(l)) throw new RangeError(`not a Prometheus label name: ${l}`);
  return l;
}

/** Per node, bytes: sum over pods (by `uid`) of each pod's largest EPC sample in the window. */
export function epcUsageQuery(o: UsageQueryOptions = {}): string {
  const w = promDuration(o.epcWindowSeconds ?? DEFAULT_EPC_WINDOW_SECONDS);
  const n = labelOf(o);
  return (
    `sum by (${n}) (max by (${n}, uid) (max_over_time(sgx_pod_epc_usage_bytes[${w}])))` +
    ` or max by (${n}) (max_over_time(sgx_node_epc_usage_bytes[${w}]))`
  );
}

/** Per node, Unix seconds: the newest agent sample within the EPC window. */
export function sampleTimeQuery(o: UsageQueryOptions = {}): string {
  const w = promDuration(o.epcWindowSeconds ?? DEFAULT_EPC_WINDOW_SECONDS);
  const n = labelOf(o);
  return `max by (${n}) (max_over_time(sgx_usage_sample_timestamp_seconds[${w}]))`;
}

/** Per node, bytes: sum over pods of each pod's largest memory working set in the window (cAdvisor). */
export function memoryUsageQuery(o: UsageQueryOptions = {}): string {
  const w = promDuration(o.memoryWindowSeconds ?? DEFAULT_MEMORY_WINDOW_SECONDS);
  const n = labelOf(o);
  return (
    `sum by (${n}) (max by (${n}, namespace, pod) ` +
    `(max_over_time(container_memory_working_set_bytes{container!="", pod!=""}[${w}])))`
  );
}

/** The queries with the paper's windows (25 s, 2 min). */
export const DEFAULT_EPC_QUERY = epcUsageQuery();
export const DEFAULT_TIMESTAMP_QUERY = sampleTimeQuery();
export const DEFAULT_MEMORY_QUERY = memoryUsageQuery();
