/**
 * The measured-usage flags shared by `scheduler` and `extender` beyond the ones each already had:
 * the windows of the built-in queries (src/k8s/usage/queries.ts) and the per-request deadline.
 */
import { memoryUsageQuery } from '../k8s/usage/index.js';
import type { PrometheusOptions } from '../k8s/usage/index.js';

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
