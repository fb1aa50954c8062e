import { fractionToBytes, isSgxJob, loadWorkload } from '../../trace/index.js';
import type { ThinBy, WorkloadFormat, WorkloadProvenance, WorkloadRecord } from '../../trace/index.js';
import { parseUsageModel } from '../../trace/index.js';

/**
 * Where a run's pods come from: trace files and how they are mapped. Plain data (crosses to worker
 * threads, appears in experiment specs). The SGX share and the seed are per run, not here.
 */
export interface WorkloadSpec {
  /** Trace files, folders or globs (task_events, task_usage, paper CSV, JSON Lines). */
  readonly sources: readonly string[];
  readonly format?: WorkloadFormat;
  /** Replayed window in trace seconds, [from, to). */
  readonly from?: number;
  readonly to?: number;
  /** Keep one in N (the paper's `-k`): of records, or of Borg jobs with `thinBy: 'job'`. */
  readonly keepOneIn: number;
  /**
   * What `keepOneIn` counts. `record` (default, as `simulate`, `replay` and every shipped spec):
   * every N-th record in arrival order, as the paper's runner kept every N-th line of its CSV (a
   * line being one task's measurement there), which keeps about 900 pods of the paper's hour.
   * `job`: whole Borg jobs, in order of first arrival.
   */
  readonly thinBy?: ThinBy;
  /**
   * Borg task_events only, whole input (no window, no thinning, usage = request): read the trace as
   * simulated time advances (`borgTaskStream`) instead of loading it, so that memory follows the live
   * tasks; for whole parts or the month.
   */
  readonly stream?: boolean;
  /** Usage model text for traces without measured usage: `request`, `ratio:1.2`, `uniform:0.5:1.5`. */
  readonly usage?: string;
  readonly initialPods?: 'drop' | 'load';
  readonly epcBytesPerUnit?: number;
  readonly memoryBytesPerUnit?: number;
  readonly cpuMillisPerUnit?: number;
}

/** The records of a workload spec, read once per process and re-designated for each SGX share. */
export interface LoadedWorkload {
  readonly records: readonly WorkloadRecord[];
  readonly provenance: WorkloadProvenance;
  /** Units used to turn fractions into bytes when a record is re-designated. */
  readonly epcBytesPerUnit: number;
  readonly memoryBytesPerUnit: number;
}

const cache = new Map<string, Promise<LoadedWorkload>>();

/** The cache key of a workload spec. */
export function workloadKey(spec: WorkloadSpec): string {
  return JSON.stringify(spec);
}

/** Seeds this process's cache with a workload read elsewhere (a worker gets it from the main thread). */
export function primeWorkload(key: string, workload: LoadedWorkload): void {
  cache.set(key, Promise.resolve(workload));
}

/**
 * Reads a workload with no SGX pods (the designation comes per run, see `designate`), caching it
 * per process: a sweep over SGX shares, policies and seeds reads its trace once per worker.
 */
export function loadCachedWorkload(spec: WorkloadSpec): Promise<LoadedWorkload> {
  const key = workloadKey(spec);
  let hit = cache.get(key);
  if (hit === undefined) {
    hit = readWorkload(spec);
    cache.set(key, hit);
    hit.catch(() => cache.delete(key));
  }
  return hit;
}

async function readWorkload(spec: WorkloadSpec): Promise<LoadedWorkload> {
  const workload = loadWorkload(spec.sources, mappingOf(spec, 0, 1));
  const records: WorkloadRecord[] = [];
  for await (const r of workload) records.push(r);
  const provenance = workload.provenance();
  return {
    records,
    provenance,
    epcBytesPerUnit: provenance.epcBytesPerUnit,
    memoryBytesPerUnit: provenance.memoryBytesPerUnit,
  };
}

/** Mapping options for the trace reader. */
export function mappingOf(
  spec: WorkloadSpec,
  sgxShare: number,
  seed: number,
): Parameters<typeof loadWorkload>[1] {
  return {
    ...(spec.format === undefined ? {} : { format: spec.format }),
    ...(spec.from === undefined ? {} : { from: spec.from }),
    ...(spec.to === undefined ? {} : { to: spec.to }),
    keepOneIn: spec.keepOneIn,
    thinBy: spec.thinBy ?? 'record',
    sgxShare,
    seed,
    ...(spec.usage === undefined ? {} : { usage: parseUsageModel(spec.usage) }),
    ...(spec.initialPods === undefined ? {} : { initialPods: spec.initialPods }),
    ...(spec.epcBytesPerUnit === undefined ? {} : { epcBytesPerUnit: spec.epcBytesPerUnit }),
    ...(spec.memoryBytesPerUnit === undefined ? {} : { memoryBytesPerUnit: spec.memoryBytesPerUnit }),
    ...(spec.cpuMillisPerUnit === undefined ? {} : { cpuMillisPerUnit: spec.cpuMillisPerUnit }),
  };
}

/**
 * A record with the SGX designation of a run: the trace's own per-job draw (`isSgxJob`, seeded by
 * job id, so the same job is SGX in every run with the same seed and a share that includes it) and
 * its memory fractions scaled to EPC or to memory as the trace mapping does. JSON Lines records are
 * already mapped and keep the designation and bytes they came with (`trace export` writes their
 * fractions too, for reference only).
 */
export function designate(r: WorkloadRecord, share: number, seed: number, w: LoadedWorkload): WorkloadRecord {
  if (isPremapped(w) || r.requestFraction === undefined || r.usedFraction === undefined) return r;
  const sgx = isSgxJob(r.jobId, share, seed);
  if (sgx === r.sgx) return r;
  return {
    ...r,
    sgx,
    epcRequestBytes: sgx ? fractionToBytes(r.requestFraction, w.epcBytesPerUnit) : 0,
    epcUsedBytes: sgx ? fractionToBytes(r.usedFraction, w.epcBytesPerUnit) : 0,
    memoryRequestBytes: sgx ? 0 : fractionToBytes(r.requestFraction, w.memoryBytesPerUnit),
    memoryUsedBytes: sgx ? 0 : fractionToBytes(r.usedFraction, w.memoryBytesPerUnit),
  };
}

/** Whether a workload's records come mapped already (JSON Lines): no SGX share applies to them. */
export function isPremapped(w: LoadedWorkload): boolean {
  return w.provenance.format === 'jsonl';
}

/** The share of jobs that are SGX among a workload's records, as its records say. */
export function sgxJobShare(w: LoadedWorkload): number {
  const jobs = new Map<string, boolean>();
  for (const r of w.records) jobs.set(r.jobId, (jobs.get(r.jobId) ?? false) || r.sgx);
  let sgx = 0;
  for (const v of jobs.values()) if (v) sgx++;
  return jobs.size === 0 ? 0 : sgx / jobs.size;
}
