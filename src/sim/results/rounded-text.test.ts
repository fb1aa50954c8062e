import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { roundedText } from './rounded-text.js';
import { round } from './stats.js';

test('roundedText prints what String(round(x)) prints', () => {
  const same = (x: number): void => assert.equal(roundedText(x), String(round(x)), `x = ${x}`);
  for (const x of [
    0,
    -0,
    1e-7,
    4e-7,
    5e-7,
    1e-6,
    0.1,
    0.3,
    2.675,
    1.0000000000000002,
    70_157.123456,
    4_294_967_295.999999,
    4_294_967_296,
    1e15,
    1e22,
    -1.5,
    -0.0000004,
    NaN,
    Infinity,
    -Infinity,
  ])
    same(x);
  fc.assert(fc.property(fc.double({ noNaN: true }), same), { numRuns: 20_000 });
  fc.assert(fc.property(fc.double({ min: 0, max: 2 ** 33, noNaN: true }), same), { numRuns: 20_000 });
  // Times and durations as the simulator makes them: whole microseconds over 1e6, sums, ratios.
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 42 }), fc.integer({ min: 1, max: 1e6 }), (us, d) => {
      same(us / 1e6);
      same(us / 1e6 / d);
      same(us / 1e6 + 0.1 * d);
    }),
    { numRuns: 20_000 },
  );
});
