import type { Cluster } from '../cluster/cluster.js';
import { POD_ROWS_IN_JSON_LIMIT } from '../results/types.js';
import type {
  NodeGroupUtilisation,
  NodeUtilisation,
  PodOutcome,
  PodRow,
  RefusalCount,
  RefusalReason,
  RunSummary,
} from '../results/types.js';
import { round } from '../results/stats.js';
import { PodStats } from '../results/pod-stats.js';
import type { PodClassSummaries } from '../results/pod-stats.js';
import type { RunConfig } from './config.js';
import type { NodeTable } from './node-table.js';

interface GroupSeries {
  group: 'sgx' | 'standard';
  nodes: number;
  epcMean: number[];
  epcMax: number[];
  memoryMean: number[];
  memoryMax: number[];
}

/** One reason of one failed attempt, and how many nodes gave it. */
export interface RefusalTally {
  readonly reason: RefusalReason;
  readonly nodes: number;
}

export interface RunOutcome {
  readonly summary: RunSummary;
  /** Rows of every pod (attackers included), in the order they reached their final state. */
  readonly pods: readonly PodRow[] | undefined;
}

/**
 * Accumulates what a run measures, as it happens: pod rows (streamed to `onPod`, kept in memory
 * for small runs), per-class distributions, the pending queue and utilisation series, refusals.
 * Memory grows with the number of samples and of kept rows only.
 */
export class RunRecorder {
  private readonly stats = new PodStats();
  private rows: PodRow[] | undefined;
  private placements = 0;
  private restarts = 0;
  private readonly refusals = new Map<RefusalReason, { attempts: number; nodeRejections: number }>();

  private readonly pending = {
    t: [] as number[],
    count: [] as number[],
    sgxCount: [] as number[],
    epc: [] as number[],
    mem: [] as number[],
  };
  private readonly utilT: number[] = [];
  private readonly perNode:
    { node: string; sgx: boolean; epc: number[]; epcRequested: number[]; memory: number[] }[] | null;
  /** The SGX group, then the standard one. */
  private readonly groups: [GroupSeries, GroupSeries];

  constructor(
    cluster: Cluster,
    private readonly config: RunConfig,
    private readonly onPod: ((row: PodRow) => void) | undefined,
    keepRows: boolean,
  ) {
    this.rows = keepRows ? [] : undefined;
    this.perNode =
      cluster.nodes.length <= config.perNodeLimit
        ? cluster.nodes.map((n) => ({ node: n.name, sgx: n.sgx, epc: [], epcRequested: [], memory: [] }))
        : null;
    const sgxNodes = cluster.nodes.filter((n) => n.sgx).length;
    this.groups = [
      { group: 'sgx', nodes: sgxNodes, epcMean: [], epcMax: [], memoryMean: [], memoryMax: [] },
      {
        group: 'standard',
        nodes: cluster.nodes.length - sgxNodes,
        epcMean: [],
        epcMax: [],
        memoryMean: [],
        memoryMax: [],
      },
    ];
  }

  arrived(): void {
    // Counted through the final rows; kept as a hook for progress reporting.
  }

  placed(): void {
    this.placements++;
  }

  restarted(): void {
    this.restarts++;
  }

  /**
   * `times` failed attempts, each refused by the given reasons (one entry per distinct reason, with
   * the number of nodes that gave it).
   */
  refused(reasons: readonly RefusalTally[], times: number): void {
    if (times === 0) return;
    for (const { reason, nodes } of reasons) {
      let r = this.refusals.get(reason);
      if (r === undefined) {
        r = { attempts: 0, nodeRejections: 0 };
        this.refusals.set(reason, r);
      }
      r.attempts += times;
      r.nodeRejections += nodes * times;
    }
  }

  /** A pod's row: handed to `onPod`, kept for the result while there are few, and counted. */
  pod(row: PodRow): void {
    this.row(row);
    if (!row.attacker)
      this.count(row.isSgx, row.outcome, row.submit, row.start ?? NaN, row.end ?? NaN, row.slowdown ?? NaN);
  }

  /**
   * Whether anyone reads rows (`onPod`, or the rows kept for the result): when not, a caller that
   * counts with `count` need not build them.
   */
  get wantsRows(): boolean {
    return this.onPod !== undefined || this.rows !== undefined;
  }

  /** A pod's row for `onPod` and the result, not counted (see `count`). */
  row(row: PodRow): void {
    this.onPod?.(row);
    if (this.rows !== undefined) {
      this.rows.push(row);
      if (this.rows.length > POD_ROWS_IN_JSON_LIMIT) this.rows = undefined;
    }
  }

