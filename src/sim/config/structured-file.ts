import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';

/** A path to a field inside a configuration document, e.g. `['nodeGroups', 1, 'memory']`. */
export type FieldPath = readonly (string | number)[];

/** One problem found in a configuration file: where it is and what was expected. */
export interface ConfigProblem {
  readonly field: string;
  /** 1-based line of the field in the file, when known. */
  readonly line: number | null;
  readonly message: string;
}

/**
 * Invalid configuration (cluster spec, experiment spec, flags turned into a run configuration).
 * Carries every problem found, each naming the file, line and field, so that one run of the command
 * reports them all. The CLI maps it to exit status 3.
 */
export class SimConfigError extends Error {
  readonly file: string;
  readonly problems: readonly ConfigProblem[];
  constructor(file: string, problems: readonly ConfigProblem[]) {
    const lines = problems.map(
      (p) => `  ${file}${p.line === null ? '' : `:${p.line}`}: ${p.field}: ${p.message}`,
    );
    super(
      `${problems.length === 1 ? 'invalid value' : `${problems.length} invalid values`} in ${file}:\n${lines.join('\n')}`,
    );
    this.name = 'SimConfigError';
    this.file = file;
    this.problems = problems;
  }
}

/** Renders a field path as people write it: `nodeGroups[1].memory`. */
export function fieldName(path: FieldPath): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`;
  return out === '' ? '(document)' : out;
}

/** A parsed YAML or JSON document (JSON is YAML) that can say on which line a field is. */
export interface StructuredDocument {
  readonly file: string;
  readonly data: unknown;
  lineOf(path: FieldPath): number | null;
}

/** Parses YAML or JSON text; syntax errors become a `SimConfigError` with the line. */
export function parseStructured(file: string, text: string): StructuredDocument {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new SimConfigError(
      file,
      doc.errors.map((e) => ({
        field: '(syntax)',
        // `linePos` is filled only with prettyErrors (which also rewrites the message); the offset
        // is always there.
        line: e.linePos?.[0]?.line ?? lineCounter.linePos(e.pos[0]).line,
        message: e.message.split('\n')[0] ?? e.message,
      })),
    );
  }
  return {
    file,
    data: doc.toJS({ maxAliasCount: 100 }) as unknown,
    lineOf(path: FieldPath): number | null {
      for (let n = path.length; n >= 0; n--) {
        const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
        if (node !== undefined && node !== null && typeof node === 'object' && Array.isArray(node.range)) {
          return lineCounter.linePos(node.range[0]).line;
        }
      }
      return null;
    },
  };
}

/** Reads and parses a YAML or JSON file; a missing or unreadable file is a `SimConfigError` too. */
export function loadStructuredFile(file: string): StructuredDocument {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new SimConfigError(file, [
      { field: '(file)', line: null, message: `cannot read the file: ${reason}` },
    ]);
  }
  return parseStructured(file, text);
}

/**
 * Collects problems while a document is validated, so that every bad field is reported at once.
 * Readers return `undefined` for a bad value after recording the problem.
 */
export class FieldReader {
  private readonly problems: ConfigProblem[] = [];
  constructor(readonly doc: StructuredDocument) {}

  problem(path: FieldPath, message: string): undefined {
    this.problems.push({ field: fieldName(path), line: this.doc.lineOf(path), message });
    return undefined;
  }

  /** Throws the collected problems, if any. */
  done(): void {
    if (this.problems.length > 0) throw new SimConfigError(this.doc.file, this.problems);
  }

  get failed(): boolean {
    return this.problems.length > 0;
  }

  object(value: unknown, path: FieldPath): Record<string, unknown> | undefined {
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      return value as Record<string, unknown>;
    return this.problem(path, `expected a mapping of fields, got ${describe(value)}`);
  }

  array(value: unknown, path: FieldPath): unknown[] | undefined {
    if (Array.isArray(value)) return value as unknown[];
    return this.problem(path, `expected a list, got ${describe(value)}`);
  }

  string(value: unknown, path: FieldPath): string | undefined {
    if (typeof value === 'string' && value !== '') return value;
    return this.problem(path, `expected a non-empty string, got ${describe(value)}`);
  }

  number(value: unknown, path: FieldPath, min = -Infinity, max = Infinity): number | undefined {
    if (typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max) return value;
    const range =
      min === -Infinity && max === Infinity
        ? 'a number'
        : max === Infinity
          ? `a number >= ${min}`
          : `a number in ${min}..${max}`;
    return this.problem(path, `expected ${range}, got ${describe(value)}`);
  }

  integer(value: unknown, path: FieldPath, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in ${min}..${max}`;
    return this.problem(path, `expected a whole number ${range}, got ${describe(value)}`);
  }

  boolean(value: unknown, path: FieldPath): boolean | undefined {
    if (typeof value === 'boolean') return value;
    return this.problem(path, `expected true or false, got ${describe(value)}`);
  }

  /** Reports fields that are not among `known` (a typo must not be silently ignored). */
  onlyKnown(obj: Record<string, unknown>, path: FieldPath, known: readonly string[]): void {
    for (const key of Object.keys(obj)) {
      if (!known.includes(key))
        this.problem([...path, key], `unknown field (expected one of: ${known.join(', ')})`);
    }
  }
}

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}
