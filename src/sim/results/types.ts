/**
 * The results data model of the simulator: what a run and an experiment produce, what the writer puts
 * in files (one CSV per run for the pods, one JSON file for everything else) and what the report
 * renders. The live trace replay produces the same shapes, so simulated and real runs share a report.
 *
 * Stability: this module is a published format. Fields are only ever added (bump
 * `RESULTS_SCHEMA_VERSION` minor part), never renamed or removed without a major bump.
 *
 * Units, everywhere in this file unless a field says otherwise:
 * - times are **seconds of simulated time**, relative to the start of the replayed window
 *   (so a pod submitted at the first instant of the window has `submit = 0`);
 * - amounts of memory and EPC are **bytes** (a page is 4096 bytes; `*Pages` fields count pages);
 * - fractions are in [0, 1] (not percent).
 * Absent values are `null` in JSON (never `NaN`, which JSON cannot carry) and empty cells in CSV.
 */

/** Version of the files written by the results writer: `major.minor`. Readers accept equal majors. */
export const RESULTS_SCHEMA_VERSION = '1.0';

/** Same as `RESULTS_SCHEMA_VERSION`, as a type for the `schemaVersion` field. */
export type ResultsSchemaVersion = string;

// ---------------------------------------------------------------------------------------------------
// Modes and names shared by the metadata

/** How EPC limits are enforced on SGX nodes (DESIGN.md, "Enforcement modes"). */
export type EnforcementMode = 'none' | 'einit' | 'cgroup';

/** How a pod's run ended. */
export type PodOutcome =
  /** Ran to completion (its work, stretched by paging, is done). */
  | 'finished'
  /** Placed at least once but never completed: gave up (einit refusals past the retry limit) or was
   * still running or restarting when the simulation stopped. `failureReason` says which. */
  | 'failed'
  /** Never bound to any node: no node ever fitted before the simulation stopped. */
  | 'never-placed';

/** Why a pod ended as `failed`. */
export type FailureReason =
  /** `einit` enforcement: its enclave is larger than its EPC limit, so it can never start. */
  | 'enclave-over-limit'
  /** Still running (or in a restart back-off) when the simulation reached its horizon. */
  | 'cut-at-horizon';

/**
 * Why a node refused a pod, flattened from the core's structured `Reason` for counting. The
 * `insufficient-*` kinds carry the resource; the others mirror the core's reason kinds.
 */
export type RefusalReason =
  | 'insufficient-epc'
  | 'insufficient-memory'
  | 'insufficient-cpu'
  | 'no-sgx'
  | 'node-unschedulable'
  | 'taint-not-tolerated'
  | 'node-selector-mismatch'
  | 'other';

// ---------------------------------------------------------------------------------------------------
// Per pod

/**
 * One pod of one run: one row of `pods.csv`. The first five columns are the paper's own result
 * columns (results-parser `logs_parser.py`), with the same names and units, so that its plotting
 * scripts can read our files.
 *
 * CSV header, in this order:
 * `job_id,duration,requested_pages,actual_pages,is_sgx,submit,start,end,node,attempts,restarts,
 *  slowdown,policy,outcome,failure_reason`
 */
export interface PodRow {
  /** Workload id of the pod (Borg `jobId-taskIndex`, or the paper CSV's line id). CSV: `job_id`. */
  readonly jobId: string;
  /** Nominal duration in seconds: how long it runs alone, without any paging. CSV: `duration`. */
  readonly duration: number;
  /** Requested EPC pages for an SGX pod, requested memory pages for a standard pod (the paper's
   * convention: standard pods are also counted in 4 KiB pages). CSV: `requested_pages`. */
  readonly requestedPages: number;
  /** Pages it really uses (its enclave size, or its memory working set). CSV: `actual_pages`. */
  readonly actualPages: number;
  /** True for an SGX pod (an attacker too). CSV: `is_sgx` as `1` / `0`. */
  readonly isSgx: boolean;
  /** When it entered the pending queue. */
  readonly submit: number;
  /** When it first started running (after binding and the start-up delay); null if never started. */
  readonly start: number | null;
  /** When it finished or failed for good; null if never placed or cut at the horizon. */
  readonly end: number | null;
  /** Node it ran on last; null if never placed. */
  readonly node: string | null;
  /** Scheduling attempts: how many scheduler passes considered it (1 = placed at first try). */
  readonly attempts: number;
  /** Container restarts after binding (`einit` refusals): 0 for a pod that started at once. */
  readonly restarts: number;
  /**
   * (end - start) / duration for finished pods: 1.0 means no paging slowdown. Null otherwise, and
   * null for zero-duration pods.
   */
  readonly slowdown: number | null;
  /** Policy of the run (repeated on every row so that concatenated CSVs stay self-describing). */
  readonly policy: string;
  readonly outcome: PodOutcome;
  /** Set when `outcome` is `failed`. */
  readonly failureReason: FailureReason | null;
  /** True for the attack's malicious pods (not written as a CSV column; they are named `attacker-*`). */
  readonly attacker: boolean;
}

