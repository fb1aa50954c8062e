import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readPaperCsv } from './paper-csv.js';
import { IssueLog, TraceInputError } from './issues.js';
import { repoPath } from '../testing/paths.js';

const SMALL = repoPath('src/trace/fixtures/paper-small.csv');

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

test('reads start, end, requested and used fractions with a running line index', async () => {
  const issues = new IssueLog();
  const rows = await all(readPaperCsv([SMALL], { issues }));
  assert.deepEqual(
    rows.map((r) => [r.index, r.line, r.startUs, r.endUs, r.third, r.requestedFraction, r.usedFraction]),
    [
      [0, 1, 1_000_000, 2_000_000, '7', 0.5, 0.25],
      [1, 2, 3_000_000, 4_000_000, 'x', 0.1, 0.05],
      [6, 7, 9_000_000, 9_500_000, '', 0, 0],
    ],
  );
  const s = issues.summary();
  assert.equal(s['blank-line']?.count, 1);
  assert.equal(s['end-before-start']?.count, 1);
  assert.equal(s['not-a-number']?.count, 1);
  assert.equal(s['column-count']?.count, 1);
  assert.match(
    s['end-before-start']!.examples[0]!,
    /paper-small\.csv:4: field 2: expected an end time >= the start time 5000000, got "4000000"/,
  );
});

test('the line index runs on across files', async () => {
  const second = repoPath('src/trace/fixtures/paper-second.csv');
  const rows = await all(readPaperCsv([SMALL, second], { issues: new IssueLog() }));
  assert.deepEqual(
    rows.map((r) => [r.index, r.line]),
    [
      [0, 1],
      [1, 2],
      [6, 7],
      [7, 1],
      [8, 2],
    ],
  );
});

test('strict mode stops at the first bad line', async () => {
  await assert.rejects(all(readPaperCsv([SMALL], { strict: true })), (e: unknown) => {
    return (
      e instanceof TraceInputError &&
      /paper-small\.csv:3: expected a data line, got an empty line/.test(e.message)
    );
  });
});

test('a missing file is a clear error', async () => {
  await assert.rejects(
    all(readPaperCsv([repoPath('src/trace/fixtures/nope.csv')])),
    /no such file|cannot read/,
  );
});
