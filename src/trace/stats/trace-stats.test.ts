import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { traceStats } from './trace-stats.js';
import { formatTraceStats } from './format.js';
import { repoPath, SHARED_TRACES } from '../../testing/paths.js';

const PART1 = join(SHARED_TRACES, 'task_events', 'part-00001-of-00500.csv.gz');
const FIXTURES = repoPath('src/trace/fixtures');

test(
  'task_events part 00001, the paper hour: 17,608 SUBMIT and 17,937 SCHEDULE among 53,116 events',
  { skip: !existsSync(PART1) },
  async () => {
    const s = await traceStats([PART1], { from: 6480, to: 10080 });
    assert.equal(s.format, 'task_events');
    assert.equal(s.rows.inWindow, 53_116);
    assert.equal(s.rows.skipped, 0);
    assert.equal(s.events?.['SUBMIT'], 17_608);
    assert.equal(s.events?.['SCHEDULE'], 17_937);
    assert.equal(
      Object.values(s.events ?? {}).reduce((a, b) => a + b, 0),
      53_116,
    );
    assert.equal(s.distinct.jobs, 885);
    assert.equal(s.distinct.machines, 8_644);
    assert.equal(s.placements?.derived, 17_937);
    // README of the shared traces: median 0.0155, p99 0.064, max 0.43, 12 placements request 0.
    assert.equal(s.memoryRequest?.p50, 0.01553);
    assert.equal(s.memoryRequest?.p99, 0.0636);
    assert.equal(s.memoryRequest?.max, 0.4297);
    assert.equal(s.memoryRequest?.zero, 12);
    assert.ok(s.timeRange!.first >= 6480 && s.timeRange!.last < 10080);
  },
);

test('fixture figures: events, placements, censoring, stable keys', async () => {
  const s = await traceStats([join(FIXTURES, 'borg/task_events')], { now: () => 0 });
  assert.deepEqual(Object.keys(s), [
    'format',
    'files',
    'window',
    'rows',
    'skipped',
    'events',
    'distinct',
    'placements',
    'memoryRequest',
    'memoryUsage',
    'machines',
    'records',
    'timeRange',
    'timing',
  ]);
  assert.deepEqual(s.rows, { read: 16, inWindow: 16, skipped: 0 });
  assert.deepEqual(s.events, {
    SUBMIT: 6,
    SCHEDULE: 5,
    EVICT: 1,
    FAIL: 0,
    FINISH: 2,
    KILL: 2,
    LOST: 0,
    UPDATE_PENDING: 0,
    UPDATE_RUNNING: 0,
  });
  assert.deepEqual(s.distinct, { jobs: 6, tasks: 7, machines: 4 });
  assert.deepEqual(s.placements, {
    derived: 5,
    censored: 2,
    censoredAt: 700,
    byEnd: { EVICT: 1, FAIL: 0, FINISH: 1, KILL: 1, LOST: 0, CENSORED: 2 },
    withoutSubmit: 1,
    atTimeZero: 1,
    neverScheduled: 2,
    endsWithoutSchedule: 1,
    staysWithoutEnd: 0,
  });
  assert.deepEqual(s.timeRange, { first: 0, last: 700 });
  const text = formatTraceStats(s);
  assert.match(text, /^task_events: 1 file, whole input/);
  assert.match(text, /SUBMIT 6, SCHEDULE 5/);
  assert.match(text, /5 scheduled in the window, 2 censored/);
});

test('the worker-thread path gives exactly the figures of the inline path', async () => {
  for (const dir of [join(FIXTURES, 'borg/task_events'), ...(existsSync(PART1) ? [PART1] : [])]) {
    const inline = await traceStats([dir], { threads: false, now: () => 0 });
    const threaded = await traceStats([dir], { threads: true, now: () => 0 });
    assert.deepEqual(threaded, inline);
  }
});

test('other formats: machine_events, task_usage, paper CSV, skipped rows', async () => {
  const m = await traceStats([join(FIXTURES, 'borg/machine_events')]);
  assert.equal(m.format, 'machine_events');
  assert.deepEqual(m.events, { ADD: 6, REMOVE: 1, UPDATE: 2 });
  assert.equal(m.machines?.count, 3);
  assert.equal(m.machines?.everSeen, 5);
  const u = await traceStats([join(FIXTURES, 'borg/task_usage')]);
  assert.equal(u.format, 'task_usage');
  assert.equal(u.rows.read, 7);
  assert.equal(u.rows.inWindow, 4);
  assert.equal(u.skipped['end-before-start']?.count, 1);
  assert.equal(u.memoryUsage?.count, 3);
  const p = await traceStats([join(FIXTURES, 'paper-small.csv')]);
  assert.equal(p.format, 'paper-csv');
  assert.equal(p.memoryRequest?.count, 3);
  assert.equal(p.rows.skipped, 4);
});
