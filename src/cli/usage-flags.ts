/**
 * The measured-usage flags shared by `scheduler` and `extender`: where the samples come from
 * (Prometheus or none), the queries, the windows of the built-in queries (src/k8s/usage/queries.ts),
 * the per-request deadline, how often to query and how old a sample may be.
 */
import { DEFAULT_EPC_QUERY, DEFAULT_TIMESTAMP_QUERY, memoryUsageQuery } from '../k8s/usage/index.js';
import type { PrometheusOptions } from '../k8s/usage/index.js';
import type { UsageError } from './flags.js';

export const USAGE_WINDOW_OPTIONS = {
  'usage-window': { type: 'string', default: '25s' },
  'usage-memory-window': { type: 'string' },
  'usage-timeout': { type: 'string', default: '5s' },
} as const;

export const USAGE_WINDOW_HELP = `  --usage-window <dur>       window of each pod's largest EPC sample in the built-in query (default 25s,
                             the paper's; keep it above the agent's sample interval plus a scrape interval)
  --usage-memory-window <dur>
                             measure memory too, from cAdvisor: each pod's largest working set over this
                             window (the paper: 2m); default: memory counts by requests
  --usage-timeout <dur>      deadline of each Prometheus query (default 5s): a slow Prometheus never holds
                             scheduling, the last samples are kept until they are stale
`;

type Values = { readonly [K in keyof typeof USAGE_WINDOW_OPTIONS]?: string | undefined } & {
  readonly 'usage-memory-query'?: string | undefined;
};

/** The Prometheus source options the flags give (`parseDuration` is the command's, in ms). */
export function usageWindowOptions(
  values: Values,
  parseDuration: (flag: string, text: string) => number,
): Pick<PrometheusOptions, 'epcWindowSeconds' | 'timeoutMs' | 'memoryQuery'> {
  const epcWindowSeconds = parseDuration('--usage-window', values['usage-window'] ?? '25s') / 1000;
  const timeoutMs = parseDuration('--usage-timeout', values['usage-timeout'] ?? '5s');
  const memoryWindow = values['usage-memory-window'];
  const explicit = values['usage-memory-query'];
  if (explicit !== undefined) return { epcWindowSeconds, timeoutMs, memoryQuery: explicit };
  if (memoryWindow === undefined) return { epcWindowSeconds, timeoutMs };
  const memoryWindowSeconds = parseDuration('--usage-memory-window', memoryWindow) / 1000;
  return { epcWindowSeconds, timeoutMs, memoryQuery: memoryUsageQuery({ memoryWindowSeconds }) };
}

export const MEASURED_USAGE_OPTIONS = {
  'prometheus-url': { type: 'string' },
  'usage-source': { type: 'string' },
  'usage-query': { type: 'string' },
  'usage-timestamp-query': { type: 'string' },
  'usage-memory-query': { type: 'string' },
  'usage-interval': { type: 'string', default: '5s' },
  'usage-max-age': { type: 'string', default: '60s' },
  ...USAGE_WINDOW_OPTIONS,
} as const;

export const MEASURED_USAGE_HELP = `  --prometheus-url <url>     measured usage from this Prometheus (enables --usage-source prometheus)
  --usage-source <name>      none (requests only) or prometheus (default: prometheus if --prometheus-url)
  --usage-query <promql>     per-node EPC in use, bytes, by label node (default: the node agent's metrics,
                             ${DEFAULT_EPC_QUERY})
  --usage-timestamp-query <promql>
                             per-node time of the sample, seconds (default: ${DEFAULT_TIMESTAMP_QUERY})
  --usage-memory-query <promql>
                             per-node memory in use, bytes (default: none, memory counts by requests)
  --usage-interval <dur>     how often to query (default 5s)
  --usage-max-age <dur>      samples older than this are ignored: requests are used instead (default 60s;
                             a profile's measuredMaxAge, in ms, takes precedence)
${USAGE_WINDOW_HELP}`;

type SourceValues = Values & {
  readonly 'prometheus-url'?: string | undefined;
  readonly 'usage-source'?: string | undefined;
  readonly 'usage-query'?: string | undefined;
  readonly 'usage-timestamp-query'?: string | undefined;
};

/**
 * `--usage-source` and `--prometheus-url`, checked: the Prometheus URL to measure from, or
 * undefined when EPC and memory count by requests only.
 */
export function prometheusUrl(values: SourceValues, usage: UsageError): string | undefined {
  const url = values['prometheus-url'];
  const sourceName = values['usage-source'] ?? (url !== undefined ? 'prometheus' : 'none');
  if (sourceName === 'none') return undefined;
  if (sourceName !== 'prometheus') throw usage(`--usage-source ${sourceName}: expected none or prometheus`);
  if (url === undefined) throw usage('--usage-source prometheus needs --prometheus-url');
  // `host:9090` parses as a URL of scheme `host:`: only http(s) can be queried.
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:'))
    throw usage(
      `--prometheus-url ${url}: expected an http:// or https:// URL such as http://prometheus.monitoring.svc:9090`,
    );
  return url;
}

/** The options of the Prometheus usage source at `url` that the flags give (memory: see above). */
export function prometheusOptions(
  url: string,
  values: SourceValues,
  parseDuration: (flag: string, text: string) => number,
): PrometheusOptions {
  return {
    url,
    ...usageWindowOptions(values, parseDuration),
    ...(values['usage-query'] === undefined ? {} : { epcQuery: values['usage-query'] }),
    ...(values['usage-timestamp-query'] === undefined
      ? {}
      : { timestampQuery: values['usage-timestamp-query'] }),
  };
}
