/**
 * Synthetic results with the shape the simulator writes: for the renderer's tests, the browser test
 * and the report benchmark (which needs a month-long, 757,000-pod run without running one).
 * Deterministic: a small linear congruential generator, seeded.
 */
import type {
  Distribution,
  EnforcementMode,
  ExperimentResult,
  ExperimentRun,
  NodeUtilisation,
  PodClassSummary,
  RefusalReason,
  RunResult,
  SweepAxis,
  SweepValue,
} from '../sim/results/types.js';
import { QuantileCollector } from '../sim/results/stats.js';

export interface SampleOptions {
  readonly name?: string;
  readonly description?: string;
  readonly policies?: readonly string[];
  readonly sgxShares?: readonly number[];
  readonly epcMiBs?: readonly number[];
  readonly attackerFractions?: readonly number[];
  readonly enforcements?: readonly EnforcementMode[];
  /** Nodes per cluster (half of them SGX); per-node utilisation is kept up to `perNodeLimit`. */
  readonly nodes?: number;
  readonly perNodeLimit?: number;
  /** Samples of every time series (pending queue, utilisation). */
  readonly samples?: number;
  /** Seconds between samples. */
  readonly samplePeriod?: number;
  /** Workload pods per run. */
  readonly pods?: number;
  readonly seed?: number;
  /** Set `wallMs` on each run, as in memory after a live simulation. */
  readonly wallMs?: number;
}

class Lcg {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }
  next(): number {
    this.state = (Math.imul(this.state, 1664525) + 1013904223) >>> 0;
    return this.state / 4294967296;
  }
}

const MIB = 1024 * 1024;

/** Summarised exactly as the simulator summarises its runs. */
function distribution(values: readonly number[]): Distribution {
  const collector = new QuantileCollector();
  for (const v of values) collector.add(v);
  return collector.summary();
}

function podClass(rng: Lcg, pods: number, scale: number, paging: number): PodClassSummary {
  const n = Math.min(pods, 400);
  const waits: number[] = [];
  const turn: number[] = [];
  const slow: number[] = [];
  for (let i = 0; i < n; i++) {
    const w = rng.next() < 0.4 ? 0 : -Math.log(1 - rng.next()) * scale;
    const d = 30 + rng.next() * 600;
    const s = 1 + (rng.next() < paging ? rng.next() * 4 * paging : 0);
    waits.push(w);
    turn.push(w + d * s);
    slow.push(s);
  }
  const failed = Math.floor(pods * 0.01);
  const neverPlaced = Math.floor((pods * 0.005 * scale) / 60);
  const finished = pods - failed - neverPlaced;
  // The values are a sample of at most 400 pods (a month-long run has 757,000); their counts are
  // those the simulator would give: every placed pod started, and the finished ones have an end.
  return {
    pods,
    finished,
    failed,
    neverPlaced,
    waiting: { ...distribution(waits), count: n === 0 ? 0 : pods - neverPlaced },
    turnaround: { ...distribution(turn), count: n === 0 ? 0 : finished },
    slowdown: { ...distribution(slow), count: n === 0 ? 0 : finished },
  };
}

