/**
 * The simulator's public surface: replay workloads on clusters through the scheduling core, sweep
 * experiments, write results. The CLI commands `simulate` and `experiment` are built on these.
 */
export * from './results/types.js';
export { summaryNotes, summaryTable, textTable } from './results/table.js';
export { forFiles, resultJson, resultFileName, writeExperimentResult } from './results/write.js';
export { podCsvLine, POD_CSV_HEADER, PodCsvWriter } from './results/pod-csv.js';
export { QuantileCollector } from './results/stats.js';

export { EventQueue, VirtualClock } from './engine/index.js';

export type { ClusterSpec, NodeGroupSpec } from './cluster/spec.js';
export { loadClusterSpecFile, parseClusterSpec } from './cluster/spec.js';
export type { Cluster, SimNode } from './cluster/cluster.js';
export { expandCluster, withEpcReservedMiB, describeCluster } from './cluster/cluster.js';
export { BUILTIN_CLUSTERS, PAPER_CLUSTER, builtinClusterNames } from './cluster/builtins.js';
export { clusterRefProblem, isClusterName } from './cluster/cluster-ref.js';
export { borgCluster, readBorgMachines } from './cluster/borg.js';

export type { PagingModel, PagingModelConfig } from './model/paging.js';
export { pagingModel, parsePagingModel, DEFAULT_PAGING } from './model/paging.js';
export { restartBackoff } from './model/backoff.js';

export type { SimJob } from './run/job.js';
export { SimInputError } from './run/job.js';
export type { RunConfig } from './run/config.js';
export {
  DEFAULT_RUN_CONFIG,
  MAX_DELAY_SECONDS,
  MAX_EPC_MIB,
  MAX_PROBE_SLOTS,
  MAX_SEED,
  MIN_PERIOD_SECONDS,
  MIN_SAMPLE_SECONDS,
  probeProblem,
} from './run/config.js';
export type { RunProgress, SimulationInput } from './run/simulation.js';
export type { JobSource, JobStream, ArrivalSink } from './run/stream.js';
export { sortedJobStream } from './run/stream.js';
export { simulate } from './run/simulation.js';
export type { RunOutcome } from './run/recorder.js';

export type { WorkloadSpec } from './workload/source.js';
export { jobsFromRecords, recordToJob } from './workload/from-records.js';
export type { BorgStreamOptions, BorgStreamCounts, BorgTaskStream } from './workload/borg-stream.js';
export { borgTaskStream } from './workload/borg-stream.js';

export type { ClusterRef, RunSpec } from './experiment/run.js';
export { executeRun, resolveCluster } from './experiment/run.js';
export type { ExperimentDefinition, SweepBase } from './experiment/definition.js';
export {
  SWEEP_AXES,
  ENFORCEMENT_MODES,
  mainJobDefinition,
  expandRuns,
  loadExperimentFile,
  parseExperiment,
} from './experiment/definition.js';
export { runAll, shardOf, RunFailedError } from './experiment/pool.js';
export type { ExperimentOptions } from './experiment/experiment.js';
export { runExperiment } from './experiment/experiment.js';
export {
  bundledTraceDir,
  bundledTaskEvents,
  bundledMachineEvents,
  PAPER_WINDOW,
} from './experiment/bundled.js';

export type { ConfigProblem, FieldPath } from './config/structured-file.js';
export { SimConfigError } from './config/structured-file.js';
