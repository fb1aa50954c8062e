import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pagingModel, parsePagingModel, DEFAULT_PAGING } from './paging.js';
import { restartBackoff } from './backoff.js';

test('paging: no slowdown until the EPC is overcommitted, then (r-1)/r of the penalty', () => {
  const m = pagingModel(DEFAULT_PAGING);
  assert.equal(m.slowdown(0.5, 1), 1);
  assert.equal(m.slowdown(1, 1), 1);
  assert.equal(m.slowdown(2, 1), 3.5);
  assert.equal(m.slowdown(5, 1), 5); // VAULT's average for memory-intensive workloads
  assert.ok(m.slowdown(1e9, 1) < 6);
  assert.equal(m.slowdown(2, 0), 1); // a compute-bound enclave does not notice
  assert.equal(m.name, 'overflow(penalty=5)');
});

test('paging: the model is chosen by name', () => {
  assert.deepEqual(parsePagingModel('overflow:10'), { kind: 'overflow', penalty: 10 });
  assert.deepEqual(parsePagingModel('none'), { kind: 'none' });
  assert.equal(pagingModel({ kind: 'none' }).slowdown(100, 1), 1);
  assert.match(String(parsePagingModel('linear')), /expected "none", "overflow"/);
});

test('kubelet back-off: 10 s doubling, capped at 5 minutes', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 50].map(restartBackoff), [10, 20, 40, 80, 160, 300, 300, 300]);
  assert.throws(() => restartBackoff(0), RangeError);
});
