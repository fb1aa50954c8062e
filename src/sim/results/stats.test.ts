import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EXACT_LIMIT, QuantileCollector, SORTED_RUN } from './stats.js';

test('exact percentiles by nearest rank', () => {
  const c = new QuantileCollector();
  for (let i = 1; i <= 10; i++) c.add(i);
  const s = c.summary();
  assert.equal(s.count, 10);
  assert.equal(s.mean, 5.5);
  assert.equal(s.min, 1);
  assert.equal(s.p50, 5);
  assert.equal(s.p90, 9);
  assert.equal(s.p99, 10);
  assert.equal(s.max, 10);
  assert.equal(s.percentiles.length, 101);
});

test('an empty distribution has nulls, not NaN', () => {
  const s = new QuantileCollector().summary();
  assert.deepEqual(s, {
    count: 0,
    mean: null,
    min: null,
    p50: null,
    p90: null,
    p95: null,
    p99: null,
    max: null,
    percentiles: [],
  });
});

test('beyond the exact limit, percentiles stay within 0.5 % and memory stays bounded', () => {
  const exact = new QuantileCollector(1e9);
  const sketch = new QuantileCollector(1000);
  let x = 7;
  for (let i = 0; i < 20_000; i++) {
    x = (x * 48271) % 2147483647;
    const v = i % 10 === 0 ? 0 : (x % 100_000) / 10;
    exact.add(v);
    sketch.add(v);
  }
  const a = exact.summary();
  const b = sketch.summary();
  assert.equal(b.count, a.count);
  assert.equal(b.min, a.min);
  assert.equal(b.max, a.max);
  for (let q = 0; q <= 100; q++) {
    const e = a.percentiles[q]!;
    const g = b.percentiles[q]!;
    assert.ok(Math.abs(g - e) <= 0.0051 * e + 0.11, `p${q}: ${g} vs ${e}`);
  }
});

test('refuses negative and non-finite values', () => {
  const c = new QuantileCollector();
  assert.throws(() => c.add(-1), RangeError);
  assert.throws(() => c.add(Number.NaN), RangeError);
});

test('a collector sorting as values come gives the percentiles of one sorting at the end', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 3 * SORTED_RUN + 17 }),
      fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      fc.constantFrom('spread', 'ties', 'huge'),
      fc.oneof(fc.constant(EXACT_LIMIT), fc.integer({ min: SORTED_RUN, max: 3 * SORTED_RUN })),
      fc.option(fc.nat({ max: 3 * SORTED_RUN })),
      (n, seed, kind, limit, askAt) => {
        const plain = new QuantileCollector(limit);
        const runs = new QuantileCollector(limit, { sortAsAdded: true });
        let x = seed;
        for (let i = 0; i < n; i++) {
          x = (Math.imul(x, 48271) >>> 0) % 2147483647;
          const u = x / 2147483647;
          // Spread fractions, many ties (and -0 among zeros), or magnitudes up to 1e300.
          const v =
            kind === 'spread'
              ? u * 1e5
              : kind === 'ties'
                ? [0, -0, 1, 1.5, 3600][x % 5]!
                : u * 10 ** (x % 300);
          plain.add(v);
          runs.add(v);
          // Asked midway, values keep coming after.
          if (i === askAt) assert.deepEqual(runs.summary(), plain.summary());
        }
        assert.deepEqual(runs.summary(), plain.summary());
      },
    ),
    { numRuns: 15 },
  );
});