/** The column names of `pods.csv`, in order. */
export const POD_CSV_COLUMNS = [
  'job_id',
  'duration',
  'requested_pages',
  'actual_pages',
  'is_sgx',
  'submit',
  'start',
  'end',
  'node',
  'attempts',
  'restarts',
  'slowdown',
  'policy',
  'outcome',
  'failure_reason',
] as const;

// ---------------------------------------------------------------------------------------------------
// Distributions and time series

/**
 * A distribution summarised so that a report can draw its CDF without the raw values: exact
 * order statistics (nearest-rank) at every whole percentile.
 */
export interface Distribution {
  /** Number of values. When 0, every other field is null and `percentiles` is empty. */
  readonly count: number;
  readonly mean: number | null;
  readonly min: number | null;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  readonly max: number | null;
  /** 101 values: `percentiles[q]` is the q-th percentile (nearest rank), q = 0..100. */
  readonly percentiles: readonly number[];
}

/**
 * Samples of the pending queue, taken at every scheduler pass (every `schedulerPeriod` seconds) or,
 * in event-driven mode, every `sampleSeconds`. All arrays have the length of `t`.
 */
export interface PendingQueueSeries {
  /** Sample times (seconds). */
  readonly t: readonly number[];
  /** Pods waiting to be placed (bound-but-not-started pods are not pending). */
  readonly count: readonly number[];
  /** SGX pods among them. */
  readonly sgxCount: readonly number[];
  /** Sum of EPC requests of the pending pods (the paper's Figure: pending requested EPC). */
  readonly epcRequestedBytes: readonly number[];
  /** Sum of memory requests of the pending pods. */
  readonly memoryRequestedBytes: readonly number[];
}

/** Utilisation of one node over time, on the run's common sample times (`UtilisationSeries.t`). */
export interface NodeUtilisation {
  readonly node: string;
  readonly sgx: boolean;
  /** EPC really resident on the node (sum of the working sets of its running SGX pods, attackers
   * included), divided by its usable EPC; may exceed 1 (overcommit). Empty for a standard node. */
  readonly epc: readonly number[];
  /** EPC requested by the pods bound there, divided by usable EPC. Empty for a standard node. */
  readonly epcRequested: readonly number[];
  /** Memory used by its running pods, divided by its allocatable memory. */
  readonly memory: readonly number[];
}

/** Aggregate over a set of nodes (all SGX nodes, or all standard nodes) at each sample time. */
export interface NodeGroupUtilisation {
  readonly group: 'sgx' | 'standard';
  readonly nodes: number;
  /** Mean and max over the group's nodes of the EPC fraction used (empty for `standard`). */
  readonly epcMean: readonly number[];
  readonly epcMax: readonly number[];
  readonly memoryMean: readonly number[];
  readonly memoryMax: readonly number[];
}

export interface UtilisationSeries {
  /** Common sample times (seconds). */
  readonly t: readonly number[];
  /**
   * Per node, present when the cluster has at most `perNodeLimit` nodes (a 12,583-machine cluster
   * only gets the group aggregates). Ordered by node name.
   */
  readonly nodes: readonly NodeUtilisation[];
  /** The limit that applied: runs on bigger clusters have `nodes: []`. */
  readonly perNodeLimit: number;
  readonly groups: readonly NodeGroupUtilisation[];
}

/** How many times nodes refused pods, for one reason. */
export interface RefusalCount {
  readonly reason: RefusalReason;
  /** Scheduling attempts that ended without a node and in which at least one node gave this reason. */
  readonly attempts: number;
  /** Node rejections with this reason, summed over those attempts. */
  readonly nodeRejections: number;
}

