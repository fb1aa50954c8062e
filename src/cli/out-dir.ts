import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CliError } from './errors.js';

/**
 * Creates the results folder (`--out`) before any run starts, so that a folder that cannot be
 * written is a clear error at once rather than a failure after minutes of simulation. Missing
 * folders are made one level at a time: Node's recursive mkdir never returns under a parent that
 * exists but cannot hold folders (a path under /proc).
 */
export function prepareOutDir(dir: string): void {
  const abs = resolve(dir);
  const fail = (why: string): CliError =>
    new CliError('usage', `--out ${dir}: cannot write results there: ${why}`);
  const missing: string[] = [];
  let d = abs;
  while (!existsSync(d)) {
    missing.push(d);
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  if (existsSync(d) && !statSync(d).isDirectory()) throw fail(`${d} is a file, not a folder`);
  for (const m of missing.reverse()) {
    try {
      mkdirSync(m);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw fail(`cannot create ${m} (${e.code ?? e.message})`);
    }
  }
  try {
    accessSync(abs, constants.W_OK);
  } catch {
    throw fail(`${abs} is not writable`);
  }
}
