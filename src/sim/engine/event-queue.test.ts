import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EventQueue } from './event-queue.js';
import { VirtualClock } from './clock.js';

test('events come out by time, and by push order at the same time', () => {
  const q = new EventQueue(2);
  q.push(5, 1, 10);
  q.push(1, 2, 20);
  q.push(5, 3, 30);
  q.push(1, 4, 40);
  q.push(0, 5, 50);
  const out: [number, number, number][] = [];
  while (q.pop()) out.push([q.lastTime, q.lastKind, q.lastA]);
  assert.deepEqual(out, [
    [0, 5, 50],
    [1, 2, 20],
    [1, 4, 40],
    [5, 1, 10],
    [5, 3, 30],
  ]);
  assert.equal(q.size, 0);
  assert.equal(q.peekTime(), Infinity);
});

test('matches a stable sort on (time, push order) for any interleaving of pushes and pops', () => {
  // Equal times (the tie-break), times within one 64-second window, across windows, beyond the ring
  // of windows (about three days: the far heap), fractions, and values at window bounds.
  const time = fc.oneof(
    fc.integer({ min: 0, max: 20 }),
    fc.integer({ min: 0, max: 2_000 }),
    fc.integer({ min: 0, max: 2_000_000 }),
    fc.double({ min: 0, max: 1e6, noNaN: true }),
    fc.constantFrom(63.99999999999999, 64, 128, 262_144, 262_143.99999999997, 262_208),
  );
  fc.assert(
    fc.property(fc.array(fc.oneof(time, fc.constant(-1)), { maxLength: 300 }), (ops) => {
      const q = new EventQueue(1);
      const model: { t: number; id: number }[] = [];
      let id = 0;
      for (const op of ops) {
        if (op >= 0) {
          q.push(op, 0, id, id * 2);
          model.push({ t: op, id: id++ });
        } else {
          model.sort((x, y) => x.t - y.t || x.id - y.id);
          const want = model.shift();
          assert.equal(q.peekTime(), want?.t ?? Infinity);
          assert.equal(q.pop(), want !== undefined);
          if (want) {
            assert.equal(q.lastTime, want.t);
            assert.equal(q.lastA, want.id);
            assert.equal(q.lastB, want.id * 2);
          }
        }
        assert.equal(q.size, model.length);
      }
    }),
    { numRuns: 500 },
  );
});

test('a simulation-like run (pushes never before the last pop) comes out in order over months', () => {
  const q = new EventQueue(4);
  let state = 12345;
  const rnd = (): number => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  let now = 0;
  let popped = 0;
  for (let i = 0; i < 20_000; i++) q.push(rnd() * 3e6, 1, i);
  let lastSeen = -1;
  while (q.pop()) {
    assert.ok(q.lastTime >= lastSeen, `${q.lastTime} after ${lastSeen}`);
    lastSeen = q.lastTime;
    now = q.lastTime;
    popped++;
    // Like a pod's start and end: pushed now for a little later, or days later.
    if (popped < 40_000) q.push(now + (rnd() < 0.5 ? rnd() * 10 : rnd() * 1e6), 2, popped);
  }
  assert.equal(popped, 20_000 + 39_999);
});

test('rejects times that would break the ordering', () => {
  const q = new EventQueue();
  assert.throws(() => q.push(Number.NaN, 0), RangeError);
  assert.throws(() => q.push(-1, 0), RangeError);
  assert.throws(() => q.push(Infinity, 0), RangeError);
});

test('the virtual clock only moves forward', () => {
  const c = new VirtualClock(3);
  c.advanceTo(3);
  c.advanceTo(7.5);
  assert.equal(c.now, 7.5);
  assert.throws(() => c.advanceTo(7), RangeError);
});

test('kinds, 32-bit first arguments and large second arguments come back as pushed', () => {
  const q = new EventQueue(1);
  const cases: [number, number, number][] = [
    [0, 0, 0],
    [255, -1, 2 ** 53 - 1],
    [7, -(2 ** 31), 1],
    [200, 2 ** 31 - 1, 2 ** 40 + 3],
  ];
  cases.forEach(([kind, a, b], i) => q.push(i, kind, a, b));
  for (const [kind, a, b] of cases) {
    assert.equal(q.pop(), true);
    assert.deepEqual([q.lastKind, q.lastA, q.lastB], [kind, a, b]);
  }
});
