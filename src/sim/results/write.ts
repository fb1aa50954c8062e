import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExperimentResult, RunResult } from './types.js';

/**
 * The experiment result as written to files: wall-clock durations removed, so that the same input,
 * configuration and seed give byte-identical files.
 */
export function forFiles(result: ExperimentResult): ExperimentResult {
  return {
    ...result,
    runs: result.runs.map((r) => ({ ...r, result: stripWall(r.result) })),
  };
}

function stripWall(r: RunResult): RunResult {
  const { wallMs: _wall, ...meta } = r.meta;
  return { ...r, meta };
}

/** JSON text of a result (one line per run is not needed: compact JSON with a final newline). */
export function resultJson(result: ExperimentResult): string {
  return JSON.stringify(forFiles(result)) + '\n';
}

/** The file name of an experiment result, per shard. */
export function resultFileName(result: ExperimentResult): string {
  return result.shard.count === 1
    ? 'results.json'
    : `results.shard-${result.shard.index}-of-${result.shard.count}.json`;
}

/** Writes `results.json` (or the shard's file) into `dir`; the pods CSVs were written by the runs. */
export function writeExperimentResult(dir: string, result: ExperimentResult): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, resultFileName(result));
  writeFileSync(path, resultJson(result));
  return path;
}
