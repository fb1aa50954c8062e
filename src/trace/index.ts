/**
 * Trace ingestion: streaming readers for the Google Borg 2011 tables, the paper's CSV and our JSON
 * Lines workload format, and the mapping from trace rows to workload records. This file names the
 * public surface; everything else in src/trace is internal.
 */
export type { IssueReason, TraceIssue, IssueCount, IssueSummary } from './issues.js';
export { IssueLog, TraceInputError, formatIssue, ISSUE_REASONS } from './issues.js';
export { resolveSources, tableFromPath } from './io/sources.js';
export { openBytes, isGzipFile, GzipStreamError } from './io/bytes.js';
export { CsvRow } from './scan/csv-row.js';
export { LineScanner } from './scan/line-scanner.js';
export type { ScanHooks, ScanProgress } from './scan/scan-files.js';
export { scanCsvFiles, scanRows, readRows } from './scan/scan-files.js';
export type { PaperCsvRow, PaperCsvOptions } from './paper-csv.js';
export { readPaperCsv, decodePaperCsvRow, PAPER_CSV } from './paper-csv.js';
