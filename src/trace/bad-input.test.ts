import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readTaskEvents } from './borg/task-events.js';
import type { TaskEvent } from './borg/task-events.js';
import { IssueLog, TraceInputError } from './issues.js';
import { traceStats } from './stats/trace-stats.js';
import { collectWorkload } from './workload/load.js';
import { repoPath } from '../testing/paths.js';
import { makeTempDir } from '../testing/temp-dir.js';

const BAD = repoPath('src/trace/fixtures/bad/task-events-bad.csv');
const GOOD = repoPath('src/trace/fixtures/borg/task_events/part-00000-of-00001.csv');

async function events(
  files: string[],
  options: { strict?: boolean; issues?: IssueLog },
): Promise<TaskEvent[]> {
  const out: TaskEvent[] = [];
  for await (const e of readTaskEvents(files, options)) out.push(e);
  return out;
}

test('malformed lines are skipped and counted by reason, with file:line: field N examples', async () => {
  const issues = new IssueLog();
  const rows = await events([BAD], { issues });
  assert.deepEqual(
    rows.map((e) => e.line),
    [1, 9],
  );
  const s = issues.summary();
  const first = (reason: keyof typeof s): string => s[reason]!.examples[0]!;
  assert.equal(issues.total, 7);
  assert.match(
    first('column-count'),
    /task-events-bad\.csv:2: expected 13 comma-separated fields, got 11 in "600000001,/,
  );
  assert.match(
    first('not-a-number'),
    /task-events-bad\.csv:3: field 1: expected a time in microseconds >= 0, got "abc"$/,
  );
  assert.match(
    first('negative-time'),
    /task-events-bad\.csv:4: field 1: expected a time in microseconds >= 0, got "-5"$/,
  );
  assert.match(
    first('unknown-event'),
    /task-events-bad\.csv:5: field 6: expected an event type \(0\.\.8\), got "12"$/,
  );
  assert.match(first('blank-line'), /task-events-bad\.csv:6: expected a data line, got an empty line$/);
  assert.match(
    first('missing-field'),
    /task-events-bad\.csv:7: field 9: expected a priority \(integer >= 0\), got an empty field$/,
  );
  assert.match(
    first('out-of-range'),
    /task-events-bad\.csv:8: field 11: expected a memory request \(fraction >= 0\), got "-0\.01"$/,
  );
});

test('--strict stops at the first bad line with file:line: field N: expected ..., got ...', async () => {
  await assert.rejects(events([BAD], { strict: true }), (e: unknown) => {
    assert.ok(e instanceof TraceInputError);
    assert.match(e.message, /task-events-bad\.csv:2: expected 13 comma-separated fields, got 11/);
    return true;
  });
  await assert.rejects(
    traceStats([BAD], { format: 'task_events', strict: true }),
    /task-events-bad\.csv:2: expected 13 comma-separated fields/,
  );
});

test('a truncated gzip keeps the rows before the cut and reports the loss; strict stops', async () => {
  const dir = makeTempDir('trace-gz-');
  const text = readFileSync(GOOD, 'utf8');
  // Enough rows for zlib to hand out a part before the cut.
  let big = '';
  for (let i = 0; i < 400; i++) big += text;
  const gz = gzipSync(big);
  const cut = join(dir, 'cut.csv.gz');
  writeFileSync(cut, gz.subarray(0, Math.floor(gz.length * 0.6)));
  const issues = new IssueLog();
  const rows = await events([cut], { issues });
  assert.ok(rows.length > 0 && rows.length < 400 * 16, `read ${rows.length} rows`);
  const s = issues.summary();
  assert.equal(s['truncated-gzip']?.count, 1);
  assert.match(
    s['truncated-gzip']!.examples[0]!,
    /cut\.csv\.gz:\d+: expected a complete gzip stream, got .*the rest of the file is lost/,
  );
  await assert.rejects(events([cut], { strict: true }), /cut\.csv\.gz:\d+: expected a complete gzip stream/);
  // A whole one reads every row.
  const whole = join(dir, 'whole.csv.gz');
  writeFileSync(whole, gz);
  assert.equal((await events([whole], {})).length, 400 * 16);
});

