import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { readPaperCsv, runPaperCompat, usablePages, writePaperCompat } from './index.js';
import { collectingIo } from './testing/collect.js';
import { naivePaperCompat } from './testing/naive-reference.js';
import { makeTempDir } from '../../testing/temp-dir.js';

/** The fast mode on in-memory text, fed in the given chunks. */
async function fast(
  chunks: readonly string[],
  epcMib: number,
  skip: number,
): Promise<{ stdout: string; stderr: string }> {
  const io = collectingIo();
  const { jobs, summary } = await readPaperCsv(chunks, {
    source: 'mem.csv',
    skip,
    usablePages: usablePages(epcMib),
  });
  await writePaperCompat(jobs, summary, epcMib, io);
  return io.text();
}

// Worked by hand (and checked with the Python reference): usable 23,936 pages, admission while
// usage + req <= 19,148. a (11,968 pages, 3 s) and d (16,756, 10 s) start at once on sgx-1 and sgx-2;
// b waits a second with 11,968 * 4096 = 49,020,928 bytes pending until a ends at t = 3; c has duration
// 0 and is never released; z has 0 pages; `big` is larger than the EPC.
const EXAMPLE = [
  '1000000,4000000,a,0.5,0.5',
  '1000000,11000000,d,0.7,0.7',
  '1500000,3500000,b,0.5,0.5',
  '2500000,2500000,c,0.1,0.1',
  '0,0,z,0,0.1',
  '5000000,6000000,big,1.5,0.1',
].join('\n');

test('the worked example prints the expected lines, bytes and messages', async () => {
  const r = await fast([EXAMPLE], 128, 1);
  assert.equal(
    r.stdout,
    [
      '0.0,0',
      '0.016666666666666666,49020928',
      '0.03333333333333333,49020928',
      '0.05,0',
      '0.06666666666666667,0',
      '0.08333333333333333,0',
      '0.1,0',
      '0.11666666666666667,0',
      '0.13333333333333333,0',
      '0.15,0',
      '0.16666666666666666,0',
      '',
    ].join('\n'),
  );
  assert.equal(r.stderr, '128 MiB -> 23936 pages\nJob cannot fit in EPC, skipped\n');
  assert.deepEqual(r, naivePaperCompat(EXAMPLE, 128, 1));
});

test('the origin is the first kept line, and earlier starts all arrive at t = 0', async () => {
  // Second line starts 5 s before the first: it arrives at t = 0 with it; the run lasts until t = 7.
  const r = await fast(['5000000,7000000,x,0.1,0.1\n0,7000000,y,0.1,0.1\n'], 128, 1);
  assert.equal(r.stdout.split('\n').length - 1, 8);
  assert.deepEqual(r, naivePaperCompat('5000000,7000000,x,0.1,0.1\n0,7000000,y,0.1,0.1\n', 128, 1));
});

test('jobs starting in the same second keep their file order (a stable sort), which decides who waits', async () => {
  // 12,000 + 12,000 pages fill both nodes, so the 8,000-page job waits; had it gone first, it would take
  // sgx-1 and leave the second 12,000-page job waiting instead.
  const text = ['0,9000000,a,12000,12000', '400000,9000000,b,12000,12000', '0,9000000,c,8000,8000']
    .map((l) =>
      l.replace(/,(\d+),(\d+)$/, (_, r: string, u: string) => `,${Number(r) / 23936},${Number(u) / 23936}`),
    )
    .join('\n');
  const r = await fast([text], 128, 1);
  assert.equal(r.stdout.split('\n')[0], `0.0,${8000 * 4096}`);
  assert.deepEqual(r, naivePaperCompat(text, 128, 1));
});

test('an empty trace prints the single line of second 0', async () => {
  assert.deepEqual(await fast([''], 128, 1), { stdout: '0.0,0\n', stderr: '128 MiB -> 23936 pages\n' });
});

test('a job that can never be placed stops the run with a note instead of looping forever', async () => {
  // 0.85 * 23936 = 20346 pages: within the usable EPC but never below 80 % of it.
  const r = await fast(['0,1000000,x,0.85,0.85\n'], 128, 1);
  assert.equal(r.stdout, '0.0,83337216\n');
  assert.match(r.stderr, /1 job can never be placed .* stops at second 0\n$/);
});

