/**
 * Turns the pods of a replay back into results in the simulator's format: one `PodRow` per pod and
 * a `RunSummary` built by the simulator's own recorder (same distributions, same pending-queue and
 * utilisation series), so `report` draws a live run and a simulated one the same way.
 *
 * Times come back in trace seconds from the window start: (wall ms - origin) / 1000 x compression.
 * Sources, most precise first: submit = the replayer's create stamp (ms), else creationTimestamp;
 * scheduled = the Scheduled event (µs eventTime), else the PodScheduled condition; start = the
 * container's startedAt, else status.startTime; end = the container's finishedAt. Kubernetes keeps
 * whole seconds in the last three, so with compression F they are exact to F trace seconds.
 */
import { EPC_RESOURCE_NAMES, epcBytesFromResource, parseBytes, parseMillis } from '../../core/index.js';
import { DEFAULT_RUN_CONFIG, RESULTS_SCHEMA_VERSION, describeCluster } from '../../sim/index.js';
import type {
  Cluster,
  EnforcementMode,
  ExperimentResult,
  PodOutcome,
  PodRow,
  RunResult,
  SimNode,
  FailureReason,
} from '../../sim/index.js';
import { RunRecorder } from '../../sim/run/recorder.js';
import { NodeTable } from '../../sim/run/node-table.js';
import type { PodEventRecord, RawNode, RawPod } from './api.js';
import { ANNOTATIONS, KIND_LABEL } from './names.js';
import type { ReplayState } from './state.js';

const PAGE_BYTES = 4096;

export interface CollectOptions {
  readonly runId: string;
  /** Policy name recorded in the results (the live scheduler's profile; collect cannot see it). */
  readonly policy: string;
  readonly enforcement: EnforcementMode;
  /** The replay's state file, when available: trace provenance, share, seed, origin. */
  readonly state?: ReplayState;
  /** Wall-clock ms of the collection: pods still running are cut there. */
  readonly collectedAtMs: number;
  readonly version: string;
  /** Utilisation sampling period in trace seconds (default: 30, coarser for long runs). */
  readonly sampleSeconds?: number;
}

/** One pod read back, before it becomes a row (times in trace seconds, null when unknown). */
export interface CollectedPod {
  readonly row: PodRow;
  readonly scheduled: number | null;
  readonly requestBytes: number;
  readonly usageBytes: number;
}

export interface CollectOutcome {
  readonly result: ExperimentResult;
  readonly rows: readonly PodRow[];
  /** Pods skipped because they lack the replay annotations (named, with the missing field). */
  readonly skipped: readonly string[];
}

function ms(text: string | undefined): number | null {
  if (text === undefined || text === '') return null;
  const v = Date.parse(text);
  return Number.isFinite(v) ? v : null;
}

