import { usableEpcBytes, USABLE_EPC_128MIB_BYTES } from '../../core/index.js';
import { TraceInputError, sortedSkipped } from '../../trace/index.js';
import type { WorkloadRecord } from '../../trace/index.js';
import { BUILTIN_CLUSTERS } from '../cluster/builtins.js';
import { clusterRefProblem } from '../cluster/cluster-ref.js';
import { borgCluster, readBorgMachines } from '../cluster/borg.js';
import { describeCluster, expandCluster, withEpcReservedMiB } from '../cluster/cluster.js';
import type { Cluster } from '../cluster/cluster.js';
import { loadClusterSpecFile } from '../cluster/spec.js';
import { SimConfigError } from '../config/structured-file.js';
import { pagingModel } from '../model/paging.js';
import { simulate } from '../run/simulation.js';
import type { RunConfig } from '../run/config.js';
import type { RunProgress } from '../run/simulation.js';
import { nodesToScoreOf } from '../run/config.js';
import type { SimJob } from '../run/job.js';
import { PodCsvWriter } from '../results/pod-csv.js';
import { RESULTS_SCHEMA_VERSION } from '../results/types.js';
import type { RunMetadata, RunResult, SweepAxis, SweepValue, TraceMetadata } from '../results/types.js';
import { recordToJob } from '../workload/from-records.js';
import { designate, isPremapped, loadCachedWorkload, sgxJobShare } from '../workload/source.js';
import type { LoadedWorkload, WorkloadSpec } from '../workload/source.js';
import { bundledMachineEvents } from './bundled.js';
import { borgTaskStream } from '../workload/borg-stream.js';
import { DEFAULT_EPC_BYTES_PER_UNIT, DEFAULT_MEMORY_BYTES_PER_UNIT } from '../../trace/index.js';

/** A cluster by name: a built-in, `borg` (from machine_events) or a YAML/JSON spec file. */
export interface ClusterRef {
  readonly name: string;
  /** `borg` only: share of machines with SGX (default 0.25). */
  readonly sgxNodeShare?: number;
  /** `borg` only: machine_events files (default: the bundled table). */
  readonly machines?: readonly string[];
}

/** Everything one run needs: plain data, so that it can run on a worker thread. */
export interface RunSpec {
  /** Position in the sweep. */
  readonly index: number;
  readonly params: Readonly<Partial<Record<SweepAxis, SweepValue>>>;
  readonly workload: WorkloadSpec;
  /** Share of jobs designated SGX (per job, seeded with `config.seed`). */
  readonly sgxShare: number;
  readonly cluster: ClusterRef;
  /** PRM size in MiB applied to every SGX node (paper formula); null = the cluster's own EPC. */
  readonly epcMiB: number | null;
  readonly config: RunConfig;
  /** Pods CSV: absolute path to write, and the path recorded in the result; null = no CSV. */
  readonly podsCsv: { readonly path: string; readonly relative: string } | null;
  /** sgx-orchestrator version, recorded in the metadata. */
  readonly version: string;
}

const clusterCache = new Map<string, Promise<Cluster>>();

/** Materialises a cluster reference (cached per process: `borg` reads a 12,583-machine table). */
export function resolveCluster(ref: ClusterRef, seed: number): Promise<Cluster> {
  const key = JSON.stringify([ref, ref.name === 'borg' ? seed : 0]);
  let hit = clusterCache.get(key);
  if (hit === undefined) {
    hit = loadCluster(ref, seed);
    clusterCache.set(key, hit);
    hit.catch(() => clusterCache.delete(key));
  }
  return hit;
}

