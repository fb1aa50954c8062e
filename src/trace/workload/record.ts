/**
 * The workload record: one pod to replay, whatever trace it came from. Its JSON Lines form (one
 * record per line, keys as below) is our own workload format, documented in docs/formats.md, so that
 * any trace can be brought in. Times are trace seconds; amounts are bytes and millicores, as the core
 * accounts them.
 */
export interface WorkloadRecord {
  /** Unique within the workload: `<job>-<task>-<start µs>` for Borg, the line index for the paper CSV. */
  readonly id: string;
  /** Job the pod belongs to (SGX designation and thinning go by job). */
  readonly jobId: string;
  readonly taskIndex: number;
  /** Arrival in trace seconds (Borg: the SUBMIT before the placement; paper CSV: start_us / 1e6). */
  readonly submit: number;
  /** Run time in seconds when nothing slows it down (Borg: end - SCHEDULE). */
  readonly duration: number;
  readonly sgx: boolean;
  /** EPC request and real use in bytes (whole 4 KiB pages); 0 for a standard pod. */
  readonly epcRequestBytes: number;
  readonly epcUsedBytes: number;
  /** Standard memory request and real use in bytes (whole pages); 0 for an SGX pod (as the paper). */
  readonly memoryRequestBytes: number;
  readonly memoryUsedBytes: number;
  readonly cpuRequestMillis: number;
  /** Borg priority 0..11 (higher = more important); 0 when the source has none. */
  readonly priority: number;
  /** Borg scheduling class 0..3 (3 = most latency-sensitive); 0 when the source has none. */
  readonly schedulingClass: number;
  /** The trace ended before the pod did: `duration` is a lower bound. */
  readonly censored: boolean;
  /** Already running when the replayed window begins (load it before the first arrival). */
  readonly initial?: boolean;
  /** The trace's normalised memory request and usage (1.0 = largest machine), before scaling. */
  readonly requestFraction?: number;
  readonly usedFraction?: number;
}

/**
 * How a record's real usage is set where the trace has no measurement (task_events has requests only):
 * - `request`: usage = request (the default: pods use what they ask for);
 * - `ratio`: usage = request x ratio (ratio > 1 models pods that under-declare);
 * - `uniform`: usage = request x u, u drawn per record, uniform in [min, max), seeded.
 * Where the trace has measured usage (task_usage maximum memory, the paper CSV's used column), the
 * measurement is used.
 */
export type UsageModel =
  | { readonly kind: 'request' }
  | { readonly kind: 'ratio'; readonly ratio: number }
  | { readonly kind: 'uniform'; readonly min: number; readonly max: number };

/** Input formats of `loadWorkload`. `auto` recognises each file by its folder, extension or first line. */
export type WorkloadFormat = 'task_events' | 'task_usage' | 'paper-csv' | 'jsonl';
export const WORKLOAD_FORMATS: readonly WorkloadFormat[] = [
  'task_events',
  'task_usage',
  'paper-csv',
  'jsonl',
];

/** What thinning (`keepOneIn`) counts: whole jobs or single records. */
export type ThinBy = 'job' | 'record';

/** Placements running (or pending) when the window begins: left out, or loaded as initial pods. */
export type InitialPods = 'drop' | 'load';

/** The paper's usable EPC of a 128 MiB part, in pages: the default EPC scale. */
export const PAPER_EPC_PAGES = 23_936;
export const PAGE_BYTES = 4096;
/** Default scales: the paper's (fraction x 23,936 pages of EPC; fraction x 32 GiB of memory). */
export const DEFAULT_EPC_BYTES_PER_UNIT = PAPER_EPC_PAGES * PAGE_BYTES;
export const DEFAULT_MEMORY_BYTES_PER_UNIT = 32 * 2 ** 30;
/** CPU is not requested by default: the paper's pods asked for none. */
export const DEFAULT_CPU_MILLIS_PER_UNIT = 0;
export const DEFAULT_SEED = 1;

