import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { IssueLog } from '../issues.js';
import { emptyTaskEvent } from '../borg/task-events.js';
import { scanTaskEvents } from '../borg/task-events.js';
import type { TaskEvent } from '../borg/task-events.js';
import { repoPath } from '../../testing/paths.js';
import { parseInParallel } from './parse-in-parallel.js';
import { traceStats } from '../stats/trace-stats.js';

const GOOD = readFileSync(repoPath('src/trace/fixtures/borg/task_events/part-00000-of-00001.csv'));
const BAD = readFileSync(repoPath('src/trace/fixtures/bad/task-events-bad.csv'));

/**
 * `bytes` moved `seconds` later: each line's time (a plain number other than 0) is shifted, so that
 * copies of a fixture follow each other in time, as the rows of a trace's parts do.
 */
function later(bytes: Buffer, seconds: number): Buffer {
  const text = bytes
    .toString('latin1')
    .replace(/^(\d+),/gm, (all, t: string) => (t === '0' ? all : `${Number(t) + seconds * 1e6},`));
  return Buffer.from(text, 'latin1');
}

/**
 * Six parts that exercise every way a file can go: good rows, bad rows of several reasons, CRLF
 * endings, gzip, a gzip cut short, and more bad rows after it (so that examples of one reason come
 * from several files, and the log of a later file must not overtake an earlier one's). Each part and
 * each copy of a fixture comes later in time than the one before.
 */
function writeParts(dir: string): string[] {
  const day = 86_400;
  const crlf = Buffer.from(
    later(GOOD, 2 * day)
      .toString('latin1')
      .replaceAll('\n', '\r\n'),
    'latin1',
  );
  const big = Buffer.concat(Array.from({ length: 400 }, (_, i) => later(GOOD, 4 * day + 200 * i)));
  const cut = gzipSync(big);
  const parts: [string, Buffer][] = [
    ['part-00000.csv', GOOD],
    ['part-00001.csv', later(BAD, day)],
    ['part-00002.csv', crlf],
    ['part-00003.csv.gz', gzipSync(Buffer.concat([later(BAD, 3 * day), later(GOOD, 3 * day + 100)]))],
    ['part-00004.csv.gz', cut.subarray(0, cut.length >> 1)],
    ['part-00005.csv', Buffer.concat([later(GOOD, 6 * day), later(BAD, 6 * day + 200)])],
  ];
  return parts.map(([name, bytes]) => {
    const file = join(dir, name);
    writeFileSync(file, bytes);
    return file;
  });
}

async function sequential(files: string[], log: IssueLog): Promise<TaskEvent[]> {
  const out: TaskEvent[] = [];
  await scanTaskEvents(files, (e) => out.push({ ...e }), { issues: log });
  return out;
}

async function parallel(files: string[], log: IssueLog, threads: number): Promise<TaskEvent[]> {
  const out: TaskEvent[] = [];
  for await (const { batch, fileIndex } of parseInParallel(files, { log, threads })) {
    for (let i = 0; i < batch.n; i++) {
      const e = emptyTaskEvent();
      batch.read(i, e);
      e.file = files[fileIndex]!;
      out.push(e);
    }
  }
  return out;
}

test('parser threads give the rows, skipped rows and examples of one thread reading in turn', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'parse-parallel-'));
  try {
    const files = writeParts(dir);
    const oneLog = new IssueLog();
    const want = await sequential(files, oneLog);
    assert.ok(want.length > 2000);
    for (const threads of [1, 2, 4]) {
      const log = new IssueLog();
      const got = await parallel(files, log, threads);
      assert.equal(got.length, want.length, `threads ${threads}`);
      assert.deepEqual(got, want, `threads ${threads}`);
      assert.deepEqual(log.summary(), oneLog.summary(), `threads ${threads}`);
      assert.equal(log.total, oneLog.total);
    }
    assert.equal(oneLog.summary()['truncated-gzip']?.count, 1);
    assert.equal(oneLog.summary()['column-count']?.examples.length, 3);

    // trace stats: the threaded figures are the inline ones, skipped rows included.
    for (const window of [{}, { from: 600, to: 680 }]) {
      const inline = await traceStats(files, { ...window, threads: false, now: () => 0 });
      assert.ok(inline.rows.skipped > 0);
      for (const threads of [true, 1, 3] as const) {
        // One parser thread: this thread counts the rows; more: each parser counts its files'.
        const threaded = await traceStats(files, { ...window, threads, now: () => 0 });
        assert.deepEqual(threaded, inline, `threads ${threads}, window ${JSON.stringify(window)}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('strict mode: the threads stop at the first bad row in file order, with its message', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'parse-parallel-'));
  try {
    const files = writeParts(dir);
    const want = await sequential(files, new IssueLog({ strict: true })).then(
      () => assert.fail('the sequential read should have thrown'),
      (err: Error) => err,
    );
    assert.equal(want.name, 'TraceInputError');
    const got = await parallel(files, new IssueLog({ strict: true }), 2).then(
      () => assert.fail('the parallel read should have thrown'),
      (err: Error) => err,
    );
    assert.equal(got.name, 'TraceInputError');
    assert.equal(got.message, want.message);
    assert.match(got.message, /part-00001\.csv:2: /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing or empty file is the same clear error from a parser thread', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'parse-parallel-'));
  try {
    const good = join(dir, 'a.csv');
    const empty = join(dir, 'b.csv');
    writeFileSync(good, GOOD);
    writeFileSync(empty, '');
    // The first file is read on the calling thread, the others on parser threads: same error.
    for (const files of [
      [good, empty],
      [empty, good],
    ]) {
      await assert.rejects(parallel(files, new IssueLog(), 2), {
        name: 'TraceInputError',
        message: `${empty}: the file is empty`,
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
