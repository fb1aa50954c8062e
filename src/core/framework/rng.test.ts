import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, shuffle } from '../index.js';

test('the same seed gives the same sequence; the sequence is pinned (platform independent)', () => {
  const a = createRng(42);
  const b = createRng(42);
  const xs = Array.from({ length: 5 }, () => a.int(1000));
  assert.deepEqual(
    xs,
    Array.from({ length: 5 }, () => b.int(1000)),
  );
  // Pinned values: a change here changes every seeded simulation result.
  assert.deepEqual(xs, PINNED_42);
  assert.notDeepEqual(
    xs,
    Array.from({ length: 5 }, (_, i) => createRng(43 + i).int(1000)),
  );
});

test('next() is in [0, 1) and int(n) covers 0..n-1 evenly', () => {
  const rng = createRng(7);
  const counts = new Array<number>(6).fill(0);
  for (let i = 0; i < 60_000; i++) {
    const x = rng.next();
    assert.ok(x >= 0 && x < 1);
    counts[rng.int(6)]!++;
  }
  for (const c of counts) assert.ok(c > 9_500 && c < 10_500, `count ${c}`);
});

test('int(n) refuses nonsense', () => {
  const rng = createRng(1);
  assert.throws(() => rng.int(0), RangeError);
  assert.throws(() => rng.int(1.5), RangeError);
  assert.throws(() => createRng(Number.NaN), RangeError);
});

test('shuffle is a seeded permutation', () => {
  const xs = shuffle([1, 2, 3, 4, 5, 6, 7, 8], createRng(3));
  assert.deepEqual([...xs].sort(), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(xs, shuffle([1, 2, 3, 4, 5, 6, 7, 8], createRng(3)));
});

const PINNED_42: number[] = [956, 290, 704, 805, 978];