export interface MappingOptions {
  /** Trace seconds [from, to): records arriving in it are kept. Absent bounds are open. */
  readonly from?: number;
  readonly to?: number;
  /**
   * Which time the window selects on for Borg placements: `submit` (arrival, the default) or
   * `start` (the SCHEDULE; what `trace stats` counts as placements in the window).
   */
  readonly windowBy?: 'submit' | 'start';
  /** Keep one in N (the paper's `-k`): of jobs or of records, as `thinBy` says. */
  readonly keepOneIn?: number;
  /**
   * What `keepOneIn` counts. `job` (the default here): whole jobs, in order of first arrival (for
   * the paper's CSV, one line in N by line index). `record`: every N-th record, in arrival order,
   * among those the window and the zero-memory rule keep: as the paper's runner kept every N-th
   * line of its CSV, a line being one task's measurement there. The simulator's commands and
   * experiment specs default to `record`.
   */
  readonly thinBy?: ThinBy;
  /** Share of jobs designated SGX, each job drawn independently from `seed`. Default 0. */
  readonly sgxShare?: number;
  readonly seed?: number;
  /** Bytes of EPC for a normalised memory fraction of 1.0 (default 23,936 pages x 4096). */
  readonly epcBytesPerUnit?: number;
  /** Bytes of standard memory for 1.0 (default 32 GiB). */
  readonly memoryBytesPerUnit?: number;
  /** Millicores for a normalised CPU request of 1.0 (default 0: no CPU request, as in the paper). */
  readonly cpuMillisPerUnit?: number;
  /** Usage where the trace has no measurement. Default `request`. */
  readonly usage?: UsageModel;
  /** Placements already there when the window begins. Default `drop`. */
  readonly initialPods?: InitialPods;
  /** Skip records whose requested or used memory is 0, as the paper's runner did. Default true. */
  readonly skipZeroMemory?: boolean;
}

/** Mapping options with every default filled in. */
export type ResolvedMapping = Required<Omit<MappingOptions, 'from' | 'to'>> & {
  readonly from: number | null;
  readonly to: number | null;
};

export function resolveMapping(o: MappingOptions = {}): ResolvedMapping {
  const m: ResolvedMapping = {
    from: o.from ?? null,
    to: o.to ?? null,
    windowBy: o.windowBy ?? 'submit',
    keepOneIn: o.keepOneIn ?? 1,
    thinBy: o.thinBy ?? 'job',
    sgxShare: o.sgxShare ?? 0,
    seed: o.seed ?? DEFAULT_SEED,
    epcBytesPerUnit: o.epcBytesPerUnit ?? DEFAULT_EPC_BYTES_PER_UNIT,
    memoryBytesPerUnit: o.memoryBytesPerUnit ?? DEFAULT_MEMORY_BYTES_PER_UNIT,
    cpuMillisPerUnit: o.cpuMillisPerUnit ?? DEFAULT_CPU_MILLIS_PER_UNIT,
    usage: o.usage ?? { kind: 'request' },
    initialPods: o.initialPods ?? 'drop',
    skipZeroMemory: o.skipZeroMemory ?? true,
  };
  const problems = mappingProblems(m);
  if (problems.length > 0) throw new RangeError(`invalid workload mapping: ${problems.join('; ')}`);
  return m;
}

/** Everything wrong with a mapping, as messages (empty when valid). */
export function mappingProblems(m: ResolvedMapping): string[] {
  const out: string[] = [];
  const finiteAtLeast = (v: number, min: number): boolean => Number.isFinite(v) && v >= min;
  if (m.from !== null && !finiteAtLeast(m.from, 0))
    out.push(`from must be a time in seconds >= 0, got ${m.from}`);
  if (m.to !== null && !finiteAtLeast(m.to, 0)) out.push(`to must be a time in seconds >= 0, got ${m.to}`);
  if (m.from !== null && m.to !== null && m.to <= m.from)
    out.push(`to (${m.to}) must be after from (${m.from})`);
  if (!Number.isInteger(m.keepOneIn) || m.keepOneIn < 1)
    out.push(`keepOneIn must be an integer >= 1, got ${m.keepOneIn}`);
  if (m.thinBy !== 'job' && m.thinBy !== 'record')
    out.push(`thinBy must be job or record, got ${String(m.thinBy)}`);
  if (!(m.sgxShare >= 0 && m.sgxShare <= 1)) out.push(`sgxShare must be in [0, 1], got ${m.sgxShare}`);
  if (!Number.isInteger(m.seed)) out.push(`seed must be an integer, got ${m.seed}`);
  if (!finiteAtLeast(m.epcBytesPerUnit, 0))
    out.push(`epcBytesPerUnit must be >= 0, got ${m.epcBytesPerUnit}`);
  if (!finiteAtLeast(m.memoryBytesPerUnit, 0))
    out.push(`memoryBytesPerUnit must be >= 0, got ${m.memoryBytesPerUnit}`);
  if (!finiteAtLeast(m.cpuMillisPerUnit, 0))
    out.push(`cpuMillisPerUnit must be >= 0, got ${m.cpuMillisPerUnit}`);
  const u = m.usage;
  if (u.kind === 'ratio' && !finiteAtLeast(u.ratio, 0)) out.push(`usage ratio must be >= 0, got ${u.ratio}`);
  if (u.kind === 'uniform' && !(finiteAtLeast(u.min, 0) && Number.isFinite(u.max) && u.max >= u.min)) {
    out.push(`usage uniform bounds must satisfy 0 <= min <= max, got ${u.min}..${u.max}`);
  }
  return out;
}