  /**
   * A workload pod's final state in the per-class distributions, from its numbers (NaN for an
   * absent start, end or slowdown): what `pod` counts of a row.
   */
  count(
    isSgx: boolean,
    outcome: PodOutcome,
    submit: number,
    start: number,
    end: number,
    slowdown: number,
  ): void {
    this.stats.count(isSgx, outcome, submit, start, end, slowdown);
  }

  pendingSample(t: number, count: number, sgxCount: number, epcBytes: number, memBytes: number): void {
    const p = this.pending;
    const last = p.t.length - 1;
    if (last >= 0 && p.t[last] === t) {
      p.count[last] = count;
      p.sgxCount[last] = sgxCount;
      p.epc[last] = epcBytes;
      p.mem[last] = memBytes;
      return;
    }
    p.t.push(t);
    p.count.push(count);
    p.sgxCount.push(sgxCount);
    p.epc.push(epcBytes);
    p.mem.push(memBytes);
  }

  /**
   * EPC and memory utilisation of every node at `t` (the per-node series up to `perNodeLimit` nodes,
   * mean and max per group always). Sums run in node order, whatever the caller.
   */
  utilisationSample(t: number, nodes: NodeTable, last: boolean): void {
    if (last && this.utilT.length > 0 && this.utilT[this.utilT.length - 1] === t) return;
    this.utilT.push(round(t));
    let sgxEpcSum = 0;
    let sgxEpcMax = 0;
    let sgxMemSum = 0;
    let sgxMemMax = 0;
    let stdMemSum = 0;
    let stdMemMax = 0;
    const { epcShare, memShare, sgxCount } = nodes;
    for (let p = 0; p < sgxCount; p++) {
      const epc = epcShare[p]!;
      const mem = memShare[p]!;
      sgxEpcSum += epc;
      if (epc > sgxEpcMax) sgxEpcMax = epc;
      sgxMemSum += mem;
      if (mem > sgxMemMax) sgxMemMax = mem;
    }
    for (let p = sgxCount; p < nodes.count; p++) {
      const mem = memShare[p]!;
      stdMemSum += mem;
      if (mem > stdMemMax) stdMemMax = mem;
    }
    const perNode = this.perNode;
    if (perNode !== null) {
      for (let i = 0; i < nodes.count; i++) {
        const row = perNode[i]!;
        const at = nodes.sharePos[i]!;
        if (nodes.sgx[i] === 1) {
          const cap = nodes.epcBytes[i]!;
          row.epc.push(round(epcShare[at]!));
          row.epcRequested.push(round(cap > 0 ? nodes.requestedEpc(i) / cap : 0));
        }
        row.memory.push(round(memShare[at]!));
      }
    }
    const [sgxGroup, stdGroup] = this.groups;
    const sgxNodes = Math.max(1, sgxGroup.nodes);
    sgxGroup.epcMean.push(round(sgxEpcSum / sgxNodes));
    sgxGroup.epcMax.push(round(sgxEpcMax));
    sgxGroup.memoryMean.push(round(sgxMemSum / sgxNodes));
    sgxGroup.memoryMax.push(round(sgxMemMax));
    const stdNodes = Math.max(1, stdGroup.nodes);
    stdGroup.memoryMean.push(round(stdMemSum / stdNodes));
    stdGroup.memoryMax.push(round(stdMemMax));
  }

  /**
   * The run's summary. `classes`: the per-class distributions when pods were counted elsewhere (the
   * pods thread, `PodResultsThread`), else this recorder's own (`count`).
   */
  finish(
    run: {
      makespan: number;
      passes: number;
      events: number;
      lateArrivals: number;
      lateEnds: number;
    },
    classes: PodClassSummaries = this.stats.summaries(),
  ): RunOutcome {
    const refusals: RefusalCount[] = [...this.refusals.entries()]
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([reason, r]) => ({ reason, attempts: r.attempts, nodeRejections: r.nodeRejections }));
    const nodes: NodeUtilisation[] = this.perNode ?? [];
    const groups: NodeGroupUtilisation[] = this.groups;
    const summary: RunSummary = {
      all: classes.all,
      sgx: classes.sgx,
      standard: classes.standard,
      makespan: round(run.makespan),
      schedulerPasses: run.passes,
      placements: this.placements,
      restarts: this.restarts,
      refusals,
      pendingQueue: {
        t: this.pending.t.map(round),
        count: this.pending.count,
        sgxCount: this.pending.sgxCount,
        epcRequestedBytes: this.pending.epc,
        memoryRequestedBytes: this.pending.mem,
      },
      utilisation: { t: this.utilT, nodes, perNodeLimit: this.config.perNodeLimit, groups },
      events: run.events,
      ...(run.lateArrivals > 0 || run.lateEnds > 0
        ? { lateArrivals: run.lateArrivals, lateEnds: run.lateEnds }
        : {}),
    };
    return { summary, pods: this.rows };
  }
}