function run(
  o: Required<Omit<SampleOptions, 'wallMs'>> & { wallMs?: number },
  params: Record<SweepAxis, SweepValue>,
  index: number,
): RunResult {
  const rng = new Lcg(o.seed * 7919 + index * 104729);
  const policy = String(params.policy);
  const sgxShare = Number(params.sgxShare);
  const epcMiB = Number(params.epcMiB);
  const attackerFraction = Number(params.attackerFraction);
  const enforcement = params.enforcement as EnforcementMode;
  const usableEpc = (epcMiB * MIB * 3) / 4 - 2621440;
  const pressure =
    (0.5 + sgxShare) * (128 / epcMiB) * (policy === 'spread' ? 0.8 : 1) * (1 + attackerFraction * 2);
  const paging = enforcement === 'none' ? Math.min(0.9, attackerFraction + 0.05 * sgxShare) : 0.02;
  const t: number[] = [];
  const count: number[] = [];
  const sgxCount: number[] = [];
  const epcReq: number[] = [];
  const memReq: number[] = [];
  let q = 0;
  for (let i = 0; i < o.samples; i++) {
    t.push(i * o.samplePeriod);
    const phase = Math.sin((i / o.samples) * Math.PI * 3) + 1;
    q = Math.max(0, q + Math.round((rng.next() - 0.5) * 6 + phase * pressure - 1.2));
    count.push(q);
    const sq = Math.round(q * sgxShare);
    sgxCount.push(sq);
    epcReq.push(Math.round(sq * 16 * MIB * (0.9 + 0.2 * rng.next())));
    memReq.push(q * 512 * MIB);
  }
  const sgxNodes = Math.max(1, Math.floor(o.nodes / 2));
  const names = Array.from({ length: o.nodes }, (_, i) =>
    i < sgxNodes ? `sgx-${i + 1}` : `std-${i + 1 - sgxNodes}`,
  );
  const nodeSeries: NodeUtilisation[] = [];
  const groupEpc: number[][] = [];
  const groupMem: number[][][] = [[], []];
  // Big clusters keep only group aggregates: draw them from a few representative nodes.
  const perNode = o.nodes <= o.perNodeLimit;
  const simulated = perNode ? o.nodes : Math.min(o.nodes, 8);
  for (let k = 0; k < simulated; k++) {
    const sgx = perNode ? k < sgxNodes : k < simulated / 2;
    const epc: number[] = [];
    const epcRequested: number[] = [];
    const memory: number[] = [];
    let e = rng.next() * 0.3;
    let m = rng.next() * 0.3;
    for (let i = 0; i < o.samples; i++) {
      e = Math.min(
        1.3,
        Math.max(0, e + (rng.next() - 0.5) * 0.08 + (pressure - 1) * 0.004 + attackerFraction * 0.003),
      );
      m = Math.min(1, Math.max(0, m + (rng.next() - 0.5) * 0.05));
      if (sgx) {
        epc.push(e);
        epcRequested.push(Math.min(1, e * 0.8));
      }
      memory.push(m);
    }
    if (sgx) groupEpc.push(epc);
    groupMem[sgx ? 0 : 1]!.push(memory);
    if (perNode) nodeSeries.push({ node: names[k]!, sgx, epc, epcRequested, memory });
  }
  const agg = (series: number[][], f: (v: number[]) => number): number[] =>
    Array.from({ length: series.length === 0 ? 0 : o.samples }, (_, i) => f(series.map((s) => s[i]!)));
  const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
  const max = (v: number[]): number => Math.max(...v);
  const pods = o.pods;
  const sgxPods = Math.round(pods * sgxShare);
  const reasons: RefusalReason[] = ['insufficient-cpu', 'insufficient-epc', 'insufficient-memory', 'no-sgx'];
  const summaryAll = podClass(rng, pods, 20 * pressure, paging * sgxShare);
  return {
    meta: {
      runId: `${policy}-sgx${Math.round(sgxShare * 100)}-epc${epcMiB}-att${Math.round(attackerFraction * 100)}-${enforcement}-seed${o.seed}`,
      trace: {
        sources: ['data/borg-hour.jsonl.gz'],
        window: { start: 6480, end: 10080 },
        keepOneIn: 20,
        thinBy: 'record',
        recordsRead: pods * 20,
        recordsKept: pods,
        skipped: { 'zero-duration': 12, 'no-usage': 3 },
        usageModel: 'borg-max-memory',
      },
      cluster: {
        name: 'paper',
        nodes: o.nodes,
        sgxNodes,
        epcBytesPerSgxNode: usableEpc,
        totalEpcBytes: usableEpc * sgxNodes,
        totalMemoryBytes: o.nodes * 32 * 1024 * MIB,
      },
      policy,
      seed: o.seed,
      sgxShare,
      epcMiB,
      attackerFraction,
      enforcement,
      schedulerPeriod: 5,
      probe: { periodSeconds: 7, windowSeconds: 25 },
      startupDelay: 2,
      overcommitTolerance: 1,
      pagingModel: 'linear(overcommit, 4x at 2x)',
      horizon: o.samples * o.samplePeriod,
      version: '0.1.0',
      schemaVersion: '1.0',
      ...(o.wallMs === undefined ? {} : { wallMs: o.wallMs }),
    },
    summary: {
      all: summaryAll,
      sgx: podClass(rng, sgxPods, 30 * pressure, paging),
      standard: podClass(rng, pods - sgxPods, 10 * pressure, 0),
      makespan: o.samples * o.samplePeriod,
      schedulerPasses: o.samples,
      placements: pods,
      restarts: enforcement === 'einit' ? Math.round(attackerFraction * 50) : 0,
      refusals: reasons.map((reason, i) => ({
        reason,
        attempts: Math.round(rng.next() * 200 * pressure * (i + 1)),
        nodeRejections: Math.round(rng.next() * 800 * pressure * (i + 1)),
      })),
      pendingQueue: { t, count, sgxCount, epcRequestedBytes: epcReq, memoryRequestedBytes: memReq },
      utilisation: {
        t,
        nodes: nodeSeries,
        perNodeLimit: o.perNodeLimit,
        groups: [
          {
            group: 'sgx',
            nodes: sgxNodes,
            epcMean: agg(groupEpc, mean),
            epcMax: agg(groupEpc, max),
            memoryMean: agg(groupMem[0]!, mean),
            memoryMax: agg(groupMem[0]!, max),
          },
          {
            group: 'standard',
            nodes: o.nodes - sgxNodes,
            epcMean: [],
            epcMax: [],
            memoryMean: agg(groupMem[1]!, mean),
            memoryMax: agg(groupMem[1]!, max),
          },
        ],
      },
      events: pods * 4,
    },
    podsCsv: 'pods.csv',
  };
}

