import type { Reason, ReasonSummary } from './types.js';

/** One reason in words, e.g. `insufficient EPC (requested 40 MiB, free 12 MiB)`. */
export function formatReason(reason: Reason): string {
  void reason;
  throw new Error('not implemented');
}

/** Grouped reasons, kube-style: `2 nodes: insufficient EPC (requested 40 MiB, free 12 MiB); 3 nodes: no SGX`. */
export function formatUnschedulable(summaries: readonly ReasonSummary[]): string {
  void summaries;
  throw new Error('not implemented');
}
