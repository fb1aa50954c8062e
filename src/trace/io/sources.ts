import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import { TraceInputError } from '../issues.js';

/** A data file name: `*.csv`, `*.csv.gz`, `*.jsonl`, `*.jsonl.gz`, `*.json`, `*.txt` (plain or gz). */
const DATA_FILE = /\.(csv|jsonl|ndjson|json|txt)(\.gz)?$/i;

function hasWildcard(s: string): boolean {
  return /[*?[]/.test(s);
}

/** A shell-style pattern for one path component: `*`, `?` and `[...]` classes. */
function componentRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 1);
      if (close < 0) re += '\\[';
      else {
        let body = pattern.slice(i + 1, close);
        if (body.startsWith('!')) body = '^' + body.slice(1);
        re += '[' + body.replace(/\\/g, '\\\\') + ']';
        i = close;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp('^' + re + '$');
}

/** Expands a glob whose wildcards may sit in any path component. Results sorted by name. */
function expandGlob(pattern: string): string[] {
  const parts = pattern.split(/[\\/]/);
  let bases = [parts[0] === '' ? sep : parts[0]!];
  if (hasWildcard(parts[0]!)) bases = expandComponent('.', parts[0]!);
  for (const part of parts.slice(1)) {
    if (part === '') continue;
    const next: string[] = [];
    for (const base of bases) {
      if (hasWildcard(part)) next.push(...expandComponent(base, part));
      else if (existsSync(join(base, part))) next.push(join(base, part));
    }
    bases = next;
  }
  return bases.sort();
}

function expandComponent(dir: string, pattern: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const re = componentRegExp(pattern);
  return names
    .filter((n) => re.test(n))
    .sort()
    .map((n) => (dir === '.' ? n : join(dir, n)));
}

/** Data files directly inside a folder, by name (part files sort in trace-time order). */
function filesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => DATA_FILE.test(n) && statSync(join(dir, n)).isFile())
    .sort()
    .map((n) => join(dir, n));
}

/** A Borg part file (`part-00001-of-00500.csv.gz`): its number. */
const PART_FILE = /^part-(\d+)-of-\d+\.csv(\.gz)?$/;

/**
 * The files in part order when every one is a Borg part file: the parts split the trace by time,
 * so their number is their time order, whatever order they were given in (`part-00001 part-00000`).
 * Stable: files of the same number (copies in other folders) keep their order.
 */
function inPartOrder(files: string[]): string[] {
  const numbers = files.map((f) => PART_FILE.exec(basename(f))?.[1]);
  if (files.length < 2 || numbers.some((n) => n === undefined)) return files;
  return files
    .map((f, i) => ({ f, n: Number(numbers[i]), i }))
    .sort((a, b) => a.n - b.n || a.i - b.i)
    .map((e) => e.f);
}

/**
 * Turns the user's file arguments into an ordered list of files. Each argument is a file, a folder
 * (its data files, sorted by name; for a trace root holding table folders, the folder named `table`)
 * or a glob (`task_events/part-0000[1-4]*`). Order is preserved across arguments, duplicates dropped,
 * except that Borg part files are read in part order (`inPartOrder`). A missing file, an empty
 * folder or a glob that matches nothing is an error that names it.
 */
export function resolveSources(specs: readonly string[], table?: string): string[] {
  if (specs.length === 0) throw new TraceInputError('no input files given');
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (f: string): void => {
    if (!seen.has(f)) {
      seen.add(f);
      out.push(f);
    }
  };
  for (const spec of specs) {
    if (hasWildcard(spec) && !existsSync(spec)) {
      const matches = expandGlob(spec).flatMap((m) => (statSync(m).isDirectory() ? filesIn(m) : [m]));
      if (matches.length === 0) throw new TraceInputError(`${spec}: no file matches this pattern`);
      matches.forEach(add);
      continue;
    }
    if (!existsSync(spec)) {
      throw new TraceInputError(`${spec}: no such file or folder`);
    }
    if (statSync(spec).isDirectory()) {
      const tableDir = table !== undefined ? join(spec, table) : undefined;
      const dir =
        tableDir !== undefined && existsSync(tableDir) && statSync(tableDir).isDirectory() ? tableDir : spec;
      const files = filesIn(dir);
      if (files.length === 0) {
        throw new TraceInputError(`${spec}: folder holds no data files (*.csv, *.csv.gz, *.jsonl)`);
      }
      files.forEach(add);
    } else add(spec);
  }
  return inPartOrder(out);
}

/** The Borg table a file belongs to, from its folder name (`.../task_events/part-...`), if any. */
export function tableFromPath(file: string): string | undefined {
  const dir = basename(dirname(file));
  return /^(task_events|task_usage|job_events|machine_events)$/.test(dir) ? dir : undefined;
}
