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

interface Group {
  reason: Reason;
  nodes: number;
  /** For insufficient groups: the representative's free amount and candidate rank. */
  free: number;
  rank: number;
}

/**
 * Groups rejections by reason, counting nodes per reason (a node failing on CPU and memory counts
 * in both, as in kube-scheduler's message). For "insufficient" groups the representative reason is
 * the node that came closest: the largest integer `free` (see framework/fit.ts), and on ties the
 * first in candidate order (standard nodes by name, then SGX nodes by name), given as `rank`. That
 * makes the summary independent of how nodes are visited, so the indexed path (which counts whole
 * subtrees at once) and the scan agree exactly.
 */
export class ReasonGrouper {
  private readonly groups = new Map<string, Group>();
  private rejected = false;
  private resolvable = false;

  constructor(private readonly strict: boolean) {}

  /** The `free` amount an insufficient reason stands for. */
  freeOf(reason: Reason & { kind: 'insufficient' }): number {
    const bound = reason.capacity;
    return (this.strict ? Math.ceil(bound) : Math.floor(bound) + 1) - reason.used;
  }

  /** One node's status; `rank` is its position in candidate order. */
  add(status: Status, rank: number): void {
    if (status.code === 'Success') return;
    this.rejected = true;
    if (status.code !== 'UnschedulableAndUnresolvable') this.resolvable = true;
    for (const reason of status.reasons) this.addReason(reason, 1, rank);
  }

  /** `nodes` nodes rejected for the same reason (for insufficient: `reason` is the closest one). */
  addBulk(reason: Reason, nodes: number, rank: number, resolvable: boolean): void {
    if (nodes === 0) return;
    this.rejected = true;
    if (resolvable) this.resolvable = true;
    this.addReason(reason, nodes, rank);
  }

  private addReason(reason: Reason, nodes: number, rank: number): void {
    const key = keyOf(reason);
    const free = reason.kind === 'insufficient' ? this.freeOf(reason) : 0;
    const g = this.groups.get(key);
    if (g === undefined) {
      this.groups.set(key, { reason, nodes, free, rank });
      return;
    }
    g.nodes += nodes;
    if (reason.kind === 'insufficient' && (free > g.free || (free === g.free && rank < g.rank))) {
      g.reason = reason;
      g.free = free;
      g.rank = rank;
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
    return this.rejected && !this.resolvable;
  }
}
