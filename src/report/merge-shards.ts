/**
 * Joins the shards of one experiment (`experiment --shard i/n`, e.g. the pods of a Kubernetes
 * Indexed Job each writing `results.shard-<i>-of-<n>.json`) back into one results set, so that a
 * sweep run in pieces gets one report. Pure; the caller reads the files.
 */
import type { ExperimentResult } from '../sim/results/types.js';

export interface MergedShards {
  readonly results: ExperimentResult;
  /** Shard indexes of the sweep that are absent (their runs are missing from the report). */
  readonly missingShards: readonly number[];
}

/** Throws an `Error` saying which shard does not belong with the first one. */
export function mergeShards(
  shards: readonly { readonly source: string; readonly results: ExperimentResult }[],
): MergedShards {
  const first = shards[0];
  if (first === undefined) throw new Error('no shard to merge');
  const count = first.results.shard.count;
  const seen = new Set<number>();
  for (const s of shards) {
    const r = s.results;
    const differs =
      r.name !== first.results.name
        ? `experiment '${r.name}', not '${first.results.name}'`
        : r.totalRuns !== first.results.totalRuns
          ? `${r.totalRuns} runs in the sweep, not ${first.results.totalRuns}`
          : r.shard.count !== count
            ? `one shard of ${r.shard.count}, not of ${count}`
            : null;
    if (differs !== null)
      throw new Error(`${s.source}: belongs to another sweep (${differs} as in ${first.source})`);
    if (seen.has(r.shard.index))
      throw new Error(`${s.source}: shard ${r.shard.index} of ${count} appears twice`);
    seen.add(r.shard.index);
  }
  const runs = shards.flatMap((s) => s.results.runs).sort((a, b) => a.index - b.index);
  const missingShards: number[] = [];
  for (let i = 0; i < count; i++) if (!seen.has(i)) missingShards.push(i);
  return { results: { ...first.results, runs, shard: { index: 0, count: 1 } }, missingShards };
}
