import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPaperCompat } from './index.js';
import { makeTempDir } from '../../testing/temp-dir.js';

/** A stdout that takes `budget` chunks, then behaves as told: slow (drain later) or broken. */
class FakeStdout extends EventEmitter {
  chunks = 0;
  constructor(private readonly after: 'drain' | 'EPIPE' | 'ENOSPC') {
    super();
  }
  write(_chunk: string | Uint8Array): boolean {
    this.chunks++;
    if (this.after === 'drain') {
      setImmediate(() => this.emit('drain'));
      return false;
    }
    const err = Object.assign(new Error(`write ${this.after}`), { code: this.after });
    setImmediate(() => this.emit('error', err));
    return false;
  }
}

function traceFile(): string {
  // A 20,000 s job: 20,001 lines of output, several chunks.
  const lines = ['0,20000000000,x,0.5,0.5', ...Array.from({ length: 20 }, () => '0,1000000,y,0.5,0.5')];
  const path = join(makeTempDir('paper-sink-'), 'trace.csv');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

test('a slow reader is waited for, chunk by chunk, and gets everything', async () => {
  const stdout = new FakeStdout('drain');
  let stderr = '';
  const code = await runPaperCompat([traceFile()], {
    stdout,
    stderr: { write: (s) => void (stderr += String(s)) },
  });
  assert.equal(code, 0);
  assert.ok(stdout.chunks > 1);
  assert.equal(stdout.listenerCount('error'), 0, 'the error listener is removed after a good run');
  assert.equal(stderr, '128 MiB -> 23936 pages\n');
});

test('a reader that closes the pipe (| head) ends the run quietly with status 0', async () => {
  const stdout = new FakeStdout('EPIPE');
  let stderr = '';
  const code = await runPaperCompat([traceFile()], {
    stdout,
    stderr: { write: (s) => void (stderr += String(s)) },
  });
  assert.equal(code, 0);
  assert.equal(stdout.chunks, 1, 'the simulation stops at the first failed write');
  assert.equal(stderr, '128 MiB -> 23936 pages\n');
});

test('any other write failure is reported with status 1', async () => {
  const stdout = new FakeStdout('ENOSPC');
  let stderr = '';
  const code = await runPaperCompat([traceFile()], {
    stdout,
    stderr: { write: (s) => void (stderr += String(s)) },
  });
  assert.equal(code, 1);
  assert.match(stderr, /cannot write the output: write ENOSPC/);
});