async function loadCluster(ref: ClusterRef, seed: number): Promise<Cluster> {
  const builtin = BUILTIN_CLUSTERS.get(ref.name);
  if (builtin !== undefined) return expandCluster(builtin);
  if (ref.name === 'borg') {
    const files = ref.machines ?? [bundledMachineEvents()];
    const machines = await readBorgMachines(files);
    return borgCluster(machines, {
      sgxNodeShare: ref.sgxNodeShare ?? 0.25,
      seed,
      epcBytes: USABLE_EPC_128MIB_BYTES,
      epcReservedMiB: 128,
      memoryBytesPerUnit: 32 * 2 ** 30,
      cpuMillisPerUnit: 0,
    });
  }
  const problem = clusterRefProblem(ref.name);
  if (problem !== undefined)
    throw new SimConfigError('(cluster)', [{ field: 'cluster', line: null, message: problem }]);
  return expandCluster(loadClusterSpecFile(ref.name));
}

/** Runs one point of a sweep and returns its result (writing its pods CSV when asked). */
export async function executeRun(spec: RunSpec, onProgress?: (p: RunProgress) => void): Promise<RunResult> {
  const started = performance.now();
  if (spec.workload.stream === true) return executeStreamedRun(spec, started, onProgress);
  let cluster = await resolveCluster(spec.cluster, spec.config.seed);
  if (spec.epcMiB !== null) cluster = withEpcReservedMiB(cluster, spec.epcMiB);
  const workload = await loadCachedWorkload(spec.workload);
  if (isPremapped(workload) && spec.params.sgxShare !== undefined)
    throw new TraceInputError(
      `${workload.provenance.sources.join(', ')}: JSON Lines records say themselves which are SGX (their sgx field): the SGX share cannot be swept over them; drop the sgxShare sweep (--sgx-share)`,
    );
  const origin = spec.workload.from ?? workload.records[0]?.submit ?? 0;
  const csv = spec.podsCsv === null ? null : new PodCsvWriter(spec.podsCsv.path);
  let outcome;
  try {
    outcome = await simulate({
      cluster,
      jobs: designatedJobs(workload, spec.sgxShare, spec.config.seed, origin),
      config: spec.config,
      ...(csv === null ? {} : { onPod: (row) => csv.write(row) }),
      ...(onProgress === undefined ? {} : { onProgress }),
    });
  } finally {
    csv?.close();
  }
  const meta = runMetadata(
    // JSON Lines records keep their designation: the share recorded is theirs.
    isPremapped(workload) ? { ...spec, sgxShare: sgxJobShare(workload) } : spec,
    cluster,
    traceMetadata(workload, origin, outcome.summary.makespan),
    outcome.summary.makespan,
  );
  return {
    meta: { ...meta, wallMs: Math.round(performance.now() - started) },
    summary: outcome.summary,
    ...(outcome.pods === undefined ? {} : { pods: outcome.pods }),
    podsCsv: spec.podsCsv?.relative ?? null,
  };
}

