import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WatchedWorker } from './watched-worker.js';
import type { ScriptedWorkerData } from '../../testing/workers/scripted-worker.js';

const SCRIPT = new URL('../../testing/workers/scripted-worker.js', import.meta.url);

function watched(data: ScriptedWorkerData, got: unknown[]): WatchedWorker<unknown, unknown> {
  return new WatchedWorker<unknown, unknown>(SCRIPT, data, 'the test thread', (m) => got.push(m));
}

test('until resolves once a message makes it ready, and stop is no failure', async () => {
  const got: unknown[] = [];
  const w = watched({ mode: 'echo' }, got);
  try {
    w.post({ hello: 1 });
    w.post({ hello: 2 });
    await w.until(() => got.length === 2);
    assert.deepEqual(got, [{ hello: 1 }, { hello: 2 }]);
  } finally {
    await w.stop();
    await w.stop(); // idempotent
  }
  assert.equal(w.failure, null);
});

test('an exit nobody asked for fails the waiter, naming the thread and the exit code', async () => {
  const w = watched({ mode: 'exit' }, []);
  await assert.rejects(
    w.until(() => false),
    /the test thread stopped \(exit code 7\)/,
  );
  await w.stop();
});

test('an uncaught error on the thread is the failure', async () => {
  const w = watched({ mode: 'throw' }, []);
  await assert.rejects(
    w.until(() => false),
    /scripted failure/,
  );
  // The first failure is kept (the exit that follows the error does not replace it).
  await new Promise((r) => setTimeout(r, 50));
  assert.match(w.failure?.message ?? '', /scripted failure/);
  await w.stop();
});

test('readyFirst takes what came before a failure; otherwise the failure comes first', async () => {
  const got: unknown[] = [];
  const w = watched({ mode: 'send-then-exit', sends: 3 }, got);
  // Wait for the exit: every message is in by then.
  await assert.rejects(
    w.until(() => false),
    /exit code 3/,
  );
  assert.deepEqual(got, [0, 1, 2]);
  await w.until(() => got.length > 0, true); // ready: resolves despite the failure
  await assert.rejects(
    w.until(() => got.length > 0),
    /exit code 3/,
  );
  await w.stop();
});

test('fail() from a message handler wakes the waiter with that error', async () => {
  const got: unknown[] = [];
  const w: WatchedWorker<unknown, unknown> = new WatchedWorker<unknown, unknown>(
    SCRIPT,
    { mode: 'echo' } satisfies ScriptedWorkerData,
    'the test thread',
    (m) => {
      got.push(m);
      if (m === 'bad') w.fail(new Error('the thread reported: bad'));
    },
  );
  try {
    w.post('bad');
    await assert.rejects(
      w.until(() => false),
      /reported: bad/,
    );
  } finally {
    await w.stop();
  }
});
