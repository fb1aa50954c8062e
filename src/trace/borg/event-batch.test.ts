import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeTaskEvent, emptyTaskEvent } from './task-events.js';
import type { TaskEvent } from './task-events.js';
import type { CsvRow } from '../scan/csv-row.js';
import { LineScanner } from '../scan/line-scanner.js';
import { IssueLog } from '../issues.js';
import { EventBatch } from './event-batch.js';

/** The checked decode of `line`, through the line scanner as a reader sees it; undefined when invalid. */
function checked(line: string): TaskEvent | undefined {
  let out: TaskEvent | undefined;
  const scanner = new LineScanner('f.csv', (row: CsvRow) => {
    const e = emptyTaskEvent();
    if (decodeTaskEvent(row, new IssueLog({ strict: false }), e)) out = e;
  });
  scanner.push(Buffer.from(`${line}\n`));
  return out;
}

/**
 * The one-pass decode takes a line only when the checked decode does, with the same values, and
 * consumes it to just after its LF; without its LF the line is incomplete and declined. Returns
 * whether it took the line (a declined line leaves the batch empty).
 */
function agrees(line: string): boolean {
  const bytes = Buffer.from(`${line}\n`);
  const fast = new EventBatch();
  const next = fast.tryPushLine(bytes, 0, 1);
  assert.equal(new EventBatch().tryPushLine(bytes.subarray(0, bytes.length - 1), 0, 1), -1);
  if (next < 0) {
    assert.equal(fast.n, 0);
    return false;
  }
  assert.equal(next, bytes.length);
  const want = checked(line);
  assert.ok(want !== undefined, `fast path accepted an invalid row: ${line}`);
  const slow = new EventBatch();
  slow.push(want);
  const got = emptyTaskEvent();
  const expected = emptyTaskEvent();
  fast.read(0, got);
  slow.read(0, expected);
  assert.deepEqual(got, expected, line);
  return true;
}

test('the one-pass line decode stops at its LF and leaves the next line alone', () => {
  const text = Buffer.from('1,,2,3,,4,u,,5,0.5,.25,5.,1\n6,,7,8,9,1,v,2,3,,,,\nx\n');
  const b = new EventBatch();
  const second = b.tryPushLine(text, 0, 1);
  assert.equal(text[second - 1], 10);
  const third = b.tryPushLine(text, second, 2);
  assert.equal(b.tryPushLine(text, third, 3), -1);
  assert.equal(b.n, 2);
  const e = emptyTaskEvent();
  b.read(1, e);
  assert.equal(e.jobId, 7);
  assert.equal(e.machineId, 9);
  assert.equal(e.line, 2);
  assert.ok(Number.isNaN(e.cpuRequest));
});

test('the fast decode gives the checked decode values on trace rows', () => {
  for (const line of [
    '0,2,3418309,0,4155527081,0,70s3v5qRyCO/1PCdI6fVXnrW8FU/w+5CKRSa72xgcIo=,3,9,,,,',
    '5611824441,,6251812952,1761,1094022,1,bd6HSXKjsnMrN0wCdwDk7ZYNAP2HHwq2aTLtmu0dc2g=,0,0,0.03125,0.01553,7.725e-05,0',
    '1,,2,3,,4,u,,5,0.5,.25,5.,1',
    '1,7,2,3,4,8,u,1,5,1e3,6.104E-05,0.000386,1',
    '1,7,2,3,4,8,u,1,5,1e3,6.104E-05,0.000386,1\r',
    '1,7,2,3,4,8,u,1,5,1e3,6.104E-05,0.000386,\r',
  ]) {
    assert.ok(agrees(line), `fast path declined ${line}`);
  }
});

test('the fast decode declines what it cannot decide, writing nothing', () => {
  for (const line of [
    '-1,,2,3,,4,u,,5,,,,',
    '1,,2,3,,9,u,,5,,,,',
    '1,,2,3,,4,u,,5,-0.5,,,',
    '1,,2,3,,4,u,,5,.,,,',
    '1,,2,3,,4,u,,5,1e,,,',
    '1,,2,3,,4,u,,5,+1,,,',
    '1,,2,3,,4,u,,5,1e400,,,',
    '9223372036854775807,,2,3,,4,u,,5,,,,',
    '1,,2,3,,4,u,,5,0.1234567890123456,,,',
    '1,,2,3,,4,u,,,,,,',
    '1,,2,3,,4,u,,5,,,',
    '1,-1,2,3,-5,4,u,-1,5,,,,',
  ]) {
    assert.equal(agrees(line), false, line);
  }
});

test('the fast decode agrees with the checked decode on arbitrary numeric fields', () => {
  const num = fc.oneof(
    fc.constantFrom('', '0', '.', '-', '1e', '5.', '.5', '1e-05', '7.725e-05', '3E2', '1.2.3', 'x'),
    fc.nat().map(String),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
    fc.stringMatching(/^[0-9]{0,17}(\.[0-9]{0,17})?([eE][-+]?[0-9]{1,4})?$/),
  );
  fc.assert(
    fc.property(fc.array(num, { minLength: 12, maxLength: 12 }), (f) => {
      agrees([...f.slice(0, 6), 'user', ...f.slice(6), '0'].join(','));
    }),
    { numRuns: 3000 },
  );
});