// Random small traces: starts on a few seconds (many ties) with µs offsets around the .5 tie,
// durations from negative to long, page counts exactly at and around the admission limit and the
// usable EPC as well as anywhere, duplicated lines, \r\n endings, random chunking.
type Pages = (usable: number, cap: number) => number;
const pages: fc.Arbitrary<Pages> = fc.oneof(
  fc.constant(() => 0),
  fc
    .tuple(fc.constantFrom('cap', 'half', 'usable', 'one'), fc.integer({ min: -2, max: 2 }))
    .map(([at, d]) => (usable: number, cap: number) => {
      const base = at === 'cap' ? cap : at === 'half' ? Math.floor(cap / 2) : at === 'usable' ? usable : 1;
      return Math.max(1, base + d);
    }),
  fc.double({ min: 0, max: 1.3, noNaN: true }).map((share) => (usable: number) => share * usable),
);
const line = fc
  .record({
    startS: fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 40 })),
    startOffset: fc.constantFrom(0, 1, 499_999, 500_000, 500_001, 999_999),
    durationS: fc.oneof(fc.integer({ min: -2, max: 4 }), fc.integer({ min: 5, max: 60 })),
    endOffset: fc.constantFrom(0, 500_000, 700_000),
    req: pages,
    act: fc.oneof(fc.constant(undefined), pages),
  })
  .map((l) => (usable: number): string => {
    const cap = Math.ceil(usable * 0.8) - 1;
    const start = l.startS * 1_000_000 + l.startOffset;
    const end = start + l.durationS * 1_000_000 + l.endOffset;
    // Written as fractions of 23,936 pages, like the trace's memory columns.
    const req = l.req(usable, cap) / 23936;
    const act = l.act === undefined ? req : l.act(usable, cap) / 23936;
    return `${start},${end},j,${req},${act}`;
  });
const trace = fc.record({
  pool: fc.array(line, { minLength: 1, maxLength: 12 }),
  picks: fc.array(fc.nat(), { maxLength: 40 }),
  epcMib: fc.constantFrom(4, 8, 16, 64, 128, 256),
  skip: fc.integer({ min: 1, max: 4 }),
  crlf: fc.boolean(),
  trailingNewline: fc.boolean(),
  cuts: fc.array(fc.nat(), { maxLength: 5 }),
});

type Trace = typeof trace extends fc.Arbitrary<infer T> ? T : never;

function traceText(t: Trace): string {
  const usable = usablePages(t.epcMib);
  const lines = t.picks.map((p) => t.pool[p % t.pool.length]!(usable));
  return lines.join(t.crlf ? '\r\n' : '\n') + (t.trailingNewline && lines.length > 0 ? '\n' : '');
}

test('the fast mode prints exactly what the naive rescanning reference prints (stdout and stderr)', async () => {
  await fc.assert(
    fc.asyncProperty(trace, async (t) => {
      const text = traceText(t);
      const points = [...new Set(t.cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
      const chunks = [...points, text.length].map((p, i, all) => text.slice(i === 0 ? 0 : all[i - 1], p));
      assert.deepEqual(await fast(chunks, t.epcMib, t.skip), naivePaperCompat(text, t.epcMib, t.skip));
    }),
    { numRuns: 1500 },
  );
});

test('the random traces reach every case the comparison is meant to cover', () => {
  const seen = { tooBig: 0, stuck: 0, waiting: 0, idleGap: 0, endedByRule: 0 };
  for (const t of fc.sample(trace, { numRuns: 600, seed: 1805 })) {
    const r = naivePaperCompat(traceText(t), t.epcMib, t.skip);
    if (r.stderr.includes('Job cannot fit')) seen.tooBig++;
    if (r.stderr.includes('can never be placed')) seen.stuck++;
    else if (r.stdout.split('\n').length > 3) seen.endedByRule++;
    if (/,[1-9]/.test(r.stdout)) seen.waiting++;
    if (r.stdout.split('\n').length > 45) seen.idleGap++;
  }
  for (const count of Object.values(seen))
    assert.ok(count >= 30, `too few cases of one kind: ${JSON.stringify(seen)}`);
});

test('runPaperCompat reads a file, a gzipped file, prints help, and maps errors to exit codes', async () => {
  const dir = makeTempDir('paper-compat-');
  const csv = join(dir, 'trace.csv');
  writeFileSync(csv, EXAMPLE + '\n');
  writeFileSync(csv + '.gz', gzipSync(EXAMPLE + '\n'));
  const expected = naivePaperCompat(EXAMPLE, 64, 2);

  for (const path of [csv, csv + '.gz']) {
    const io = collectingIo();
    assert.equal(await runPaperCompat(['--epc-mib', '64', '--skip=2', path], io), 0);
    assert.deepEqual(io.text(), expected);
  }

  const help = collectingIo();
  assert.equal(await runPaperCompat(['--help'], help), 0);
  assert.match(help.text().stdout, /^Usage: sgx-orchestrator simulate --paper-compat/);

  const usage = collectingIo();
  assert.equal(await runPaperCompat(['--skip', 'x', csv], usage), 2);
  assert.match(usage.text().stderr, /--skip expects a whole number/);
  assert.equal(usage.text().stdout, '');

  const missing = collectingIo();
  assert.equal(await runPaperCompat([join(dir, 'nope.csv')], missing), 3);
  assert.match(missing.text().stderr, /cannot read .*nope\.csv: ENOENT/);

  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, '0,1000000,x,0.1,0.1\n0,oops,x,0.1,0.1\n');
  const broken = collectingIo();
  assert.equal(await runPaperCompat([bad], broken), 3);
  assert.match(broken.text().stderr, /bad\.csv:2: field 2, end time \(µs\): expected an integer, got "oops"/);
  assert.equal(broken.text().stdout, '', 'nothing is simulated from a broken file');
});
