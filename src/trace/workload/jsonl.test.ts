import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectWorkload } from './load.js';
import { TraceInputError } from '../issues.js';
import { traceStats } from '../stats/trace-stats.js';
import { makeTempDir } from '../../testing/temp-dir.js';

/** A valid record line with `id`, changed by `edit` (JSON.stringify leaves out a key set to undefined). */
function line(id: string | number, edit: Record<string, unknown> = {}): string {
  const o: Record<string, unknown> = {
    id,
    submit: 10,
    duration: 5,
    sgx: true,
    epcRequestBytes: 4096,
    ...edit,
  };
  return JSON.stringify(o);
}

function writeJsonl(lines: string[]): string {
  const file = join(makeTempDir('jsonl-'), 'w.jsonl');
  // JSON.stringify writes 1e30 as 1e+30: the raw literal is written as a user would.
  writeFileSync(file, lines.join('\n').replace('"epcRequestBytes":1e+30', '"epcRequestBytes":1e30') + '\n');
  return file;
}

test('amounts must be exact whole numbers, times finite: a bad value skips its line, counted by reason', async () => {
  const file = writeJsonl([
    line('ok-1'),
    line('big', { epcRequestBytes: 1e30 }),
    line('half', { epcRequestBytes: 1.5 }),
    line('unsafe', { memoryRequestBytes: 2 ** 53, sgx: false }),
    line('cpu', { cpuRequestMillis: 0.5 }),
    line('used', { epcUsedBytes: -4096 }),
    line('task', { taskIndex: 1.25 }),
    line('late', { submit: -1 }),
    '{"id":"inf","submit":1e400,"duration":5,"sgx":false}',
    line('text', { memoryRequestBytes: '4096' }),
    line(1e30),
    line('prio', { priority: 2 ** 60 }),
    line('frac', { requestFraction: -0.5 }),
    line('ok-2', { submit: 11 }),
  ]);
  const { records, provenance, issues } = await collectWorkload([file]);
  assert.deepEqual(
    records.map((r) => r.id),
    ['ok-1', 'ok-2'],
  );
  assert.deepEqual(provenance.skipped, { 'bad-json': 1, 'negative-time': 1, 'out-of-range': 10 });
  assert.deepEqual(issues['out-of-range']?.examples, [
    `${file}:2: field epcRequestBytes: expected a whole number of bytes from 0 to 2^53 - 1, got 1e+30`,
    `${file}:3: field epcRequestBytes: expected a whole number of bytes from 0 to 2^53 - 1, got 1.5`,
    `${file}:4: field memoryRequestBytes: expected a whole number of bytes from 0 to 2^53 - 1, got 9007199254740992`,
  ]);
  assert.deepEqual(issues['negative-time']?.examples, [
    `${file}:8: field submit: expected a time in seconds, finite and >= 0, got -1`,
  ]);
  assert.deepEqual(issues['bad-json']?.examples, [
    `${file}:10: field memoryRequestBytes: expected a whole number of bytes from 0 to 2^53 - 1, got "4096"`,
  ]);
  // The other lines, one at a time, in strict mode: each stops the read naming its key.
  const expected: [string, string][] = [
    [
      line('cpu', { cpuRequestMillis: 0.5 }),
      'field cpuRequestMillis: expected a whole number of millicores from 0 to 2^53 - 1, got 0.5',
    ],
    [
      line('used', { epcUsedBytes: -4096 }),
      'field epcUsedBytes: expected a whole number of bytes from 0 to 2^53 - 1, got -4096',
    ],
    [
      line('task', { taskIndex: 1.25 }),
      'field taskIndex: expected a whole number from 0 to 2^53 - 1, got 1.25',
    ],
    [
      '{"id":"inf","submit":1e400,"duration":5,"sgx":false}',
      'field submit: expected a time in seconds, finite and >= 0, got Infinity',
    ],
    [line(1e30), 'field id: expected a string, or a whole number from -(2^53 - 1) to 2^53 - 1, got 1e+30'],
    [
      line('prio', { priority: 2 ** 60 }),
      `field priority: expected a whole number from -(2^53 - 1) to 2^53 - 1, got ${2 ** 60}`,
    ],
    [
      line('frac', { requestFraction: -0.5 }),
      'field requestFraction: expected a fraction, finite and >= 0, got -0.5',
    ],
  ];
  for (const [text, message] of expected) {
    const one = writeJsonl([line('ok-1'), text]);
    await assert.rejects(
      collectWorkload([one], { strict: true }),
      (e: unknown) => e instanceof TraceInputError && e.message === `${one}:2: ${message}`,
    );
  }
});

test('a required key left out skips the line as missing-field; optional ones take their default', async () => {
  const file = writeJsonl([
    line('no-sgx', { sgx: undefined }),
    line('no-submit', { submit: undefined }),
    line('no-duration', { duration: undefined }),
    line('no-id', { id: undefined }),
    line('ok', { epcRequestBytes: undefined, sgx: false }),
  ]);
  const { records, issues } = await collectWorkload([file]);
  assert.deepEqual(
    records.map((r) => [r.id, r.epcRequestBytes]),
    [['ok', 0]],
  );
  assert.equal(issues['missing-field']?.count, 4);
  assert.deepEqual(issues['missing-field']?.examples, [
    `${file}:1: field sgx: expected true or false, got nothing`,
    `${file}:2: field submit: expected a time in seconds, finite and >= 0, got nothing`,
    `${file}:3: field duration: expected a duration in seconds, finite and >= 0, got nothing`,
  ]);
  await assert.rejects(
    collectWorkload([file], { strict: true }),
    (e: unknown) =>
      e instanceof TraceInputError &&
      e.message === `${file}:1: field sgx: expected true or false, got nothing`,
  );
});

test('a repeated id skips the later record as duplicate-id, pointing at the first, across files', async () => {
  const a = writeJsonl([line('x'), line(7), line('y', { sgx: 'yes' }), line('z')]);
  const b = writeJsonl([line('y'), line('x', { submit: 20 }), line('7'), line('z')]);
  const { records, provenance, issues } = await collectWorkload([a, b]);
  // The invalid first 'y' takes no id: the valid one in the second file is kept.
  assert.deepEqual(
    records.map((r) => r.id),
    ['x', '7', 'z', 'y'],
  );
  assert.deepEqual(provenance.skipped, { 'bad-json': 1, 'duplicate-id': 3 });
  assert.deepEqual(issues['duplicate-id']?.examples, [
    `${b}:2: field id: expected an id no earlier record has, got "x", the id of the record at ${a}:1`,
    // An integer id is read as a string: 7 and "7" are one id.
    `${b}:3: field id: expected an id no earlier record has, got "7", the id of the record at ${a}:2`,
    `${b}:4: field id: expected an id no earlier record has, got "z", the id of the record at ${a}:4`,
  ]);
  const twice = writeJsonl([line('q'), line('q', { submit: 11 })]);
  await assert.rejects(
    collectWorkload([twice], { strict: true }),
    (e: unknown) =>
      e instanceof TraceInputError &&
      e.message ===
        `${twice}:2: field id: expected an id no earlier record has, got "q", the id of the record at ${twice}:1`,
  );
  // trace stats reads the same way and counts the same lines.
  const stats = await traceStats([a, b]);
  assert.equal(stats.rows.skipped, 4);
  assert.equal(stats.skipped['duplicate-id']?.count, 3);
  assert.equal(stats.distinct.jobs, 4);
});
