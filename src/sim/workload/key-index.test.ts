import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { KeyIndex } from './key-index.js';

test('key index: answers like a Map under any mix of set, get and delete (keys up to 2^53)', () => {
  // A small key space makes collisions, replacements and probe-run deletions frequent.
  const key = fc.oneof(
    fc.integer({ min: 0, max: 40 }),
    fc.integer({ min: 0, max: 40 }).map((k) => 6_251_812_952 * 1_048_576 + k),
    fc.constant(Number.MAX_SAFE_INTEGER),
  );
  const op = fc.tuple(fc.constantFrom('set', 'get', 'delete'), key, fc.integer({ min: 0, max: 1000 }));
  fc.assert(
    fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
      const index = new KeyIndex(2);
      const map = new Map<number, number>();
      for (const [kind, k, row] of ops) {
        if (kind === 'set') {
          index.set(k, row);
          map.set(k, row);
        } else if (kind === 'delete') {
          assert.equal(index.delete(k), map.get(k) ?? -1);
          map.delete(k);
        } else {
          assert.equal(index.get(k), map.get(k) ?? -1);
        }
        assert.equal(index.size, map.size);
      }
      for (const [k, row] of map) assert.equal(index.get(k), row);
    }),
  );
});

test('key index: refuses keys that are not exact integers in 0..2^53', () => {
  const index = new KeyIndex();
  assert.throws(() => index.set(-1, 0), /not in 0\.\.2\^53/);
  assert.throws(() => index.set(2 ** 53, 0), /not in 0\.\.2\^53/);
  assert.throws(() => index.set(1.5, 0), /not in 0\.\.2\^53/);
});