function numberAnnotation(p: RawPod, key: string): number | null {
  const t = p.metadata.annotations?.[key];
  if (t === undefined || t.trim() === '') return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** A live node as the simulator's recorder sees it. */
export function simNodeOf(n: RawNode): SimNode {
  const alloc = n.status?.allocatable ?? n.status?.capacity ?? {};
  let epcBytes = 0;
  for (const name of EPC_RESOURCE_NAMES) {
    const q = alloc[name];
    if (q !== undefined) {
      try {
        epcBytes = Math.max(epcBytes, epcBytesFromResource(name, q));
      } catch {
        // An unparsable quantity: the node counts as having none of it.
      }
    }
  }
  const parse = (f: (t: string) => number, t: string | undefined): number => {
    if (t === undefined) return 0;
    try {
      return f(t);
    } catch {
      return 0;
    }
  };
  return {
    name: n.metadata.name,
    sgx: epcBytes > 0,
    epcBytes,
    epcReservedMiB: null,
    memoryBytes: parse(parseBytes, alloc['memory']),
    cpuMillis: parse(parseMillis, alloc['cpu']),
    labels: n.metadata.labels ?? {},
    taints: [],
  };
}

/** Reads one pod back; a string says which annotation is missing. */
export function collectPod(
  p: RawPod,
  events: readonly PodEventRecord[],
  o: { policy: string; originMs: number; compression: number; collectedAtMs: number },
): CollectedPod | string {
  const a = p.metadata.annotations ?? {};
  const record = a[ANNOTATIONS.record];
  const duration = numberAnnotation(p, ANNOTATIONS.duration);
  const requested = numberAnnotation(p, ANNOTATIONS.requestedPages);
  const actual = numberAnnotation(p, ANNOTATIONS.actualPages);
  if (record === undefined) return `${p.metadata.name}: annotation ${ANNOTATIONS.record} missing`;
  if (duration === null || requested === null || actual === null)
    return `${p.metadata.name}: annotations ${ANNOTATIONS.duration}, ${ANNOTATIONS.requestedPages} and ${ANNOTATIONS.actualPages} are required`;
  const trace = (t: number | null): number | null =>
    t === null ? null : round6(Math.max(0, ((t - o.originMs) / 1000) * o.compression));
  const kind = p.metadata.labels?.[KIND_LABEL] ?? 'standard';
  const created = numberAnnotation(p, ANNOTATIONS.createdAt) ?? ms(p.metadata.creationTimestamp);
  const mine = events.filter((e) => e.pod === p.metadata.name);
  const scheduledEvent = mine
    .filter((e) => e.reason === 'Scheduled' && e.at !== null)
    .reduce<number | null>((m, e) => (m === null || e.at! < m ? e.at : m), null);
  const condition = p.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'True');
  const nodeName = p.spec?.nodeName ?? null;
  const scheduledMs = nodeName === null ? null : (scheduledEvent ?? ms(condition?.lastTransitionTime));
  const cs = p.status?.containerStatuses?.[0];
  const startMs =
    ms(cs?.lastState?.terminated?.startedAt) ??
    ms(cs?.state?.running?.startedAt) ??
    ms(cs?.state?.terminated?.startedAt) ??
    ms(p.status?.startTime);
  const phase = p.status?.phase ?? 'Pending';
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const endMs = terminal ? ms(cs?.state?.terminated?.finishedAt) : null;
  const failedAttempts = mine.filter((e) => e.reason === 'FailedScheduling').reduce((s, e) => s + e.count, 0);
  let outcome: PodOutcome;
  let failureReason: FailureReason | null = null;
  if (phase === 'Succeeded') outcome = 'finished';
  else if (nodeName === null) outcome = 'never-placed';
  else {
    outcome = 'failed';
    // A Failed pod's cause is in its container status, not in our vocabulary; a live one was cut.
    if (!terminal) failureReason = 'cut-at-horizon';
  }
  const submit = trace(created) ?? numberAnnotation(p, ANNOTATIONS.submit) ?? 0;
  const start = trace(startMs);
  const end = trace(endMs);
  const row: PodRow = {
    jobId: record,
    duration,
    requestedPages: requested,
    actualPages: actual,
    isSgx: kind !== 'standard',
    submit,
    start,
    end,
    node: nodeName,
    attempts: failedAttempts + (nodeName === null ? 0 : 1),
    restarts: cs?.restartCount ?? 0,
    slowdown:
      outcome === 'finished' && start !== null && end !== null && duration > 0
        ? round6((end - start) / duration)
        : null,
    policy: o.policy,
    outcome,
    failureReason,
    attacker: kind === 'attacker',
  };
  return {
    row,
    scheduled: trace(scheduledMs),
    requestBytes: requested * PAGE_BYTES,
    usageBytes: actual * PAGE_BYTES,
  };
}