// ---------------------------------------------------------------------------------------------------
// Per run

/** Statistics of one class of pods (SGX, standard, or all of them). */
export interface PodClassSummary {
  /** Pods of this class in the workload (attackers excluded). */
  readonly pods: number;
  readonly finished: number;
  readonly failed: number;
  readonly neverPlaced: number;
  /** start - submit, over pods that started (seconds). */
  readonly waiting: Distribution;
  /** end - submit, over finished pods (seconds). */
  readonly turnaround: Distribution;
  /** (end - start) / duration, over finished pods with a positive duration. */
  readonly slowdown: Distribution;
}

/** Everything measured in one run (one point of a sweep). */
export interface RunSummary {
  /** Pods of the workload, attackers excluded. */
  readonly all: PodClassSummary;
  readonly sgx: PodClassSummary;
  readonly standard: PodClassSummary;
  /** Simulated time from the window start to the last pod end (or to the horizon). */
  readonly makespan: number;
  /** Scheduler passes run and pods placed. */
  readonly schedulerPasses: number;
  readonly placements: number;
  /** `einit` refusals (container restarts) over the whole run. */
  readonly restarts: number;
  /** Placements refused, by reason, sorted by reason name. */
  readonly refusals: readonly RefusalCount[];
  readonly pendingQueue: PendingQueueSeries;
  readonly utilisation: UtilisationSeries;
  /** Events processed by the engine (for throughput figures). */
  readonly events: number;
  /**
   * Streamed inputs only (0 otherwise): pods the input delivered after their submit time (their
   * Borg SCHEDULE came more than the lookahead after their SUBMIT; they arrive late), and pods whose
   * end the input told after the simulation should have ended them (ended then). Both stay rare
   * with a lookahead longer than Borg's own queueing delays.
   */
  readonly lateArrivals?: number;
  readonly lateEnds?: number;
}

/** The workload side of a run's metadata: where pods came from and how they were mapped. */
export interface TraceMetadata {
  /** Input files or bundled data set names, as given. */
  readonly sources: readonly string[];
  /** Replayed window of trace time, in trace seconds; null when the whole input was replayed. */
  readonly window: { readonly start: number; readonly end: number } | null;
  /** Thinning: one in `keepOneIn` kept (the paper's `-k`); 1 when not thinned. */
  readonly keepOneIn: number;
  /** What `keepOneIn` counted: single records (the paper's runner) or whole Borg jobs. */
  readonly thinBy: 'job' | 'record';
  /** Records read, kept after thinning and mapping, and skipped (with reasons). */
  readonly recordsRead: number;
  readonly recordsKept: number;
  readonly skipped: Readonly<Record<string, number>>;
  /** Name of the usage model that gave each pod its actual usage (docs/models.md). */
  readonly usageModel: string;
}

/** The cluster side of a run's metadata. */
export interface ClusterMetadata {
  /** Built-in spec name (`paper`, `borg`, `azure-dc8s-v3`...) or the spec file path. */
  readonly name: string;
  readonly nodes: number;
  readonly sgxNodes: number;
  /** Usable EPC of each SGX node, in bytes (the common value; null when SGX nodes differ). */
  readonly epcBytesPerSgxNode: number | null;
  readonly totalEpcBytes: number;
  readonly totalMemoryBytes: number;
  /**
   * A `borg` cluster whose machine_events had lines that could not be read: its files and the lines
   * skipped per reason (the cluster has the machines of the other lines). Absent when none was.
   */
  readonly machineEvents?: {
    readonly sources: readonly string[];
    readonly skipped: Readonly<Record<string, number>>;
  };
}

