import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExperimentResult } from '../sim/results/types.js';
import { mergeShards } from './merge-shards.js';
import { sampleResults } from './sample-results.js';

const whole = sampleResults({ sgxShares: [0, 0.5, 1] });

function shard(index: number, count: number): ExperimentResult {
  return { ...whole, shard: { index, count }, runs: whole.runs.filter((r) => r.index % count === index) };
}

describe('mergeShards', () => {
  it('gives back the whole sweep, runs in sweep order', () => {
    const merged = mergeShards([2, 0, 1].map((i) => ({ source: `s${i}`, results: shard(i, 3) })));
    assert.deepEqual(merged.missingShards, []);
    assert.deepEqual(merged.results, whole);
  });

  it('says which shards are missing', () => {
    const merged = mergeShards([{ source: 's1', results: shard(1, 3) }]);
    assert.deepEqual(merged.missingShards, [0, 2]);
    assert.equal(merged.results.runs.length, 2);
  });

  it('refuses shards of different sweeps and duplicates', () => {
    assert.throws(
      () =>
        mergeShards([
          { source: 'a', results: shard(0, 2) },
          { source: 'b', results: { ...shard(1, 2), name: 'other' } },
        ]),
      /b: belongs to another sweep \(experiment 'other', not 'main' as in a\)/,
    );
    assert.throws(
      () =>
        mergeShards([
          { source: 'a', results: shard(0, 2) },
          { source: 'b', results: shard(0, 2) },
        ]),
      /b: shard 0 of 2 appears twice/,
    );
  });
});