/** Builds the run's results from what the API server holds. */
export function collectRun(
  pods: readonly RawPod[],
  events: readonly PodEventRecord[],
  nodes: readonly RawNode[],
  o: CollectOptions,
): CollectOutcome {
  const first = pods[0];
  const originMs =
    o.state?.originMs ??
    (first === undefined ? null : numberAnnotation(first, ANNOTATIONS.origin)) ??
    o.collectedAtMs;
  const compression =
    o.state?.compression ??
    (first === undefined ? null : numberAnnotation(first, ANNOTATIONS.compression)) ??
    1;
  const byPod = new Map<string, PodEventRecord[]>();
  for (const e of events) {
    const list = byPod.get(e.pod);
    if (list === undefined) byPod.set(e.pod, [e]);
    else list.push(e);
  }
  const collected: CollectedPod[] = [];
  const skipped: string[] = [];
  const now = ((o.collectedAtMs - originMs) / 1000) * compression;
  for (const p of pods) {
    const c = collectPod(p, byPod.get(p.metadata.name) ?? [], {
      policy: o.policy,
      originMs,
      compression,
      collectedAtMs: o.collectedAtMs,
    });
    if (typeof c === 'string') skipped.push(c);
    else collected.push(c);
  }
  collected.sort(
    (x, y) =>
      x.row.submit - y.row.submit || (x.row.jobId < y.row.jobId ? -1 : x.row.jobId > y.row.jobId ? 1 : 0),
  );
  const rows = collected.map((c) => c.row);

  const simNodes = nodes.map(simNodeOf).sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  const cluster: Cluster = { name: 'live', description: 'the live cluster', nodes: simNodes };
  let makespan = 0;
  for (const r of rows) makespan = Math.max(makespan, r.end ?? (r.start !== null ? now : r.submit));
  makespan = round6(makespan);
  const sampleSeconds = o.sampleSeconds ?? Math.max(30, Math.ceil(makespan / 2000));
  const config = { ...DEFAULT_RUN_CONFIG, runId: o.runId, policy: o.policy, sampleSeconds };
  const recorder = new RunRecorder(cluster, config, undefined, true);
  for (const r of rows) recorder.pod(r);
  for (const c of collected) if (c.row.node !== null && !c.row.attacker) recorder.placed();
  sampleSeries(recorder, collected, simNodes, sampleSeconds, makespan);
  const outcome = recorder.finish({ makespan, passes: 0, events: 0, lateArrivals: 0, lateEnds: 0 });

  const delays = collected
    .filter((c) => c.scheduled !== null && c.row.start !== null)
    .map((c) => c.row.start! - c.scheduled!)
    .sort((x, y) => x - y);
  const d = o.state?.description;
  const result: RunResult = {
    meta: {
      runId: o.runId,
      trace: {
        sources: d?.sources ?? [],
        window: d?.window ?? null,
        keepOneIn: d?.keepOneIn ?? 1,
        // A state file from before thinBy was recorded: `replay` thinned by record then as now.
        thinBy: d?.thinBy ?? 'record',
        recordsRead: d?.recordsRead ?? rows.length,
        recordsKept: d?.recordsKept ?? rows.filter((r) => !r.attacker).length,
        skipped: d?.skipped ?? {},
        usageModel: d?.usageModel ?? 'as replayed (no state file given)',
      },
      cluster: { name: cluster.name, ...describeCluster(cluster) },
      policy: o.policy,
      seed: d?.seed ?? 0,
      sgxShare:
        d?.sgxShare ??
        round6(
          rows.filter((r) => r.isSgx && !r.attacker).length /
            Math.max(1, rows.filter((r) => !r.attacker).length),
        ),
      epcMiB: null,
      attackerFraction: d?.attackerFraction ?? 0,
      enforcement: o.enforcement,
      schedulerPeriod: null,
      probe: null,
      startupDelay: delays.length === 0 ? 0 : round6(delays[Math.floor(delays.length / 2)]!),
      overcommitTolerance: 1,
      pagingModel: 'measured on the live cluster',
      horizon: makespan,
      horizonSet: false,
      version: o.version,
      schemaVersion: RESULTS_SCHEMA_VERSION,
    },
    summary: outcome.summary,
    pods: rows,
    podsCsv: `pods/${o.runId}.csv`,
  };
  return {
    result: {
      schemaVersion: RESULTS_SCHEMA_VERSION,
      name: 'replay',
      description: `live replay ${o.runId} (time compression ${compression})`,
      axes: [],
      totalRuns: 1,
      shard: { index: 0, count: 1 },
      runs: [{ params: {}, index: 0, result }],
      version: o.version,
    },
    rows,
    skipped,
  };
}