/** Everything needed to know exactly what was run, and to run it again. */
export interface RunMetadata {
  /** Unique within an experiment, stable across re-runs: e.g. `binpack-sgx50-seed1`. */
  readonly runId: string;
  readonly trace: TraceMetadata;
  readonly cluster: ClusterMetadata;
  /** Scheduling profile name given to the core (`binpack`, `spread`, `sgx-unaware`...). */
  readonly policy: string;
  readonly seed: number;
  /** Share of workload pods turned into SGX pods, in [0, 1]. */
  readonly sgxShare: number;
  /** EPC reserved size (PRM) in MiB used to size SGX nodes; null when the cluster spec fixes it. */
  readonly epcMiB: number | null;
  /** Fraction of a node's usable EPC each attacker really uses; 0 = no attack. */
  readonly attackerFraction: number;
  readonly enforcement: EnforcementMode;
  /** Scheduler period in seconds; null = event-driven (a pass on every arrival or release). */
  readonly schedulerPeriod: number | null;
  /** Probe sampling period and window in seconds; null = instant (the scheduler sees true usage). */
  readonly probe: { readonly periodSeconds: number; readonly windowSeconds: number } | null;
  /** Seconds between binding and start (image pull, container creation). */
  readonly startupDelay: number;
  /** Admission tolerance applied to EPC capacity (1.0 live, 0.8 in the paper's offline runs). */
  readonly overcommitTolerance: number;
  /**
   * kube-scheduler's `percentageOfNodesToScore` the run's scored policy used (0 = adaptive).
   * Absent: every feasible node was scored (and always for binpack, spread and random).
   */
  readonly percentageOfNodesToScore?: number;
  /** Name and parameters of the paging slowdown model (docs/models.md). */
  readonly pagingModel: string;
  /**
   * Simulation horizon in seconds: pods still running then are `failed` / `cut-at-horizon`. Without
   * a horizon, the run's makespan.
   */
  readonly horizon: number;
  /**
   * Whether a horizon was set (`--horizon`); false when the run went on until every pod had ended
   * or could never be placed. Absent in results written before it was recorded.
   */
  readonly horizonSet?: boolean;
  /** sgx-orchestrator version that produced the run. */
  readonly version: string;
  /** `RESULTS_SCHEMA_VERSION`. */
  readonly schemaVersion: ResultsSchemaVersion;
  /**
   * Wall-clock duration of the run in milliseconds. Absent from files (they must be byte-identical
   * for the same input, configuration and seed); present in memory and printed on stdout.
   */
  readonly wallMs?: number;
}

/** Runs with more pods than this keep their rows only in `pods.csv`, not in memory or JSON. */
export const POD_ROWS_IN_JSON_LIMIT = 20_000;

/** One run: metadata, summary, and (for small runs) the pod rows. */
export interface RunResult {
  readonly meta: RunMetadata;
  readonly summary: RunSummary;
  /**
   * Per-pod rows, in the order pods reached their final state (pods that never did last, in
   * arrival order). Present in memory and in the JSON file only for runs
   * of at most `POD_ROWS_IN_JSON_LIMIT` pods; `pods.csv` always has every row.
   */
  readonly pods?: readonly PodRow[];
  /** Path of this run's pods CSV, relative to the results JSON file; null when not written. */
  readonly podsCsv: string | null;
}

// ---------------------------------------------------------------------------------------------------
// Experiments

/** A swept parameter's value, as given in the experiment spec. */
export type SweepValue = string | number | boolean;

/** The parameters an experiment can sweep (the keys of `ExperimentRun.params`). */
export type SweepAxis =
  'policy' | 'sgxShare' | 'epcMiB' | 'attackerFraction' | 'enforcement' | 'cluster' | 'seed';

export interface ExperimentRun {
  /** The swept parameters of this run only (the fixed ones are in `meta`). */
  readonly params: Readonly<Partial<Record<SweepAxis, SweepValue>>>;
  /** Position of the run in the full sweep (stable across shards). */
  readonly index: number;
  readonly result: RunResult;
}

/** What `experiment` and `simulate` write to `results.json` (and print with `--json`). */
export interface ExperimentResult {
  readonly schemaVersion: ResultsSchemaVersion;
  /** Experiment name from the spec (`main` for the default `simulate` job). */
  readonly name: string;
  /** Human description from the spec. */
  readonly description: string;
  /** The swept axes, in the spec's order, with their values: the report lays out its plots with it. */
  readonly axes: readonly { readonly axis: SweepAxis; readonly values: readonly SweepValue[] }[];
  /** Total runs of the sweep, and the slice this file holds (`--shard i/n`; `{index: 0, count: 1}`). */
  readonly totalRuns: number;
  readonly shard: { readonly index: number; readonly count: number };
  /** Runs in sweep order. */
  readonly runs: readonly ExperimentRun[];
  readonly version: string;
}