/** A synthetic results set sweeping the given axes (every combination, in axis order). */
export function sampleResults(options: SampleOptions = {}): ExperimentResult {
  const o = {
    name: options.name ?? 'main',
    description: options.description ?? 'Synthetic results',
    policies: options.policies ?? ['binpack', 'spread'],
    sgxShares: options.sgxShares ?? [0.5],
    epcMiBs: options.epcMiBs ?? [128],
    attackerFractions: options.attackerFractions ?? [0],
    enforcements: options.enforcements ?? ['none'],
    nodes: options.nodes ?? 4,
    perNodeLimit: options.perNodeLimit ?? 200,
    samples: options.samples ?? 720,
    samplePeriod: options.samplePeriod ?? 5,
    pods: options.pods ?? 900,
    seed: options.seed ?? 1,
    ...(options.wallMs === undefined ? {} : { wallMs: options.wallMs }),
  };
  const axes: { axis: SweepAxis; values: SweepValue[] }[] = [];
  if (o.policies.length > 1) axes.push({ axis: 'policy', values: [...o.policies] });
  if (o.sgxShares.length > 1) axes.push({ axis: 'sgxShare', values: [...o.sgxShares] });
  if (o.epcMiBs.length > 1) axes.push({ axis: 'epcMiB', values: [...o.epcMiBs] });
  if (o.attackerFractions.length > 1)
    axes.push({ axis: 'attackerFraction', values: [...o.attackerFractions] });
  if (o.enforcements.length > 1) axes.push({ axis: 'enforcement', values: [...o.enforcements] });
  const runs: ExperimentRun[] = [];
  for (const enforcement of o.enforcements)
    for (const attackerFraction of o.attackerFractions)
      for (const epcMiB of o.epcMiBs)
        for (const sgxShare of o.sgxShares)
          for (const policy of o.policies) {
            const all: Record<SweepAxis, SweepValue> = {
              policy,
              sgxShare,
              epcMiB,
              attackerFraction,
              enforcement,
              cluster: 'paper',
              seed: o.seed,
            };
            const params: Partial<Record<SweepAxis, SweepValue>> = {};
            for (const a of axes) params[a.axis] = all[a.axis];
            runs.push({ params, index: runs.length, result: run(o, all, runs.length) });
          }
  return {
    schemaVersion: '1.0',
    name: o.name,
    description: o.description,
    axes,
    totalRuns: runs.length,
    shard: { index: 0, count: 1 },
    runs,
    version: '0.1.0',
  };
}
