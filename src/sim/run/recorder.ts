import type { Cluster } from '../cluster/cluster.js';
import { POD_ROWS_IN_JSON_LIMIT } from '../results/types.js';
import type {
  NodeGroupUtilisation,
  NodeUtilisation,
  PodClassSummary,
  PodRow,
  RefusalCount,
  RefusalReason,
  RunSummary,
} from '../results/types.js';
import { QuantileCollector, round } from '../results/stats.js';
import type { RunConfig } from './config.js';

/** What the recorder reads from a node when it samples utilisation. */
export interface NodeSample {
  readonly spec: {
    readonly name: string;
    readonly sgx: boolean;
    readonly epcBytes: number;
    readonly memoryBytes: number;
  };
  readonly residentEpc: number;
  readonly requestedEpc: number;
  readonly residentMem: number;
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

class ClassStats {
  pods = 0;
  finished = 0;
  failed = 0;
  neverPlaced = 0;
  readonly waiting = new QuantileCollector();
  readonly turnaround = new QuantileCollector();
  readonly slowdown = new QuantileCollector();

  add(row: PodRow): void {
    this.pods++;
    if (row.outcome === 'finished') this.finished++;
    else if (row.outcome === 'failed') this.failed++;
    else this.neverPlaced++;
    if (row.start !== null) this.waiting.add(Math.max(0, row.start - row.submit));
    if (row.outcome === 'finished' && row.end !== null) {
      this.turnaround.add(Math.max(0, row.end - row.submit));
      if (row.slowdown !== null) this.slowdown.add(row.slowdown);
    }
  }

  summary(): PodClassSummary {
    return {
      pods: this.pods,
      finished: this.finished,
      failed: this.failed,
      neverPlaced: this.neverPlaced,
      waiting: this.waiting.summary(),
      turnaround: this.turnaround.summary(),
      slowdown: this.slowdown.summary(),
    };
  }
}

/**
 * Accumulates what a run measures, as it happens: pod rows (streamed to `onPod`, kept in memory
 * for small runs), per-class distributions, the pending queue and utilisation series, refusals.
 * Memory grows with the number of samples and of kept rows only.
 */
export class RunRecorder {
  private readonly all = new ClassStats();
  private readonly sgx = new ClassStats();
  private readonly standard = new ClassStats();
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
  private readonly groups: {
    group: 'sgx' | 'standard';
    nodes: number;
    epcMean: number[];
    epcMax: number[];
    memoryMean: number[];
    memoryMax: number[];
  }[];

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

  pod(row: PodRow): void {
    this.onPod?.(row);
    if (this.rows !== undefined) {
      this.rows.push(row);
      if (this.rows.length > POD_ROWS_IN_JSON_LIMIT) this.rows = undefined;
    }
    if (row.attacker) return;
    this.all.add(row);
    (row.isSgx ? this.sgx : this.standard).add(row);
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

  utilisationSample(t: number, nodes: readonly NodeSample[], last: boolean): void {
    if (last && this.utilT.length > 0 && this.utilT[this.utilT.length - 1] === t) return;
    this.utilT.push(round(t));
    const acc = [
      { epcSum: 0, epcMax: 0, memSum: 0, memMax: 0 },
      { epcSum: 0, epcMax: 0, memSum: 0, memMax: 0 },
    ];
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i]!;
      const epc = n.spec.sgx && n.spec.epcBytes > 0 ? n.residentEpc / n.spec.epcBytes : 0;
      const mem = n.spec.memoryBytes > 0 ? n.residentMem / n.spec.memoryBytes : 0;
      const g = acc[n.spec.sgx ? 0 : 1]!;
      g.epcSum += epc;
      if (epc > g.epcMax) g.epcMax = epc;
      g.memSum += mem;
      if (mem > g.memMax) g.memMax = mem;
      const row = this.perNode?.[i];
      if (row !== undefined) {
        if (n.spec.sgx) {
          row.epc.push(round(epc));
          row.epcRequested.push(round(n.spec.epcBytes > 0 ? n.requestedEpc / n.spec.epcBytes : 0));
        }
        row.memory.push(round(mem));
      }
    }
    this.groups.forEach((g, k) => {
      const a = acc[k]!;
      const count = Math.max(1, g.nodes);
      if (g.group === 'sgx') {
        g.epcMean.push(round(a.epcSum / count));
        g.epcMax.push(round(a.epcMax));
      }
      g.memoryMean.push(round(a.memSum / count));
      g.memoryMax.push(round(a.memMax));
    });
  }

  finish(run: {
    makespan: number;
    passes: number;
    events: number;
    lateArrivals: number;
    lateEnds: number;
  }): RunOutcome {
    const refusals: RefusalCount[] = [...this.refusals.entries()]
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([reason, r]) => ({ reason, attempts: r.attempts, nodeRejections: r.nodeRejections }));
    const nodes: NodeUtilisation[] = this.perNode ?? [];
    const groups: NodeGroupUtilisation[] = this.groups;
    const summary: RunSummary = {
      all: this.all.summary(),
      sgx: this.sgx.summary(),
      standard: this.standard.summary(),
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
