import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CsvRow } from './csv-row.js';
import { IssueLog, TraceInputError } from '../issues.js';

function rowOf(text: string): CsvRow {
  const r = new CsvRow();
  const buf = Buffer.from(text);
  r.buf = buf;
  r.file = 'f.csv';
  r.line = 7;
  let start = 0;
  let n = 0;
  for (let i = 0; i <= buf.length; i++) {
    if (i === buf.length || buf[i] === 44) {
      r.starts[n] = start;
      r.ends[n] = i;
      n++;
      start = i + 1;
    }
  }
  r.fieldCount = n;
  r.lineStart = 0;
  r.lineEnd = buf.length;
  return r;
}

test('int parses integers and rejects the rest', () => {
  const r = rowOf('0,42,-7,6251812952,,1.5,x,-,9223372036854775807');
  assert.deepEqual(
    [0, 1, 2, 3].map((i) => r.int(i)),
    [0, 42, -7, 6251812952],
  );
  for (const i of [4, 5, 6, 7]) assert.ok(Number.isNaN(r.int(i)), `field ${i}`);
  assert.equal(r.int(8), Number('9223372036854775807'));
});

test('float parses like Number() for trace-style decimals', () => {
  const r = rowOf('0.02499,0.07959,.5,-0.25,3,1e-05,6.104e-05,0.000386,,.,-,abc,1.2.3');
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6, 7].map((i) => r.float(i)),
    [0.02499, 0.07959, 0.5, -0.25, 3, 1e-5, 6.104e-5, 0.000386],
  );
  for (const i of [8, 9, 10, 11, 12]) assert.ok(Number.isNaN(r.float(i)), `field ${i}`);
});

test('float agrees exactly with Number() on exponent forms', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 2 ** 40 }),
      fc.integer({ min: 0, max: 6 }),
      fc.integer({ min: -30, max: 30 }),
      (m, k, x) => {
        const s = String(m);
        const text = (k >= s.length ? s : s.slice(0, s.length - k) + '.' + s.slice(s.length - k)) + 'e' + x;
        assert.equal(rowOf(text).float(0), Number(text), text);
      },
    ),
    { numRuns: 2000 },
  );
  assert.ok(Number.isNaN(rowOf('1e').float(0)));
  assert.ok(Number.isNaN(rowOf('e5').float(0)));
  assert.ok(Number.isNaN(rowOf('1e+').float(0)));
});

test('float agrees exactly with Number() on random decimals', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 0, max: 15 }), (m, k) => {
      const s = String(m);
      const text =
        k >= s.length ? '0.' + s.padStart(k, '0') : s.slice(0, s.length - k) + '.' + s.slice(s.length - k);
      assert.equal(rowOf(text).float(0), Number(text), text);
    }),
    { numRuns: 2000 },
  );
});

test('validation helpers report file:line: field N with what was expected', () => {
  const log = new IssueLog();
  const r = rowOf('abc,,5');
  assert.ok(Number.isNaN(r.needInt(0, log, 'a time in microseconds')));
  assert.ok(Number.isNaN(r.needInt(1, log, 'a job ID')));
  assert.equal(r.optFloat(1, log, 0), 0);
  assert.ok(Number.isNaN(r.needInt(2, log, 'an event code', 6)));
  const s = log.summary();
  assert.deepEqual(s['not-a-number']?.examples, [
    'f.csv:7: field 1: expected a time in microseconds, got "abc"',
  ]);
  assert.deepEqual(s['missing-field']?.examples, ['f.csv:7: field 2: expected a job ID, got an empty field']);
  assert.equal(s['out-of-range']?.count, 1);
  assert.equal(log.total, 3);
});

test('strict mode throws the first issue', () => {
  const log = new IssueLog({ strict: true });
  assert.throws(
    () => rowOf('1,2').expectFields(log, 13),
    (e: unknown) =>
      e instanceof TraceInputError &&
      e.message === 'f.csv:7: expected 13 comma-separated fields, got 2 in "1,2"',
  );
});
