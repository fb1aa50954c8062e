/**
 * Bad input accounting. A malformed line never crashes a reader and never passes silently: by default
 * it is skipped and counted by reason, keeping the first few `file:line` examples for the summary;
 * in strict mode the first one stops the read with a `TraceInputError`.
 */

/** Why a line (or the rest of a file) was skipped. Stable strings: they are JSON keys in `trace stats`. */
export type IssueReason =
  | 'column-count' // wrong number of fields
  | 'not-a-number' // a numeric field holds something else
  | 'missing-field' // a mandatory field is empty
  | 'negative-time' // a time or duration below zero
  | 'end-before-start' // an interval that ends before it starts
  | 'unknown-event' // an event code outside the table's list
  | 'out-of-range' // a value outside its domain (a fraction above 1, a negative request)
  | 'blank-line' // an empty line inside the data
  | 'line-too-long' // a line beyond 1 MiB (not trace data): skipped to its end
  | 'bad-json' // a JSON Lines record that does not parse, or a key of the wrong type
  | 'duplicate-id' // a JSON Lines record whose id an earlier record of the input has
  | 'truncated-gzip' // the compressed stream ends early: the rest of the file is lost
  | 'corrupt-gzip'; // the compressed stream is not valid gzip

/** Every reason, in the order summaries print them. */
export const ISSUE_REASONS: readonly IssueReason[] = [
  'column-count',
  'not-a-number',
  'missing-field',
  'negative-time',
  'end-before-start',
  'unknown-event',
  'out-of-range',
  'blank-line',
  'line-too-long',
  'bad-json',
  'duplicate-id',
  'truncated-gzip',
  'corrupt-gzip',
];

/** One bad line: where, which field, what was expected. */
export interface TraceIssue {
  readonly reason: IssueReason;
  readonly file: string;
  /** 1-based line number; 0 when the issue concerns the file as a whole. */
  readonly line: number;
  /**
   * The field at fault, when one is: its 1-based number in a CSV row (as in the official schema),
   * its key in a JSON Lines record.
   */
  readonly field?: number | string;
  readonly expected: string;
  readonly got: string;
}

/** `file:line: field N: expected X, got Y`, the one format every reader uses. */
export function formatIssue(issue: TraceIssue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}` : issue.file;
  const field = issue.field !== undefined ? ` field ${issue.field}:` : '';
  return `${where}:${field} expected ${issue.expected}, got ${issue.got}`;
}

/** Quote a raw value for a message, shortened so that a binary line cannot flood the terminal. */
export function quoteRaw(text: string): string {
  if (text.length === 0) return 'an empty field';
  const short = text.length > 60 ? text.slice(0, 57) + '...' : text;
  return JSON.stringify(short);
}

/**
 * Thrown for input the reader cannot use: every bad line in strict mode, and in any mode a missing
 * or empty file or a window without rows. The CLI maps it to the `input` exit status.
 */
export class TraceInputError extends Error {
  readonly issue: TraceIssue | undefined;
  constructor(message: string, issue?: TraceIssue) {
    super(message);
    this.name = 'TraceInputError';
    this.issue = issue;
  }
}

export interface IssueCount {
  readonly count: number;
  /** The first few issues of this reason, formatted with `formatIssue`. */
  readonly examples: readonly string[];
}

/** What was skipped, by reason. Only reasons that occurred appear. */
export type IssueSummary = Readonly<Partial<Record<IssueReason, IssueCount>>>;

/** Lines (or file tails) a summary counts as skipped, every reason together. */
export function issueTotal(summary: IssueSummary): number {
  let n = 0;
  for (const reason of ISSUE_REASONS) n += summary[reason]?.count ?? 0;
  return n;
}

/**
 * What a read skipped as unreadable, for an error about input that gave nothing usable:
 * `1 line skipped as unreadable (column-count 1; first: f.csv:1: expected ...)`; empty when nothing was.
 */
export function skippedNote(summary: IssueSummary): string {
  const reasons = ISSUE_REASONS.filter((r) => (summary[r]?.count ?? 0) > 0);
  if (reasons.length === 0) return '';
  const total = issueTotal(summary);
  const list = reasons.map((r) => `${r} ${summary[r]!.count}`).join(', ');
  const first = summary[reasons[0]!]!.examples[0];
  return (
    `${total} ${total === 1 ? 'line' : 'lines'} skipped as unreadable ` +
    `(${list}${first === undefined ? '' : `; first: ${first}`})`
  );
}

const EXAMPLES_PER_REASON = 3;

/** Collects issues for one read (possibly over many files). */
export class IssueLog {
  readonly strict: boolean;
  private readonly counts = new Map<IssueReason, { count: number; examples: string[] }>();
  private totalCount = 0;

  constructor(options: { strict?: boolean } = {}) {
    this.strict = options.strict ?? false;
  }

  /** Records an issue; throws `TraceInputError` in strict mode. */
  report(issue: TraceIssue): void {
    if (this.strict) throw new TraceInputError(formatIssue(issue), issue);
    this.totalCount++;
    let entry = this.counts.get(issue.reason);
    if (entry === undefined) {
      entry = { count: 0, examples: [] };
      this.counts.set(issue.reason, entry);
    }
    entry.count++;
    if (entry.examples.length < EXAMPLES_PER_REASON) entry.examples.push(formatIssue(issue));
  }

  /** Number of lines (or file tails) skipped so far. */
  get total(): number {
    return this.totalCount;
  }

  /**
   * Adds what another log collected, as if its issues had been reported here after those already
   * counted: a reader that splits files among threads merges their logs in file order and gets the
   * same counts and examples as one thread reading them in turn.
   */
  absorb(other: IssueSummary): void {
    for (const reason of ISSUE_REASONS) {
      const add = other[reason];
      if (add === undefined || add.count === 0) continue;
      let entry = this.counts.get(reason);
      if (entry === undefined) {
        entry = { count: 0, examples: [] };
        this.counts.set(reason, entry);
      }
      entry.count += add.count;
      this.totalCount += add.count;
      for (const example of add.examples) {
        if (entry.examples.length >= EXAMPLES_PER_REASON) break;
        entry.examples.push(example);
      }
    }
  }

  summary(): IssueSummary {
    const out: Partial<Record<IssueReason, IssueCount>> = {};
    for (const reason of ISSUE_REASONS) {
      const entry = this.counts.get(reason);
      if (entry !== undefined) out[reason] = { count: entry.count, examples: [...entry.examples] };
    }
    return out;
  }
}
