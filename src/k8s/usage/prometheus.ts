/**
 * Measured usage from Prometheus' HTTP API (`GET /api/v1/query`), from the metrics the node agent
 * exports (docs/metrics.md). The queries are those of ./queries.ts (EPC: sum over a node's pods of
 * each pod's largest sample in the last 25 s; the agent's sample time over the same window, so that
 * a silent agent's last value ages and is dropped by the staleness bound), with configurable
 * windows; each can be replaced. Memory is off unless a query is given (`memoryUsageQuery()` is the
 * cAdvisor one): without it, memory counts by requests.
 *
 * Every request has a deadline (default 5 s), so a slow Prometheus costs at most that per poll; the
 * callers keep their last samples meanwhile and let them go stale.
 */
import type { MeasuredUsage } from '../../core/index.js';
import type { UsageSource } from './source.js';
import { epcUsageQuery, sampleTimeQuery } from './queries.js';

export { DEFAULT_EPC_QUERY, DEFAULT_TIMESTAMP_QUERY } from './queries.js';

export interface PrometheusOptions {
  /** Base URL, e.g. `http://prometheus.monitoring.svc:9090`. */
  readonly url: string;
  /** Window of each pod's EPC maximum, seconds (default 25); ignored for a query given in full. */
  readonly epcWindowSeconds?: number;
  readonly epcQuery?: string;
  readonly timestampQuery?: string;
  readonly memoryQuery?: string;
  /** Label holding the node name (default `node`). */
  readonly nodeLabel?: string;
  /** Deadline of each HTTP request, ms (default 5000). */
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
  // Relative to the base, so that a Prometheus served under a path (behind a proxy:
  // http://host/prometheus/) keeps its prefix.
  const url = new URL('api/v1/query', o.url.endsWith('/') ? o.url : o.url + '/');
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
  const windows = {
    ...(o.epcWindowSeconds === undefined ? {} : { epcWindowSeconds: o.epcWindowSeconds }),
    ...(o.nodeLabel === undefined ? {} : { nodeLabel: o.nodeLabel }),
  };
  // Built (and checked) once, not per poll.
  const epcQuery = o.epcQuery ?? epcUsageQuery(windows);
  const timestampQuery = o.timestampQuery ?? sampleTimeQuery(windows);
  return {
    name: 'prometheus',
    async poll() {
      const [epc, stamps, memory] = await Promise.all([
        query(o, epcQuery),
        query(o, timestampQuery),
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
          // No memory sample: 0 measured (so requests rule) with the EPC sample's time.
          memoryBytes: mem === undefined ? 0 : Math.round(mem[0]),
          memoryAt: mem === undefined ? epcAt : mem[1],
        });
      }
      // Nodes with memory but no EPC series (standard nodes, or an SGX node whose EPC is not
      // measured): EPC 0 measured, which the core's max(measured, requests) turns into requests.
      for (const [node, [bytes, at]] of memory ?? []) {
        if (!out.has(node))
          out.set(node, { epcBytes: 0, epcAt: at, memoryBytes: Math.round(bytes), memoryAt: at });
      }
      return out;
    },
  };
}