test('a gzip file broken before its first line is counted by its gzip reason, and reading goes on', async () => {
  const dir = makeTempDir('trace-gz-');
  const gz = gzipSync(readFileSync(GOOD));
  const whole = join(dir, 'whole.csv.gz');
  writeFileSync(whole, gz);
  // Not gzip at all behind the magic bytes, and a file cut in its first line.
  const corrupt = join(dir, 'corrupt.csv.gz');
  writeFileSync(corrupt, Buffer.concat([gz.subarray(0, 10), Buffer.alloc(200, 7)]));
  const cut = join(dir, 'cut.csv.gz');
  writeFileSync(cut, gz.subarray(0, 30));
  const log = new IssueLog();
  const rows = await events([corrupt, whole, cut], { issues: log });
  assert.equal(rows.length, 16);
  const s = log.summary();
  assert.equal(s['corrupt-gzip']?.count, 1);
  assert.match(
    s['corrupt-gzip']!.examples[0]!,
    /corrupt\.csv\.gz:1: expected a complete gzip stream, got invalid/,
  );
  assert.equal(s['truncated-gzip']?.count, 1);
  assert.match(s['truncated-gzip']!.examples[0]!, /cut\.csv\.gz:1: expected a complete gzip stream/);
  await assert.rejects(
    events([corrupt, whole], { strict: true }),
    /corrupt\.csv\.gz:1: expected a complete gzip/,
  );
  // Parsed on worker threads, the same.
  const stats = await traceStats([whole, corrupt], { format: 'task_events', threads: 2 });
  assert.equal(stats.rows.read, 16);
  assert.equal(stats.skipped['corrupt-gzip']?.count, 1);
  // Nothing readable at all: the error says why.
  await assert.rejects(
    traceStats([cut], { format: 'task_events' }),
    /no valid row in .*cut\.csv\.gz: 1 line skipped as unreadable \(truncated-gzip 1; first: .*cut\.csv\.gz:1: expected a complete gzip stream/,
  );
  await assert.rejects(
    collectWorkload([corrupt], { format: 'task_events' }),
    /corrupt\.csv\.gz: no usable record in the input: 1 line skipped as unreadable \(corrupt-gzip 1;/,
  );
});

test('empty and missing files, and an empty window, are clear errors', async () => {
  await assert.rejects(
    events([repoPath('src/trace/fixtures/bad/empty.csv')], {}),
    /empty\.csv: the file is empty/,
  );
  await assert.rejects(
    events([repoPath('src/trace/fixtures/bad/none.csv')], {}),
    /none\.csv: no such file or folder/,
  );
  await assert.rejects(
    events([repoPath('src/trace/fixtures/bad/*.nothing')], {}),
    /no file matches this pattern/,
  );
  await assert.rejects(
    traceStats([GOOD], { from: 10_000, to: 20_000 }),
    /no row in the window \[10000 s, 20000 s\)/,
  );
  await assert.rejects(collectWorkload([GOOD], { from: 10_000 }), /no record in the window/);
});

test('part files are read in part order; rows that go back in time stop the read at their line', async () => {
  const dir = makeTempDir('trace-order-');
  const lines = readFileSync(GOOD, 'latin1').trimEnd().split('\n');
  // The fixture split in two parts: given in the wrong order, they are still read in part order.
  const first = join(dir, 'part-00000-of-00002.csv');
  const second = join(dir, 'part-00001-of-00002.csv');
  writeFileSync(first, lines.slice(0, 8).join('\n') + '\n');
  writeFileSync(second, lines.slice(8).join('\n') + '\n');
  const whole = await collectWorkload([GOOD]);
  const split = await collectWorkload([second, first]);
  assert.deepEqual(
    split.records.map((r) => r.id),
    whole.records.map((r) => r.id),
  );
  assert.deepEqual(split.provenance.sources, [first, second]);
  // Out of order within what was given (names that say nothing of the order): a clear error.
  const late = join(dir, 'late.csv');
  const early = join(dir, 'early.csv');
  writeFileSync(late, lines.slice(8).join('\n') + '\n');
  writeFileSync(early, lines.slice(1, 8).join('\n') + '\n');
  await assert.rejects(
    collectWorkload([late, early]),
    (e: unknown) =>
      e instanceof TraceInputError &&
      /early\.csv:1: field 1 \(time\): 600000000 comes before 700000000, read earlier: task_events rows must be in time order/.test(
        e.message,
      ),
  );
});
