import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { borgTaskStream, splitText } from './borg-stream.js';
import { bundledTracePath } from '../../trace/bundled.js';
import { traceStats } from '../../trace/index.js';
import { simulate } from '../run/simulation.js';
import { DEFAULT_RUN_CONFIG } from '../run/config.js';
import { expandCluster } from '../cluster/cluster.js';
import { PAPER_CLUSTER } from '../cluster/builtins.js';
import { makeTempDir } from '../../testing/temp-dir.js';

// time, missing, job, task, machine, event, user, class, priority, cpu, memory, disk, different-machines
const ROWS = [
  '0,,1,0,7,1,u,0,0,0.1,0.05,0,0', // running before the trace: left out
  '600000000,,2,0,,0,u,0,0,0.1,0.01,0,0', // SUBMIT
  '610000000,,2,0,5,1,u,0,0,0.1,0.01,0,0', // SCHEDULE
  '620000000,,3,0,,0,u,0,0,0.1,0.02,0,0',
  '625000000,,3,0,6,1,u,0,0,0.1,0.02,0,0', // never ends: censored at the last row
  '700000000,,2,0,5,4,u,0,0,0.1,0.01,0,0', // FINISH after 90 s
  '800000000,,4,1,,0,u,0,0,0.1,0.03,0,0',
  '810000000,,4,1,,5,u,0,0,0.1,0.03,0,0', // KILL while pending: never scheduled
  '900000000,,5,0,,0,u,0,0,0.1,0.01,0,0',
];

/** The paper's units (23,936 EPC pages and 32 GiB of memory per unit), no SGX jobs unless given. */
function paperStream(files: string[], o: { lookahead?: number; sgxShare?: number; seed?: number } = {}) {
  return borgTaskStream({
    files,
    sgxShare: o.sgxShare ?? 0,
    seed: o.seed ?? 1,
    epcBytesPerUnit: 23_936 * 4096,
    memoryBytesPerUnit: 32 * 2 ** 30,
    cpuMillisPerUnit: 0,
    ...(o.lookahead === undefined ? {} : { lookahead: o.lookahead }),
  });
}

