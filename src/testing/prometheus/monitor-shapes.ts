/**
 * Shape checks of the Prometheus Operator kinds shipped in deploy/prometheus/ (ServiceMonitor,
 * PodMonitor), which have no schema in kubernetes-models: the fields the operator needs to find the
 * targets, and durations it accepts.
 */
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const DURATION = /^(\d+(ms|s|m|h))+$/;

export const PROMETHEUS_OPERATOR_API = 'monitoring.coreos.com/v1';

export function prometheusOperatorIssues(o: Obj): string[] {
  const issues: string[] = [];
  const kind = o['kind'];
  if (kind !== 'ServiceMonitor' && kind !== 'PodMonitor')
    return [`kind: expected ServiceMonitor or PodMonitor, got ${String(kind)}`];
  const meta = isObj(o['metadata']) ? o['metadata'] : {};
  if (typeof meta['name'] !== 'string' || meta['name'] === '') issues.push('metadata.name: required');
  if (typeof meta['namespace'] !== 'string') issues.push('metadata.namespace: set it explicitly');
  const spec = isObj(o['spec']) ? o['spec'] : undefined;
  if (spec === undefined) return [...issues, 'spec: required'];
  const match = isObj(spec['selector']) ? spec['selector']['matchLabels'] : undefined;
  if (!isObj(match) || Object.keys(match).length === 0)
    issues.push('spec.selector.matchLabels: required (an empty selector matches every object)');
  const field = kind === 'ServiceMonitor' ? 'endpoints' : 'podMetricsEndpoints';
  const endpoints = spec[field];
  if (!Array.isArray(endpoints) || endpoints.length === 0) issues.push(`spec.${field}: at least one`);
  else
    endpoints.forEach((e, i) => {
      if (!isObj(e)) return issues.push(`spec.${field}[${i}]: expected an object`);
      if (typeof e['port'] !== 'string') issues.push(`spec.${field}[${i}].port: a named port is required`);
      for (const d of ['interval', 'scrapeTimeout'])
        if (e[d] !== undefined && (typeof e[d] !== 'string' || !DURATION.test(e[d])))
          issues.push(`spec.${field}[${i}].${d}: expected a duration such as 15s, got ${String(e[d])}`);
      return undefined;
    });
  return issues;
}
