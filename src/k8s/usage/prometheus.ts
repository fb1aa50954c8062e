/**
 * Measured usage from Prometheus' HTTP API (`GET /api/v1/query`), from the metrics the node agent
 * exports (docs/metrics.md). Defaults:
 * - EPC: the paper's view, the sum over a node's pods of each pod's largest sample in the last 25 s,
 *   `sum by (node) (max_over_time(sgx_pod_epc_usage_bytes[25s]))`;
 * - sample time: `max by (node) (sgx_usage_sample_timestamp_seconds)`, when the agent last sampled,
 *   so that a dead agent's last value ages and is dropped by the staleness bound;
 * - memory: none by default (a node-exporter or cAdvisor query can be given; the paper used the mean
 *   over 2 min). Without it, memory counts by requests.
 */
import type { MeasuredUsage } from '../../core/index.js';
import type { UsageSource } from './source.js';

export const DEFAULT_EPC_QUERY = 'sum by (node) (max_over_time(sgx_pod_epc_usage_bytes[25s]))';
export const DEFAULT_TIMESTAMP_QUERY = 'max by (node) (sgx_usage_sample_timestamp_seconds)';

export interface PrometheusOptions {
  /** Base URL, e.g. `http://prometheus.monitoring.svc:9090`. */
  readonly url: string;
  readonly epcQuery?: string;
  readonly timestampQuery?: string;
  readonly memoryQuery?: string;
  /** Label holding the node name (default `node`). */
  readonly nodeLabel?: string;
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

export class PrometheusQueryError extends Error {}

interface VectorSample {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: readonly [number, string];
}

/** Runs an instant query; returns node -> [value, timestamp ms]. */
async function query(o: PrometheusOptions, promql: string): Promise<Map<string, [number, number]>> {
  const url = new URL('/api/v1/query', o.url.endsWith('/') ? o.url : o.url + '/');
  url.searchParams.set('query', promql);
  const f = o.fetch ?? fetch;
  let res: Response;
  try {
    res = await f(url, {
      signal: AbortSignal.timeout(o.timeoutMs ?? 5000),
      headers: { Accept: 'application/json' },
    });
  } catch (err) {
    throw new PrometheusQueryError(`cannot reach Prometheus at ${o.url}: ${(err as Error).message}`);
  }
  const text = await res.text();
  let body: { status?: string; error?: string; data?: { resultType?: string; result?: unknown } };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new PrometheusQueryError(
      `Prometheus answered HTTP ${res.status} with a non-JSON body to ${promql}`,
    );
  }
  if (body.status !== 'success')
    throw new PrometheusQueryError(
      `Prometheus query failed (HTTP ${res.status}): ${body.error ?? 'no error text'}; query: ${promql}`,
    );
  if (body.data?.resultType !== 'vector' || !Array.isArray(body.data.result))
    throw new PrometheusQueryError(
      `expected an instant vector from ${promql}, got ${body.data?.resultType ?? 'nothing'}`,
    );
  const label = o.nodeLabel ?? 'node';
  const out = new Map<string, [number, number]>();
  for (const s of body.data.result as VectorSample[]) {
    const node = s.metric[label];
    const v = Number(s.value?.[1]);
    if (node === undefined || !Number.isFinite(v)) continue;
    out.set(node, [v, Number(s.value[0]) * 1000]);
  }
  return out;
}

export function prometheusUsage(o: PrometheusOptions): UsageSource {
  return {
    name: 'prometheus',
    async poll() {
      const [epc, stamps, memory] = await Promise.all([
        query(o, o.epcQuery ?? DEFAULT_EPC_QUERY),
        query(o, o.timestampQuery ?? DEFAULT_TIMESTAMP_QUERY),
        o.memoryQuery === undefined ? Promise.resolve(undefined) : query(o, o.memoryQuery),
      ]);
      const out = new Map<string, MeasuredUsage>();
      for (const [node, [bytes, evaluatedAt]] of epc) {
        // The agent's own sample time when known (seconds), else the query's evaluation time.
        const stamp = stamps.get(node);
        const epcAt = stamp === undefined ? evaluatedAt : stamp[0] * 1000;
        const mem = memory?.get(node);
        out.set(node, {
          epcBytes: Math.round(bytes),
          epcAt,
          // No memory query: 0 measured (so requests rule) with the EPC sample's time.
          memoryBytes: mem === undefined ? 0 : Math.round(mem[0]),
          memoryAt: mem === undefined ? epcAt : mem[1],
        });
      }
      return out;
    },
  };
}
