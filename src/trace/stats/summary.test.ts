import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DoubleColumn } from '../columns/number-set.js';
import { distributionOf, nearestRank } from './summary.js';

test('distributionOf: the percentiles by selection are the nearest ranks of the sorted values', () => {
  const value = fc.oneof(
    fc.constantFrom(0, 0.5, 1, 0.01553),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.integer({ min: 0, max: 5 }).map((k) => k / 4),
  );
  fc.assert(
    fc.property(fc.array(value, { minLength: 1, maxLength: 400 }), (values) => {
      const column = new DoubleColumn();
      for (const v of values) column.push(v);
      const d = distributionOf(column)!;
      const sorted = Float64Array.from(values).sort();
      assert.equal(d.count, values.length);
      assert.equal(d.min, sorted[0]);
      assert.equal(d.max, sorted[sorted.length - 1]);
      assert.equal(d.p50, nearestRank(sorted, 50));
      assert.equal(d.p90, nearestRank(sorted, 90));
      assert.equal(d.p99, nearestRank(sorted, 99));
      assert.equal(d.zero, values.filter((v) => v === 0).length);
    }),
    { numRuns: 500 },
  );
});

test('distributionOf: sorted, reversed and constant inputs of a million values', () => {
  for (const make of [(i: number) => i, (i: number) => 1e6 - i, () => 0.25]) {
    const column = new DoubleColumn();
    for (let i = 0; i < 1_000_000; i++) column.push(make(i));
    const d = distributionOf(column)!;
    const sorted = column.sorted();
    assert.equal(d.p50, nearestRank(sorted, 50));
    assert.equal(d.p99, nearestRank(sorted, 99));
  }
});
