import { pythonRound } from './python-float.js';

/**
 * Reader of the paper's trace CSV, with the authors' simulator's own reading rules: no header, one job a
 * line, column 0 = start and 1 = end (integer µs), 3 = requested and 4 = used memory (fractions of a
 * machine); other columns are ignored. Every line counts for `--skip`, and only kept lines are parsed.
 * Where the authors' code would crash (a header, a short line, NaN, infinity), this reports the file,
 * line and field instead; negative fractions, which it would silently turn into negative page counts,
 * are refused too. Those are the only differences: a line the authors' code accepts reads the same here.
 */

/** EPC pages of a 128 MiB SGX1 part: the authors convert fractions with this whatever the EPC size. */
export const PAPER_PAGES_PER_MACHINE = 23936;

/** Kept jobs in file order, in columns (seconds and pages are integral doubles). */
export interface PaperJobs {
  readonly count: number;
  readonly start: Float64Array;
  readonly end: Float64Array;
  readonly req: Float64Array;
  readonly act: Float64Array;
}

export interface PaperCsvSummary {
  /** Lines read, kept or not. */
  readonly lines: number;
  /** Kept lines dropped because max(req, act) exceeds the usable EPC (one stderr message each). */
  readonly tooBig: number;
  /** Kept lines dropped because req or act is 0 pages. */
  readonly zero: number;
}

/** A line the reader cannot take, with its place. */
export class PaperCsvError extends Error {
  constructor(
    readonly source: string,
    readonly line: number,
    readonly detail: string,
  ) {
    super(`${source}:${line}: ${detail}`);
    this.name = 'PaperCsvError';
  }
}

// Python's int() and float() accept surrounding whitespace and single underscores between digits.
const WS = '[ \\t\\n\\r\\f\\v]*';
const DIGITS = '\\d(?:_?\\d)*';
const PY_INT = new RegExp(`^${WS}[+-]?${DIGITS}${WS}$`);
const PY_FLOAT = new RegExp(
  `^${WS}[+-]?(?:(?:${DIGITS}(?:\\.(?:${DIGITS})?)?|\\.${DIGITS})(?:[eE][+-]?${DIGITS})?|inf(?:inity)?|nan)${WS}$`,
  'i',
);

const COLUMNS = [
  { index: 0, name: 'start time (µs)' },
  { index: 1, name: 'end time (µs)' },
  { index: 3, name: 'requested memory (fraction of a machine)' },
  { index: 4, name: 'used memory (fraction of a machine)' },
] as const;

/** The value of a field already checked against Python's syntax (Number() ignores the whitespace). */
function numberOf(field: string): number {
  return Number(field.includes('_') ? field.replaceAll('_', '') : field);
}

function show(text: string): string {
  return JSON.stringify(text.length > 40 ? text.slice(0, 40) + '…' : text);
}

/** Streams lines in, keeps columns of jobs; one instance reads one file. */
export class PaperCsvReader {
  private lineCount = 0;
  private tooBig = 0;
  private zero = 0;
  private n = 0;
  private start = new Float64Array(1024);
  private end = new Float64Array(1024);
  private req = new Float64Array(1024);
  private act = new Float64Array(1024);

  constructor(
    private readonly source: string,
    private readonly skip: number,
    private readonly usablePages: number,
  ) {}

  /** Takes the next line (terminator removed). Throws `PaperCsvError` for a kept line it cannot read. */
  line(text: string): void {
    const index = this.lineCount++;
    if (this.skip > 1 && index % this.skip !== 0) return;
    const lineNo = index + 1;
    const fields = text.trimEnd().split(',');
    if (fields.length < 5) {
      throw new PaperCsvError(
        this.source,
        lineNo,
        `expected at least 5 comma-separated fields (start µs, end µs, -, requested, used), found ${fields.length}: ${show(text)}`,
      );
    }
    const startUs = this.micros(fields[0]!, lineNo, COLUMNS[0]);
    const endUs = this.micros(fields[1]!, lineNo, COLUMNS[1]);
    const requested = this.fraction(fields[3]!, lineNo, COLUMNS[2]);
    const used = this.fraction(fields[4]!, lineNo, COLUMNS[3]);
    // int / int in Python is the correctly rounded quotient; both operands are exact doubles here, so
    // the IEEE division gives the same double.
    const start = pythonRound(startUs / 1e6);
    const end = pythonRound(endUs / 1e6);
    // A Python float times an int is a float product; math.ceil of it is the exact integer, which the
    // double Math.ceil returns represents exactly.
    const req = Math.ceil(requested * PAPER_PAGES_PER_MACHINE);
    const act = Math.ceil(used * PAPER_PAGES_PER_MACHINE);
    if (Math.max(req, act) > this.usablePages) {
      this.tooBig++;
      return;
    }
    if (req === 0 || act === 0) {
      this.zero++;
      return;
    }
    this.append(start, end, req, act);
  }

  summary(): PaperCsvSummary {
    return { lines: this.lineCount, tooBig: this.tooBig, zero: this.zero };
  }

  jobs(): PaperJobs {
    const n = this.n;
    return {
      count: n,
      start: this.start.subarray(0, n),
      end: this.end.subarray(0, n),
      req: this.req.subarray(0, n),
      act: this.act.subarray(0, n),
    };
  }

  private micros(field: string, lineNo: number, column: (typeof COLUMNS)[number]): number {
    if (!PY_INT.test(field)) {
      throw new PaperCsvError(
        this.source,
        lineNo,
        `field ${column.index + 1}, ${column.name}: expected an integer, got ${show(field)}`,
      );
    }
    const value = numberOf(field);
    if (!Number.isSafeInteger(value)) {
      throw new PaperCsvError(
        this.source,
        lineNo,
        `field ${column.index + 1}, ${column.name}: ${show(field)} is beyond ±2^53 µs, which this reader cannot hold exactly`,
      );
    }
    return value;
  }

  private fraction(field: string, lineNo: number, column: (typeof COLUMNS)[number]): number {
    const value = PY_FLOAT.test(field) ? numberOf(field) : NaN;
    if (!Number.isFinite(value) || value < 0) {
      throw new PaperCsvError(
        this.source,
        lineNo,
        `field ${column.index + 1}, ${column.name}: expected a finite number >= 0, got ${show(field)}`,
      );
    }
    return value;
  }

  private append(start: number, end: number, req: number, act: number): void {
    if (this.n === this.start.length) {
      const grow = (a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.start = grow(this.start);
      this.end = grow(this.end);
      this.req = grow(this.req);
      this.act = grow(this.act);
    }
    const i = this.n++;
    this.start[i] = start;
    this.end[i] = end;
    this.req[i] = req;
    this.act[i] = act;
  }
}