interface Delta {
  readonly t: number;
  readonly node: number;
  readonly pending: number;
  readonly pendingSgx: number;
  readonly pendingEpc: number;
  readonly pendingMem: number;
  readonly residentEpc: number;
  readonly requestedEpc: number;
  readonly residentMem: number;
}

const ZERO: Omit<Delta, 't' | 'node'> = {
  pending: 0,
  pendingSgx: 0,
  pendingEpc: 0,
  pendingMem: 0,
  residentEpc: 0,
  requestedEpc: 0,
  residentMem: 0,
};

/** Pending queue and node utilisation at every sample time, by one sweep over sorted changes. */
function sampleSeries(
  recorder: RunRecorder,
  pods: readonly CollectedPod[],
  nodes: readonly SimNode[],
  step: number,
  horizon: number,
): void {
  const index = new Map(nodes.map((n, i) => [n.name, i]));
  const deltas: Delta[] = [];
  const add = (t: number | null, node: number, d: Partial<Omit<Delta, 't' | 'node'>>): void => {
    if (t !== null) deltas.push({ ...ZERO, ...d, t, node });
  };
  for (const c of pods) {
    const r = c.row;
    const sgx = r.isSgx;
    if (!r.attacker) {
      const p = {
        pending: 1,
        pendingSgx: sgx ? 1 : 0,
        pendingEpc: sgx ? c.requestBytes : 0,
        pendingMem: sgx ? 0 : c.requestBytes,
      };
      add(r.submit, -1, p);
      const leaves = c.scheduled ?? (r.node !== null ? r.start : null);
      add(leaves, -1, {
        pending: -1,
        pendingSgx: -p.pendingSgx,
        pendingEpc: -p.pendingEpc,
        pendingMem: -p.pendingMem,
      });
    }
    const n = r.node === null ? undefined : index.get(r.node);
    if (n === undefined) continue;
    const bound = c.scheduled ?? r.start;
    if (sgx) {
      add(bound, n, { requestedEpc: c.requestBytes });
      add(r.end, n, { requestedEpc: -c.requestBytes });
      add(r.start, n, { residentEpc: c.usageBytes });
      if (r.start !== null) add(r.end, n, { residentEpc: -c.usageBytes });
    } else if (r.start !== null) {
      add(r.start, n, { residentMem: c.usageBytes });
      add(r.end, n, { residentMem: -c.usageBytes });
    }
  }
  deltas.sort((x, y) => x.t - y.t);
  const totals = { ...ZERO };
  const table = new NodeTable(nodes);
  let k = 0;
  for (let t = 0; ; t = Math.min(horizon, t + step)) {
    while (k < deltas.length && deltas[k]!.t <= t) {
      const d = deltas[k++]!;
      totals.pending += d.pending;
      totals.pendingSgx += d.pendingSgx;
      totals.pendingEpc += d.pendingEpc;
      totals.pendingMem += d.pendingMem;
      if (d.node >= 0) {
        table.setResidentEpc(d.node, table.residentEpc(d.node) + d.residentEpc);
        table.setRequestedEpc(d.node, table.requestedEpc(d.node) + d.requestedEpc);
        table.setResidentMem(d.node, table.residentMem(d.node) + d.residentMem);
      }
    }
    recorder.pendingSample(t, totals.pending, totals.pendingSgx, totals.pendingEpc, totals.pendingMem);
    recorder.utilisationSample(t, table, t >= horizon);
    if (t >= horizon) break;
  }
}
