/**
 * The CSV that the paper's replay scripts read: `start_us,end_us,<anything>,requested_fraction,
 * used_fraction[,more columns ignored]`, no header. Times are trace microseconds; the two fractions
 * are memory normalised to the largest machine (the paper used the assigned and the maximum memory
 * usage of a task_usage measurement period). The paper's runner names each job after its 0-based line
 * number, counting every line, skipped ones included: `index` reproduces that.
 */
import { resolveSources } from './io/sources.js';
import { IssueLog } from './issues.js';
import type { CsvRow } from './scan/csv-row.js';
import type { ScanHooks } from './scan/scan-files.js';
import { readRows } from './scan/scan-files.js';

export interface PaperCsvRow {
  readonly file: string;
  /** 1-based line number in `file`. */
  readonly line: number;
  /** 0-based running line index over all files read, counting every line (the paper's job id). */
  readonly index: number;
  readonly startUs: number;
  readonly endUs: number;
  /** Column 3 as text: not read by the paper's scripts (our export writes the Borg job id there). */
  readonly third: string;
  readonly requestedFraction: number;
  readonly usedFraction: number;
}

export interface PaperCsvOptions {
  /** Stop at the first bad line with a `TraceInputError` instead of skipping it. */
  readonly strict?: boolean;
  /** Where skipped lines are counted; pass one to read the summary afterwards. */
  readonly issues?: IssueLog;
  readonly hooks?: ScanHooks;
}

/** Field positions (0-based) of the paper's CSV. */
export const PAPER_CSV = { start: 0, end: 1, third: 2, requested: 3, used: 4, minFields: 5 } as const;

/**
 * Decodes one line; returns undefined (after reporting to `log`) when the line is unusable.
 * Exposed for readers that wrap the scanner themselves (`trace stats`).
 */
export function decodePaperCsvRow(row: CsvRow, log: IssueLog, index: number): PaperCsvRow | undefined {
  if (!row.expectFields(log, PAPER_CSV.minFields, true)) return undefined;
  const startUs = row.needFloat(
    PAPER_CSV.start,
    log,
    'a start time in microseconds >= 0',
    0,
    'negative-time',
  );
  if (Number.isNaN(startUs)) return undefined;
  const endUs = row.needFloat(PAPER_CSV.end, log, 'an end time in microseconds >= 0', 0, 'negative-time');
  if (Number.isNaN(endUs)) return undefined;
  if (endUs < startUs) {
    row.fail(log, 'end-before-start', PAPER_CSV.end, `an end time >= the start time ${startUs}`);
    return undefined;
  }
  const requestedFraction = row.needFloat(PAPER_CSV.requested, log, 'a requested memory fraction >= 0', 0);
  if (Number.isNaN(requestedFraction)) return undefined;
  const usedFraction = row.needFloat(PAPER_CSV.used, log, 'a used memory fraction >= 0', 0);
  if (Number.isNaN(usedFraction)) return undefined;
  return {
    file: row.file,
    line: row.line,
    index,
    startUs,
    endUs,
    third: row.text(PAPER_CSV.third),
    requestedFraction,
    usedFraction,
  };
}

/**
 * Streams the rows of one or more paper CSV files, in file order. Bad lines are skipped and counted
 * in `options.issues` (or thrown in strict mode); they still advance `index`.
 */
export async function* readPaperCsv(
  files: readonly string[],
  options: PaperCsvOptions = {},
): AsyncGenerator<PaperCsvRow> {
  const log = options.issues ?? new IssueLog({ strict: options.strict ?? false });
  // Lines of the files finished so far, so that `index` runs on across files.
  let linesBefore = 0;
  const hooks: ScanHooks = {
    ...options.hooks,
    onFileEnd: (file, i, lines) => {
      linesBefore += lines;
      options.hooks?.onFileEnd?.(file, i, lines);
    },
  };
  yield* readRows<PaperCsvRow>(
    resolveSources(files),
    (row, out) => {
      const decoded = decodePaperCsvRow(row, log, linesBefore + row.line - 1);
      if (decoded !== undefined) out.push(decoded);
    },
    log,
    hooks,
  );
}