/** A run over a Borg task_events stream (`WorkloadSpec.stream`): nothing of the trace is held. */
async function executeStreamedRun(
  spec: RunSpec,
  started: number,
  onProgress: ((p: RunProgress) => void) | undefined,
): Promise<RunResult> {
  const w = spec.workload;
  const stream = borgTaskStream({
    files: w.sources,
    sgxShare: spec.sgxShare,
    seed: spec.config.seed,
    epcBytesPerUnit: w.epcBytesPerUnit ?? DEFAULT_EPC_BYTES_PER_UNIT,
    memoryBytesPerUnit: w.memoryBytesPerUnit ?? DEFAULT_MEMORY_BYTES_PER_UNIT,
    cpuMillisPerUnit: w.cpuMillisPerUnit ?? 0,
  });
  // The trace's first hour is read (the stream's lookahead) while the cluster is built: on the Borg
  // cell, reading its 12,583 machines takes about as long.
  stream.start();
  let cluster: Cluster;
  let outcome;
  try {
    cluster = await resolveCluster(spec.cluster, spec.config.seed);
    if (spec.epcMiB !== null) cluster = withEpcReservedMiB(cluster, spec.epcMiB);
    // A streamed replay is long: its ended pods are counted, and their CSV written, on a thread of
    // their own.
    outcome = await simulate({
      cluster,
      stream,
      config: spec.config,
      podsOnThread: true,
      ...(spec.podsCsv === null ? {} : { podsCsvPath: spec.podsCsv.path }),
      ...(onProgress === undefined ? {} : { onProgress }),
    });
  } finally {
    // The run closes the stream; this is for a failure before it (a cluster that cannot be read).
    await stream.close();
  }
  const c = stream.counts();
  const skipped: Record<string, number> = {};
  // The keys a loaded workload's `skipped` has.
  for (const [reason, n] of Object.entries(c.issues)) if (n > 0) skipped[reason] = n;
  if (c.neverScheduled > 0) skipped['never-scheduled'] = c.neverScheduled;
  if (c.timeZeroRows > 0) skipped['time-zero'] = c.timeZeroRows;
  if (c.zeroMemory > 0) skipped['zero-memory'] = c.zeroMemory;
  const trace: TraceMetadata = {
    sources: w.sources,
    window: null,
    keepOneIn: 1,
    thinBy: 'record',
    recordsRead: c.rows,
    recordsKept: c.placements,
    skipped: sortedSkipped(skipped),
    usageModel: 'request (task_events has requests only, no measured usage); streamed',
  };
  const meta = runMetadata(spec, cluster, trace, outcome.summary.makespan);
  return {
    meta: { ...meta, wallMs: Math.round(performance.now() - started) },
    summary: outcome.summary,
    ...(outcome.pods === undefined ? {} : { pods: outcome.pods }),
    podsCsv: spec.podsCsv?.relative ?? null,
  };
}

function* designatedJobs(w: LoadedWorkload, share: number, seed: number, origin: number): Generator<SimJob> {
  for (const r of w.records as readonly WorkloadRecord[])
    yield recordToJob(designate(r, share, seed, w), origin);
}

/** The trace side of the metadata of a run over a loaded workload. */
function traceMetadata(w: LoadedWorkload, origin: number, makespan: number): TraceMetadata {
  const p = w.provenance;
  return {
    sources: p.sources,
    window:
      p.window === null ? null : { start: p.window.start ?? origin, end: p.window.end ?? origin + makespan },
    keepOneIn: p.keepOneIn,
    thinBy: p.thinBy,
    recordsRead: p.recordsRead,
    recordsKept: p.recordsKept,
    skipped: p.skipped,
    usageModel: p.usageModel,
  };
}

function runMetadata(spec: RunSpec, cluster: Cluster, trace: TraceMetadata, makespan: number): RunMetadata {
  const c = spec.config;
  const sampled = nodesToScoreOf(c);
  return {
    runId: c.runId,
    trace,
    cluster: {
      name: cluster.name,
      ...describeCluster(cluster),
      ...(cluster.machineEvents === undefined ? {} : { machineEvents: cluster.machineEvents }),
    },
    policy: c.policy,
    seed: c.seed,
    sgxShare: spec.sgxShare,
    epcMiB: spec.epcMiB,
    attackerFraction: c.attackerFraction,
    enforcement: c.enforcement,
    schedulerPeriod: c.schedulerPeriod,
    probe: c.probe,
    startupDelay: c.startupDelay,
    overcommitTolerance: c.tolerance,
    ...(sampled === undefined ? {} : { percentageOfNodesToScore: sampled }),
    pagingModel: pagingModel(c.paging).name,
    horizon: c.horizon ?? makespan,
    horizonSet: c.horizon !== null,
    version: spec.version,
    schemaVersion: RESULTS_SCHEMA_VERSION,
  };
}

/** Usable EPC for a PRM size, for messages. */
export function epcLabel(mib: number): string {
  return `${mib} MiB PRM (${(usableEpcBytes(mib) / 2 ** 20).toFixed(1)} MiB usable)`;
}
