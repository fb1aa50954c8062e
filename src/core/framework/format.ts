import type { Reason, ReasonSummary } from './types.js';
import { formatBytes, formatMillis } from '../model/quantity.js';
import type { ResourceKind } from '../model/resources.js';

const RESOURCE_LABEL: Readonly<Record<ResourceKind, string>> = { cpu: 'CPU', memory: 'memory', epc: 'EPC' };

function amount(resource: ResourceKind, n: number): string {
  return resource === 'cpu' ? formatMillis(Math.round(n)) : formatBytes(Math.round(n));
}

/** One reason in words, e.g. `insufficient EPC (requested 40 MiB, free 12 MiB)`. */
export function formatReason(reason: Reason): string {
  switch (reason.kind) {
    case 'insufficient': {
      const free = Math.max(0, reason.capacity - reason.used);
      const r = reason.resource;
      return `insufficient ${RESOURCE_LABEL[r]} (requested ${amount(r, reason.requested)}, free ${amount(r, free)} of ${amount(r, reason.capacity)})`;
    }
    case 'no-sgx':
      return 'no SGX';
    case 'node-unschedulable':
      return 'node is unschedulable (cordoned)';
    case 'taint-not-tolerated':
      return `untolerated taint ${reason.taint}`;
    case 'node-selector-mismatch':
      return `node selector ${reason.label} not matched`;
    case 'other':
      return reason.message;
  }
}

/**
 * Grouped reasons, kube-style:
 * `2 nodes: insufficient EPC (requested 40 MiB, free 12 MiB of 93.5 MiB); 3 nodes: no SGX`.
 * For insufficient resources the amounts are those of the node that came closest.
 */
export function formatUnschedulable(summaries: readonly ReasonSummary[]): string {
  if (summaries.length === 0) return 'no nodes in the cluster';
  return summaries
    .map((s) => `${s.nodes} ${s.nodes === 1 ? 'node' : 'nodes'}: ${formatReason(s.reason)}`)
    .join('; ');
}
