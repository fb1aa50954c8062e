import type { Reason, ReasonSummary, Status } from './types.js';

function keyOf(r: Reason): string {
  switch (r.kind) {
    case 'insufficient':
      return `insufficient:${r.resource}`;
    case 'taint-not-tolerated':
      return `taint:${r.taint}`;
    case 'node-selector-mismatch':
      return `selector:${r.label}`;
    case 'other':
      return `other:${r.message}`;
    default:
      return r.kind;
  }
}

/**
 * Groups rejections by reason, counting nodes per reason (a node failing on CPU and memory counts
 * in both, as in kube-scheduler's message). For "insufficient" groups, the representative reason is
 * the node with the most room left (largest capacity - used, then largest capacity), so the summary
 * says how close the best node came; it does not depend on the order nodes are visited in.
 */
export class ReasonGrouper {
  private readonly groups = new Map<string, { reason: Reason; nodes: number }>();
  private nodes = 0;
  private unresolvableNodes = 0;

  add(status: Status): void {
    if (status.code === 'Success') return;
    this.nodes++;
    if (status.code === 'UnschedulableAndUnresolvable') this.unresolvableNodes++;
    for (const reason of status.reasons) {
      const key = keyOf(reason);
      const g = this.groups.get(key);
      if (g === undefined) {
        this.groups.set(key, { reason, nodes: 1 });
        continue;
      }
      g.nodes++;
      if (reason.kind === 'insufficient' && g.reason.kind === 'insufficient') {
        const room = reason.capacity - reason.used;
        const best = g.reason.capacity - g.reason.used;
        if (room > best || (room === best && reason.capacity > g.reason.capacity)) g.reason = reason;
      }
    }
  }

  /** Most frequent reasons first, then by a stable key. */
  summaries(): ReasonSummary[] {
    return [...this.groups.entries()]
      .sort(([ka, a], [kb, b]) => b.nodes - a.nodes || (ka < kb ? -1 : ka > kb ? 1 : 0))
      .map(([, g]) => ({ reason: g.reason, nodes: g.nodes }));
  }

  /** True when at least one node was rejected and every rejection is unresolvable. */
  allUnresolvable(): boolean {
    return this.nodes > 0 && this.unresolvableNodes === this.nodes;
  }
}
