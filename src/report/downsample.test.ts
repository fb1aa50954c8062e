import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { binMeans, lttb, maxOf, runs, timeWeightedMean } from './downsample.js';

describe('lttb', () => {
  it('keeps small series as they are', () => {
    assert.deepEqual(lttb({ t: [0, 1, 2], v: [5, 6, 7] }, 10), { t: [0, 1, 2], v: [5, 6, 7] });
  });

  it('reduces to the threshold, keeps the ends and the peaks', () => {
    const t = Array.from({ length: 10_000 }, (_, i) => i);
    const v = t.map((i) => (i === 4321 ? 1000 : Math.sin(i / 100)));
    const out = lttb({ t, v }, 200);
    assert.equal(out.t.length, 200);
    assert.equal(out.t[0], 0);
    assert.equal(out.t[199], 9999);
    assert.ok(out.v.includes(1000), 'the spike survives');
    for (let i = 1; i < out.t.length; i++) assert.ok(out.t[i]! > out.t[i - 1]!, 'times stay increasing');
  });
});

describe('binMeans', () => {
  it('averages samples per time bin and leaves empty bins null', () => {
    assert.deepEqual(binMeans([0, 1, 2, 9, 10], [1, 3, 5, 7, 9], 0, 10, 5), [2, 5, null, null, 8]);
  });
});

describe('runs', () => {
  it('merges equal neighbours', () => {
    assert.deepEqual(runs([1, 1, 2, 2, 2, 1]), [
      { from: 0, to: 2, value: 1 },
      { from: 2, to: 5, value: 2 },
      { from: 5, to: 6, value: 1 },
    ]);
    assert.deepEqual(runs([]), []);
  });
});

describe('timeWeightedMean and maxOf', () => {
  it('weights each sample by the time it holds', () => {
    // 0 for 9 s, then 10 for 1 s: a plain mean would say 5.
    assert.equal(timeWeightedMean([0, 9, 10], [0, 10, 10]), 1);
    assert.equal(timeWeightedMean([], []), null);
    assert.equal(timeWeightedMean([3], [4]), 4);
    assert.equal(maxOf([1, 7, 3]), 7);
    assert.equal(maxOf([]), null);
  });
});
