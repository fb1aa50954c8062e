/**
 * What a replay creates: one pod per workload record, read and designated exactly as the simulator
 * does for a run (same trace reader, same thinning, same per-job SGX draw, same time origin), plus
 * the attacker pods of an attack scenario.
 */
import { recordToJob } from '../../sim/index.js';
import type { WorkloadSpec } from '../../sim/index.js';
import { designate, isPremapped, loadCachedWorkload, sgxJobShare } from '../../sim/workload/source.js';
import type { WorkloadProvenance } from '../../trace/index.js';
import { podName } from './names.js';

const PAGE_BYTES = 4096;

export type ItemKind = 'sgx' | 'standard' | 'attacker';

/** One pod to create. Times are trace seconds from the window start. */
export interface ReplayItem {
  readonly name: string;
  /** Workload record id (`attacker-<n>` for attackers). */
  readonly recordId: string;
  readonly kind: ItemKind;
  readonly submit: number;
  readonly duration: number;
  /** EPC bytes for SGX pods and attackers, memory bytes for standard pods. */
  readonly requestBytes: number;
  /** What the workload really allocates (its enclave or its memory). */
  readonly usageBytes: number;
  readonly cpuMillis: number;
  /** Attackers pinned to a node (one per SGX node, as the simulator places them). */
  readonly nodeName?: string;
}

/** Attack scenario: attackers request one page and use `fraction` of a node's usable EPC. */
export interface AttackSpec {
  readonly fraction: number;
  /**
   * One attacker per listed SGX node, pinned to it (the simulator's placement), or `count`
   * attackers left to the scheduler (the paper's runner), each sized on `epcBytes`.
   */
  readonly targets:
    | { readonly kind: 'per-node'; readonly nodes: readonly { name: string; epcBytes: number }[] }
    | { readonly kind: 'count'; readonly count: number; readonly epcBytes: number };
}

export interface PlanOptions {
  readonly runId: string;
  readonly workload: WorkloadSpec;
  readonly sgxShare: number;
  readonly seed: number;
  readonly attack?: AttackSpec;
}

export interface ReplayPlan {
  readonly items: readonly ReplayItem[];
  readonly provenance: WorkloadProvenance;
  /** Trace time (seconds) of replay time 0: the window start, else the first arrival. */
  readonly origin: number;
  /** Trace seconds from origin to the last arrival (attackers run until then plus the longest pod). */
  readonly span: number;
  /** Share of jobs that are SGX: the option's, or a JSON Lines workload's own (its records say). */
  readonly sgxShare: number;
}

export async function buildPlan(o: PlanOptions): Promise<ReplayPlan> {
  const w = await loadCachedWorkload(o.workload);
  const origin = o.workload.from ?? w.records[0]?.submit ?? 0;
  const items: ReplayItem[] = [];
  let span = 0;
  for (const r of w.records) {
    const job = recordToJob(designate(r, o.sgxShare, o.seed, w), origin);
    items.push({
      name: podName(o.runId, job.id),
      recordId: job.id,
      kind: job.sgx ? 'sgx' : 'standard',
      submit: job.submit,
      duration: job.duration,
      requestBytes: job.requestBytes,
      usageBytes: job.usageBytes,
      cpuMillis: job.cpuMillis,
    });
    span = Math.max(span, job.submit + job.duration);
  }
  const attackers = o.attack === undefined ? [] : attackerItems(o.runId, o.attack, span);
  const sgxShare = isPremapped(w) ? sgxJobShare(w) : o.sgxShare;
  return { items: [...attackers, ...items], provenance: w.provenance, origin, span, sgxShare };
}

/** Attackers arrive at time 0 and stay for the whole replay, like the simulator's. */
function attackerItems(runId: string, a: AttackSpec, span: number): ReplayItem[] {
  const usage = (epcBytes: number): number => Math.floor((a.fraction * epcBytes) / PAGE_BYTES) * PAGE_BYTES;
  const make = (id: string, epcBytes: number, nodeName?: string): ReplayItem => ({
    name: podName(runId, id),
    recordId: id,
    kind: 'attacker',
    submit: 0,
    duration: span,
    requestBytes: PAGE_BYTES,
    usageBytes: usage(epcBytes),
    cpuMillis: 0,
    ...(nodeName === undefined ? {} : { nodeName }),
  });
  if (a.targets.kind === 'per-node')
    return a.targets.nodes.map((n) => make(`attacker-${n.name}`, n.epcBytes, n.name));
  const out: ReplayItem[] = [];
  for (let i = 1; i <= a.targets.count; i++) out.push(make(`attacker-${i}`, a.targets.epcBytes));
  return out;
}