/** `request`, `ratio:0.8`, `uniform:0.5:1.2` -> a usage model; throws RangeError with the accepted forms. */
export function parseUsageModel(text: string): UsageModel {
  const [kind, a, b, ...rest] = text.split(':');
  const num = (s: string | undefined): number => (s === undefined || s.trim() === '' ? NaN : Number(s));
  let model: UsageModel | undefined;
  if (kind === 'request' && a === undefined) model = { kind: 'request' };
  else if (kind === 'ratio' && b === undefined) model = { kind: 'ratio', ratio: num(a) };
  else if (kind === 'uniform' && rest.length === 0) model = { kind: 'uniform', min: num(a), max: num(b) };
  const problems =
    model === undefined ? ['unknown form'] : mappingProblems({ ...resolveMapping(), usage: model });
  if (model === undefined || problems.length > 0) {
    throw new RangeError(
      `usage model '${text}' is not valid (${problems.join('; ')}); use request, ratio:<r> or uniform:<min>:<max>`,
    );
  }
  return model;
}

/** `request`, `ratio:0.8`, `uniform:0.5:1.2`: the inverse of `parseUsageModel`. */
export function formatUsageModel(u: UsageModel): string {
  switch (u.kind) {
    case 'request':
      return 'request';
    case 'ratio':
      return `ratio:${u.ratio}`;
    case 'uniform':
      return `uniform:${u.min}:${u.max}`;
  }
}

/**
 * Where a workload came from and how it was mapped: printed with every result so that a figure can
 * be traced back to its input. Counts are complete once the workload has been read to the end.
 */
export interface WorkloadProvenance {
  /** Input files, in reading order. */
  readonly sources: readonly string[];
  readonly format: WorkloadFormat;
  /** Window in trace seconds, null bounds open; null when the whole input is used. */
  readonly window: { readonly start: number | null; readonly end: number | null } | null;
  readonly windowBy: 'submit' | 'start';
  readonly keepOneIn: number;
  readonly thinBy: ThinBy;
  readonly sgxShare: number;
  readonly seed: number;
  readonly epcBytesPerUnit: number;
  readonly memoryBytesPerUnit: number;
  readonly cpuMillisPerUnit: number;
  /** e.g. `request (task_events has no usage)` or `measured (paper CSV used_fraction)`. */
  readonly usageModel: string;
  readonly initialPods: InitialPods;
  readonly skipZeroMemory: boolean;
  /** Candidate records read (placements, periods, lines) before window and thinning. */
  readonly recordsRead: number;
  readonly recordsInWindow: number;
  readonly recordsKept: number;
  /**
   * Records left out, by reason: malformed input (the `IssueReason`s), `thinned`, `zero-memory`,
   * `time-zero` (time-0 rows dropped), `never-scheduled`, `initial-dropped`.
   */
  readonly skipped: Readonly<Record<string, number>>;
  /** Licence attribution of the source data, when it is the Google trace. */
  readonly attribution: string | null;
}

/**
 * Counts of records left out (`WorkloadProvenance.skipped`) with their reasons in sorted order, so
 * that a results file does not depend on the order in which the reasons were met.
 */
export function sortedSkipped(counts: Readonly<Record<string, number>>): Record<string, number> {
  const sorted: Record<string, number> = {};
  for (const k of Object.keys(counts).sort()) sorted[k] = counts[k]!;
  return sorted;
}

export const GOOGLE_TRACE_ATTRIBUTION =
  'Google cluster-usage traces (clusterdata-2011-2), C. Reiss, J. Wilkes, J. L. Hellerstein, Google Inc., ' +
  'licensed CC-BY 4.0, https://github.com/google/cluster-data';
