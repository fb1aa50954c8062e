/**
 * Trace ingestion: streaming readers for the Google Borg 2011 tables, the paper's CSV and our JSON
 * Lines workload format, and the mapping from trace rows to workload records. This file names the
 * public surface; everything else in src/trace is internal.
 */
export type { IssueReason, TraceIssue, IssueCount, IssueSummary } from './issues.js';
export { IssueLog, TraceInputError, formatIssue, issueTotal, skippedNote, ISSUE_REASONS } from './issues.js';
export { resolveSources, tableFromPath } from './io/sources.js';
export { openBytes, isGzipFile, GzipStreamError } from './io/bytes.js';
export { CsvRow } from './scan/csv-row.js';
export { LineScanner } from './scan/line-scanner.js';
export type { ScanHooks, ScanProgress } from './scan/scan-files.js';
export { scanCsvFiles, scanRows, readRows } from './scan/scan-files.js';
export { EventBatch } from './borg/event-batch.js';
export type { ParallelParseOptions, ParsedBatch } from './parallel/parse-in-parallel.js';
export { parseInParallel, defaultParserThreads } from './parallel/parse-in-parallel.js';
export type { PaperCsvRow, PaperCsvOptions } from './paper-csv.js';
export { readPaperCsv, decodePaperCsvRow, PAPER_CSV } from './paper-csv.js';

// Borg 2011 tables
export type { BorgEventName, BorgTable, MachineEventName } from './borg/schema.js';
export {
  BORG_EVENT_NAMES,
  BORG_TABLES,
  EVENT,
  MACHINE_EVENT,
  MACHINE_EVENT_NAMES,
  TASK_EVENTS,
  TASK_USAGE,
  JOB_EVENTS,
  MACHINE_EVENTS,
  endsPlacement,
} from './borg/schema.js';
export type { TaskEvent, BorgReadOptions } from './borg/task-events.js';
export { readTaskEvents, scanTaskEvents, decodeTaskEvent, emptyTaskEvent } from './borg/task-events.js';
export type { JobEvent } from './borg/job-events.js';
export { readJobEvents } from './borg/job-events.js';
export type { MachineEvent } from './borg/machine-events.js';
export { readMachineEvents } from './borg/machine-events.js';
export type { TaskUsagePeriod } from './borg/task-usage.js';
export { readTaskUsage } from './borg/task-usage.js';
export type {
  Placement,
  PlacementEnd,
  PlacementCounts,
  PlacementOptions,
  TimeZeroRows,
  DerivePlacementsOptions,
} from './borg/placements.js';
export { PlacementTracker, derivePlacements, timeGoesBack } from './borg/placements.js';
export type { Machine } from './borg/machines.js';
export { MachineTimeline, capacityGroups } from './borg/machines.js';

// Formats
export type { TraceFormat } from './detect.js';
export { TRACE_FORMATS, isTraceFormat, detectFormat, formatOfAll } from './detect.js';

// Workload records and mapping
export type {
  ThinBy,
  WorkloadRecord,
  WorkloadFormat,
  WorkloadProvenance,
  UsageModel,
  InitialPods,
  MappingOptions,
  ResolvedMapping,
} from './workload/record.js';
export {
  WORKLOAD_FORMATS,
  PAPER_EPC_PAGES,
  DEFAULT_EPC_BYTES_PER_UNIT,
  DEFAULT_MEMORY_BYTES_PER_UNIT,
  DEFAULT_CPU_MILLIS_PER_UNIT,
  DEFAULT_SEED,
  GOOGLE_TRACE_ATTRIBUTION,
  resolveMapping,
  mappingProblems,
  parseUsageModel,
  formatUsageModel,
  sortedSkipped,
} from './workload/record.js';
export { isSgxJob, fractionToBytes } from './workload/mapping.js';
export { recordToJson } from './workload/jsonl.js';
export type { Workload, LoadWorkloadOptions } from './workload/load.js';
export { loadWorkload, collectWorkload } from './workload/load.js';
export { recordToPaperCsv } from './workload/paper-export.js';

// Statistics (`trace stats`)
export type { TraceStats, TraceStatsOptions } from './stats/trace-stats.js';
export { traceStats } from './stats/trace-stats.js';
export type { Distribution } from './stats/summary.js';
export { nearestRank } from './stats/summary.js';
export { formatTraceStats } from './stats/format.js';

// The bundled slice of the Borg trace (data/)
export { bundledTracePath, BUNDLED_TRACE_NAME } from './bundled.js';
