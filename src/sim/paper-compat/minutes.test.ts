import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { minutesRepr } from './minutes.js';
import { pythonFloatRepr } from './python-float.js';

test('the cached minutes equal repr(t / 60) for every second of the first 10 days', () => {
  for (let t = 0; t < 864_000; t++) {
    const fast = minutesRepr(t);
    if (fast !== pythonFloatRepr(t / 60)) assert.fail(`t = ${t}: ${fast} != ${pythonFloatRepr(t / 60)}`);
  }
});

test('the cached minutes equal repr(t / 60) at every magnitude up to 2^53 seconds', () => {
  const seconds = fc.oneof(
    fc.integer({ min: 0, max: 2 ** 31 }),
    fc.double({ min: 0, max: 2 ** 53, noNaN: true }).map(Math.floor),
    fc
      .integer({ min: 0, max: 52 })
      .chain((k) => fc.integer({ min: -61, max: 61 }).map((d) => Math.max(0, 60 * 2 ** k + d))),
  );
  fc.assert(
    fc.property(seconds, (t) => {
      assert.equal(minutesRepr(t), pythonFloatRepr(t / 60));
    }),
    { numRuns: 20_000 },
  );
});
