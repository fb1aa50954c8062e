import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SchedulingQueue } from './queue.js';

test('highest priority first, then first come; a key is queued once', async () => {
  const q = new SchedulingQueue();
  q.add('a', 0);
  q.add('b', 10);
  q.add('c', 0);
  q.add('a', 0);
  assert.deepEqual(q.depth, { active: 3, backoff: 0 });
  assert.equal(await q.pop(), 'b');
  assert.equal(await q.pop(), 'a');
  q.delete('c');
  const waiting = q.pop();
  q.add('d');
  assert.equal(await waiting, 'd');
});

test('back-off doubles from the initial delay to the maximum; adding does not cut it short', async (t) => {
  const q = new SchedulingQueue({ initialBackoffMs: 20, maxBackoffMs: 50 });
  // The queue's back-off timers are unref'd (they must not keep a stopping scheduler alive), so the
  // test holds the event loop open itself while it waits for one.
  const keepAlive = setInterval(() => undefined, 1000);
  t.after(() => clearInterval(keepAlive));
  assert.equal(q.backoff('p'), 20);
  q.add('p');
  assert.deepEqual(q.depth, { active: 0, backoff: 1 });
  const t0 = Date.now();
  assert.equal(await q.pop(), 'p');
  assert.ok(Date.now() - t0 >= 15);
  assert.equal(q.backoff('p'), 40);
  assert.equal(q.backoff('p'), 50);
  assert.equal(q.attemptsOf('p'), 3);
  q.delete('p');
  assert.equal(q.attemptsOf('p'), 0);
  const waiting = q.pop();
  q.interrupt();
  assert.equal(await waiting, undefined);
  q.clear();
});
