import type { ExperimentResult, RunResult } from '../results/types.js';
import type { RunProgress } from '../run/simulation.js';
import { writeExperimentResult } from '../results/write.js';
import { expandRuns } from './definition.js';
import type { ExperimentDefinition } from './definition.js';
import { runAll, shardOf } from './pool.js';

export interface ExperimentOptions {
  /** Results folder (pods CSVs and results.json); null = keep everything in memory. */
  readonly outDir: string | null;
  readonly version: string;
  /** Run only shard `index` of `count` (for a Kubernetes Indexed Job). */
  readonly shard?: { readonly index: number; readonly count: number };
  readonly parallelism?: number;
  readonly onRunDone?: (done: number, total: number, result: RunResult) => void;
  /** Called as a run advances (every `sampleSeconds` of its simulated time). */
  readonly onRunProgress?: (runId: string, progress: RunProgress) => void;
  /** Called once the runs of this shard are known, before any starts. */
  readonly onStart?: (runs: number) => void;
}

/** Runs an experiment (or one shard of it), writes its results and returns them. */
export async function runExperiment(
  def: ExperimentDefinition,
  options: ExperimentOptions,
): Promise<{ result: ExperimentResult; file: string | null }> {
  const all = expandRuns(def, options.outDir, options.version);
  const shard = options.shard ?? { index: 0, count: 1 };
  const specs = shardOf(all, shard.index, shard.count);
  options.onStart?.(specs.length);
  const results = await runAll(specs, {
    ...(options.parallelism === undefined ? {} : { parallelism: options.parallelism }),
    ...(options.onRunDone === undefined ? {} : { onRunDone: options.onRunDone }),
    ...(options.onRunProgress === undefined ? {} : { onRunProgress: options.onRunProgress }),
  });
  const result: ExperimentResult = {
    schemaVersion: results[0]?.meta.schemaVersion ?? '1.0',
    name: def.name,
    description: def.description,
    axes: def.sweep,
    totalRuns: all.length,
    shard,
    runs: specs.map((s, i) => ({ params: s.params, index: s.index, result: results[i]! })),
    version: options.version,
  };
  const file = options.outDir === null ? null : writeExperimentResult(options.outDir, result);
  return { result, file };
}