test('Borg task_events stream: one pod per placement, durations from end events, censored at the end', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'borg-stream-'));
  try {
    const file = join(dir, 'part-00000-of-00500.csv');
    writeFileSync(file, ROWS.join('\n') + '\n');
    const stream = paperStream([file], { lookahead: 60 });
    const out = await simulate({
      cluster: expandCluster(PAPER_CLUSTER),
      stream,
      config: { ...DEFAULT_RUN_CONFIG, schedulerPeriod: null, probe: null, startupDelay: 0 },
    });
    const rows = new Map(out.pods!.map((p) => [p.jobId, p]));
    assert.deepEqual([...rows.keys()].sort(), ['2-0-610000000', '3-0-625000000']);
    const a = rows.get('2-0-610000000')!;
    assert.equal(a.submit, 0); // time 0 of the simulation is the first row after time 0
    assert.equal(a.duration, 90);
    assert.equal(a.start, 0);
    assert.equal(a.end, 90);
    assert.equal(a.requestedPages, Math.floor((0.01 * 32 * 2 ** 30) / 4096));
    const b = rows.get('3-0-625000000')!;
    assert.equal(b.submit, 20);
    assert.equal(b.duration, 900 - 625);
    assert.deepEqual(stream.counts(), {
      rows: 9,
      placements: 2,
      censored: 1,
      timeZeroRows: 1,
      malformed: 0,
      issues: {},
      zeroMemory: 0,
      neverScheduled: 1,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('parts given out of order are read in part order; rows out of time order fail the run at their line', async () => {
  const dir = makeTempDir('borg-stream-order-');
  const first = join(dir, 'part-00000-of-00500.csv');
  const second = join(dir, 'part-00001-of-00500.csv');
  writeFileSync(first, ROWS.slice(0, 5).join('\n') + '\n');
  writeFileSync(second, ROWS.slice(5).join('\n') + '\n');
  const run = (files: string[]) =>
    simulate({
      cluster: expandCluster(PAPER_CLUSTER),
      stream: paperStream(files, { lookahead: 60 }),
      config: { ...DEFAULT_RUN_CONFIG, schedulerPeriod: null, probe: null, startupDelay: 0 },
    });
  const inOrder = await run([first, second]);
  const reversed = await run([second, first]);
  assert.deepEqual(reversed.pods, inOrder.pods);
  // Names that do not tell the order: the run stops with the file and line, not an internal error.
  const late = join(dir, 'late.csv');
  const early = join(dir, 'early.csv');
  writeFileSync(late, ROWS.slice(5).join('\n') + '\n');
  writeFileSync(early, ROWS.slice(1, 5).join('\n') + '\n');
  await assert.rejects(
    run([late, early]),
    /early\.csv:1: field 1 \(time\): 600000000 comes before 900000000, read earlier/,
  );
});

test('unreadable lines are counted by reason, a gzip part cut short included, as the trace reader counts them', async () => {
  const dir = makeTempDir('borg-stream-');
  const plain = join(dir, 'part-00000-of-00500.csv');
  writeFileSync(
    plain,
    [...ROWS.slice(0, 5), 'not,a,task,event', '650000000,,9,0,,0,u,0,0,x,0.01,0,0', ...ROWS.slice(5)].join(
      '\n',
    ) + '\n',
  );
  // A second part, compressed, its gzip stream cut in the middle: the rows before the cut count.
  let text = '';
  for (let i = 0; i < 4000; i++) text += `${950_000_000 + i * 1000},,${100 + i},0,,0,u,0,0,0.1,0.01,0,0\n`;
  const gz = gzipSync(text);
  const cut = join(dir, 'part-00001-of-00500.csv.gz');
  writeFileSync(cut, gz.subarray(0, Math.floor(gz.length / 2)));
  const stream = paperStream([plain, cut], { lookahead: 60 });
  await simulate({
    cluster: expandCluster(PAPER_CLUSTER),
    stream,
    config: { ...DEFAULT_RUN_CONFIG, schedulerPeriod: null, probe: null, startupDelay: 0 },
  });
  const c = stream.counts();
  assert.deepEqual(c.issues, { 'column-count': 1, 'not-a-number': 1, 'truncated-gzip': 1 });
  assert.equal(c.malformed, 3);
  const stats = await traceStats([plain, cut]);
  assert.deepEqual(
    Object.fromEntries(Object.entries(stats.skipped).map(([reason, v]) => [reason, v!.count])),
    c.issues,
  );
});

test('a simulation that stops at its horizon closes the stream (its reading thread ends)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'borg-stream-'));
  try {
    const files = [0, 1].map((k) => join(dir, `part-0000${k}-of-00500.csv`));
    writeFileSync(files[0]!, ROWS.join('\n') + '\n');
    writeFileSync(files[1]!, '1000000000,,6,0,,0,u,0,0,0.1,0.01,0,0\n');
    const stream = paperStream(files, { lookahead: 1 });
    let closed = 0;
    const close = stream.close!.bind(stream);
    stream.close = async () => {
      closed++;
      await close();
    };
    const out = await simulate({
      cluster: expandCluster(PAPER_CLUSTER),
      stream,
      config: { ...DEFAULT_RUN_CONFIG, schedulerPeriod: null, probe: null, startupDelay: 0, horizon: 5 },
    });
    assert.equal(closed, 1);
    assert.ok(out.pods!.some((p) => p.jobId === '2-0-610000000'));
    // Closed early: the second file was never consumed, and closing again is harmless.
    await stream.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a stream started before the run (reading while the cluster is built) gives the same run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'borg-stream-'));
  try {
    const file = join(dir, 'part-00000-of-00500.csv');
    writeFileSync(file, ROWS.join('\n') + '\n');
    const open = () => paperStream([file], { lookahead: 60, sgxShare: 0.5, seed: 3 });
    const config = { ...DEFAULT_RUN_CONFIG, schedulerPeriod: null, probe: null, startupDelay: 0 };
    const lazy = open();
    const early = open();
    early.start();
    early.start(); // once is enough: a second call starts nothing
    const a = await simulate({ cluster: expandCluster(PAPER_CLUSTER), stream: lazy, config });
    const b = await simulate({ cluster: expandCluster(PAPER_CLUSTER), stream: early, config });
    assert.deepEqual(b.pods, a.pods);
    assert.deepEqual(b.summary, a.summary);
    assert.deepEqual(early.counts(), lazy.counts());
    // Started and never read (the caller failed before its run): closing stops the thread.
    const abandoned = open();
    abandoned.start();
    await abandoned.close();
    await abandoned.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a whole number written from its two small parts reads as String writes it', () => {
  const check = (x: number): void => {
    const hi = Math.floor(x / 1e9);
    assert.equal(splitText(hi, x - hi * 1e9), String(x));
  };
  for (const x of [0, 7, 999_999_999, 1e9, 1e9 + 1, 6_251_812_952, 2_506_199_602_822, 2 ** 53 - 1]) check(x);
  fc.assert(fc.property(fc.maxSafeNat(), (x) => check(x)));
});

test('jobs handed back for reuse give the same rows as fresh ones, on a real trace part', async () => {
  const file = join(bundledTracePath('task_events'), 'part-00001-of-00500.csv.gz');
  const run = async (recycle: boolean): Promise<string> => {
    const rows: string[] = [];
    const stream = paperStream([file], { sgxShare: 0.5, seed: 3 });
    const out = await simulate({
      cluster: expandCluster(PAPER_CLUSTER),
      // Without `recycle`, every placement gets a new job object.
      stream: recycle
        ? stream
        : {
            lookahead: stream.lookahead,
            advance: (t, sink) => stream.advance(t, sink),
            close: () => stream.close!(),
          },
      config: { ...DEFAULT_RUN_CONFIG, schedulerPeriod: null, horizon: 4000 },
      keepRows: false,
      onPod: (row) => rows.push(JSON.stringify(row)),
    });
    assert.ok(rows.length > 1000, `${rows.length} pods`);
    return JSON.stringify(out.summary) + rows.join('\n');
  };
  const [fresh, reused] = [await run(false), await run(true)];
  assert.equal(reused, fresh);
});
