import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sortNonNegative } from './sort-doubles.js';

test('sortNonNegative sorts like Float64Array.prototype.sort on non-negative doubles', () => {
  const value = fc.oneof(
    fc.constantFrom(0, -0, 1, 2 ** 52, Number.MIN_VALUE, Number.MAX_VALUE, Infinity, 0.5, 1e-300),
    fc.double({ min: 0, noNaN: true }),
    fc.integer({ min: 0, max: 100 }),
  );
  fc.assert(
    fc.property(fc.array(value, { maxLength: 300 }), (values) => {
      const input = Float64Array.from(values);
      const want = Float64Array.from(values, (v) => v + 0).sort();
      const got = sortNonNegative(input);
      assert.deepEqual([...got], [...want]);
      assert.deepEqual([...input], values, 'the input is left as it was');
    }),
    { numRuns: 500 },
  );
});

test('sortNonNegative on 200,000 values with many equal high digits', () => {
  const values = Float64Array.from({ length: 200_000 }, (_, i) => ((i * 7919) % 5000) + (i % 3) / 3);
  assert.deepEqual([...sortNonNegative(values)], [...values.slice().sort()]);
});
