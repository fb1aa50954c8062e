import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectWorkload } from './load.js';
import { recordToJson } from './jsonl.js';
import { TraceInputError } from '../issues.js';
import { repoPath } from '../../testing/paths.js';
import { makeTempDir } from '../../testing/temp-dir.js';

const EVENTS_DIR = repoPath('src/trace/fixtures/borg/task_events');
const PAPER = repoPath('src/trace/fixtures/paper-small.csv');

test('task_events placements become records in arrival order, zero-memory ones skipped', async () => {
  const { records, provenance } = await collectWorkload([EVENTS_DIR]);
  assert.deepEqual(
    records.map((r) => [r.id, r.submit, r.duration, r.censored, r.memoryRequestBytes]),
    [
      ['200-0-601000000', 600, 49, false, Math.floor(0.01 * 2 ** 23) * 4096],
      ['200-1-603000000', 602, 67, false, Math.floor(0.03 * 2 ** 23) * 4096],
      ['200-1-680000000', 671, 20, true, Math.floor(0.03 * 2 ** 23) * 4096],
    ],
  );
  assert.equal(provenance.format, 'task_events');
  assert.equal(provenance.recordsRead, 4);
  assert.equal(provenance.recordsKept, 3);
  assert.deepEqual(provenance.skipped, { 'never-scheduled': 2, 'time-zero': 1, 'zero-memory': 1 });
  assert.match(provenance.usageModel, /^request/);
  assert.match(provenance.attribution ?? '', /CC-BY 4\.0/);
});

test('SGX jobs get EPC scaled to 23,936 pages per unit and no memory request', async () => {
  const { records } = await collectWorkload([EVENTS_DIR], { sgxShare: 1 });
  const r = records[0]!;
  assert.equal(r.sgx, true);
  assert.equal(r.epcRequestBytes, Math.floor(0.01 * 23936) * 4096);
  assert.equal(r.memoryRequestBytes, 0);
});

test('the window selects by arrival; initial pods load what runs at its start', async () => {
  const w = await collectWorkload([EVENTS_DIR], { from: 601, to: 700 });
  assert.deepEqual(
    w.records.map((r) => r.id),
    ['200-1-603000000', '200-1-680000000'],
  );
  const init = await collectWorkload([EVENTS_DIR], { from: 601, to: 700, initialPods: 'load' });
  assert.deepEqual(
    init.records.map((r) => [r.id, r.submit, r.duration, r.initial ?? false]),
    [
      ['100-0-0', 601, 99, true],
      // submitted at 600, scheduled at 601: pending before the window, it arrives at its start
      ['200-0-601000000', 601, 49, false],
      ['200-1-603000000', 602, 67, false],
      ['200-1-680000000', 671, 20, false],
    ],
  );
});

test('usage models: ratio and seeded uniform', async () => {
  const ratio = await collectWorkload([EVENTS_DIR], { usage: { kind: 'ratio', ratio: 2 } });
  assert.equal(ratio.records[0]!.memoryUsedBytes, Math.floor(0.02 * 2 ** 23) * 4096);
  const a = await collectWorkload([EVENTS_DIR], { usage: { kind: 'uniform', min: 0.5, max: 1 }, seed: 7 });
  const b = await collectWorkload([EVENTS_DIR], { usage: { kind: 'uniform', min: 0.5, max: 1 }, seed: 7 });
  assert.deepEqual(a.records, b.records);
  for (const r of a.records) {
    assert.ok(
      r.memoryUsedBytes <= r.memoryRequestBytes && r.memoryUsedBytes >= r.memoryRequestBytes / 2 - 4096,
    );
  }
});

test('an empty window is a clear error naming the data range', async () => {
  await assert.rejects(
    collectWorkload([EVENTS_DIR], { from: 5000, to: 6000 }),
    (e: unknown) =>
      e instanceof TraceInputError &&
      /no record in the window \[5000 s, 6000 s\).*600 s to 671 s/.test(e.message),
  );
  await assert.rejects(
    collectWorkload([EVENTS_DIR], { from: 5000 }),
    /no record in the window \[5000 s, end\) of/,
  );
});

test('paper CSV: one record per line, thinning by line index, measured usage', async () => {
  const { records, provenance } = await collectWorkload([PAPER]);
  assert.deepEqual(
    records.map((r) => [r.id, r.submit, r.duration, r.memoryRequestBytes, r.memoryUsedBytes]),
    [
      ['0', 1, 1, Math.floor(0.5 * 2 ** 23) * 4096, Math.floor(0.25 * 2 ** 23) * 4096],
      ['1', 3, 1, Math.floor(0.1 * 2 ** 23) * 4096, Math.floor(0.05 * 2 ** 23) * 4096],
    ],
  );
  assert.equal(provenance.skipped['zero-memory'], 1);
  assert.equal(provenance.skipped['blank-line'], 1);
  const thinned = await collectWorkload([PAPER], { keepOneIn: 2 });
  assert.deepEqual(
    thinned.records.map((r) => r.id),
    ['0'],
  );
});

test('thinning counts whole jobs by default, or single records after the zero-memory rule', async () => {
  // The fixture's three records with memory belong to job 200, its zero-memory one to a second
  // job: one job in two keeps the whole of job 200 and thins the other before its memory is seen...
  const byJob = await collectWorkload([EVENTS_DIR], { keepOneIn: 2 });
  assert.equal(byJob.records.length, 3);
  assert.equal(byJob.provenance.thinBy, 'job');
  assert.deepEqual(byJob.provenance.skipped, { 'never-scheduled': 2, thinned: 1, 'time-zero': 1 });
  // ...one record in two keeps the first and the third, the zero-memory record not counted.
  const byRecord = await collectWorkload([EVENTS_DIR], { keepOneIn: 2, thinBy: 'record' });
  assert.deepEqual(
    byRecord.records.map((r) => r.id),
    ['200-0-601000000', '200-1-680000000'],
  );
  assert.equal(byRecord.provenance.thinBy, 'record');
  assert.equal(byRecord.provenance.keepOneIn, 2);
  assert.equal(byRecord.provenance.recordsKept, 2);
  assert.deepEqual(byRecord.provenance.skipped, {
    'never-scheduled': 2,
    thinned: 1,
    'time-zero': 1,
    'zero-memory': 1,
  });
  // The paper CSV by record: every other line that the zero-memory rule keeps.
  const csv = await collectWorkload([PAPER], { keepOneIn: 2, thinBy: 'record' });
  assert.deepEqual(
    csv.records.map((r) => r.id),
    ['0'],
  );
  assert.equal(csv.provenance.skipped['thinned'], 1);
});

test('JSON Lines round trip, with defaults for optional keys', async () => {
  const { records } = await collectWorkload([EVENTS_DIR], { sgxShare: 0.5, seed: 3 });
  const dir = makeTempDir('wl-');
  const file = join(dir, 'w.jsonl');
  writeFileSync(
    file,
    records.map(recordToJson).join('\n') + '\n{"id":"x","submit":700,"duration":1,"sgx":false}\n',
  );
  const back = await collectWorkload([file]);
  assert.deepEqual(back.records.slice(0, records.length), records);
  assert.equal(back.provenance.format, 'jsonl');
  assert.deepEqual(back.records.at(-1), {
    id: 'x',
    jobId: 'x',
    taskIndex: 0,
    submit: 700,
    duration: 1,
    sgx: false,
    epcRequestBytes: 0,
    epcUsedBytes: 0,
    memoryRequestBytes: 0,
    memoryUsedBytes: 0,
    cpuRequestMillis: 0,
    priority: 0,
    schedulingClass: 0,
    censored: false,
  });
});
