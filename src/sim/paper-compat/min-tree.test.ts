import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MinTree } from './min-tree.js';

test('leftmost finds the first position at or after `from` whose value is within the limit', () => {
  const tree = new MinTree(5);
  [7, 3, 9, 3, 1].forEach((v, i) => tree.set(i, v));
  assert.equal(tree.leftmost(0, 3), 1);
  assert.equal(tree.leftmost(2, 3), 3);
  assert.equal(tree.leftmost(4, 3), 4);
  assert.equal(tree.leftmost(0, 0), -1);
  assert.equal(tree.leftmost(5, 100), -1);
  tree.set(4, Infinity);
  assert.equal(tree.leftmost(4, 100), -1);
  assert.equal(tree.min(), 3);
  assert.equal(new MinTree(0).leftmost(0, 1), -1);
});

test('agrees with a linear scan after any sequence of updates', () => {
  const op = fc.record({
    pos: fc.nat(40),
    value: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constant(Infinity)),
  });
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 41 }), fc.array(op, { maxLength: 60 }), (n, ops) => {
      const tree = new MinTree(n);
      const plain: number[] = Array<number>(n).fill(Infinity);
      for (const { pos, value } of ops) {
        const p = pos % n;
        tree.set(p, value);
        plain[p] = value;
        for (let from = 0; from <= n; from += 3) {
          for (const limit of [0, 5, 10, 20]) {
            const expected = plain.findIndex((v, i) => i >= from && v <= limit);
            assert.equal(tree.leftmost(from, limit), expected);
          }
        }
        assert.equal(tree.min(), Math.min(...plain));
      }
    }),
    { numRuns: 200 },
  );
});
