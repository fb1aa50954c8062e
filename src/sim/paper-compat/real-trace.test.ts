import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoPath, SHARED_TRACES } from '../../testing/paths.js';
import { collectWorkload, recordToPaperCsv } from '../../trace/index.js';
import { readPaperCsv, runPaperCompat, usablePages } from './index.js';
import { paperCompatSteps } from './stepper.js';
import { borgPaperCsv } from './testing/borg-paper-csv.js';
import { collectingIo } from './testing/collect.js';
import { naivePaperCompat } from './testing/naive-reference.js';
import { makeTempDir } from '../../testing/temp-dir.js';

// The paper's hour (trace seconds 6,480 to 10,080) from the real Borg part that holds it.
const PART = join(SHARED_TRACES, 'task_events', 'part-00001-of-00500.csv.gz');
const REFERENCE_PY = repoPath('src', 'sim', 'paper-compat', 'fixtures', 'reference.py');

let cached: { text: string; path: string } | undefined;
async function paperHour(): Promise<{ text: string; path: string }> {
  if (cached === undefined) {
    const text = await borgPaperCsv(PART);
    const path = join(makeTempDir('paper-hour-'), 'paper-hour.csv');
    writeFileSync(path, text);
    cached = { text, path };
  }
  return cached;
}

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = collectingIo();
  const code = await runPaperCompat(argv, io);
  return { code, ...io.text() };
}

const haveTrace = existsSync(PART);
const skipNoTrace = haveTrace ? false : `the Borg part ${PART} is not present`;

test(
  'the paper hour has its 17,937 placements, and every placeable job is placed',
  { skip: skipNoTrace },
  async () => {
    const { text } = await paperHour();
    assert.equal(text.split('\n').length - 1, 17_937);
    const { jobs, summary } = await readPaperCsv([text], {
      source: 'hour',
      skip: 1,
      usablePages: usablePages(128),
    });
    // The 12 placements that request no memory are dropped; none is larger than the EPC.
    assert.deepEqual(summary, { lines: 17_937, tooBig: 0, zero: 12 });
    const steps = paperCompatSteps(jobs, usablePages(128));
    let r = steps.next();
    while (r.done !== true) r = steps.next();
    assert.equal(r.value.placed, 17_925);
    assert.equal(r.value.stuckJobs, 0);
  },
);

test(
  'on the real hour, every 20th job, the fast mode prints what the naive reference prints',
  { skip: skipNoTrace },
  async () => {
    const { text, path } = await paperHour();
    for (const epcMib of [128, 32]) {
      const fast = await run(['--epc-mib', String(epcMib), '--skip', '20', path]);
      assert.equal(fast.code, 0);
      const naive = naivePaperCompat(text, epcMib, 20);
      assert.ok(fast.stdout === naive.stdout, `stdout differs at ${epcMib} MiB`);
      assert.equal(fast.stderr, naive.stderr);
    }
  },
);

test(
  'on the real hour, the output is byte for byte what the Python reference prints',
  { skip: skipNoTrace },
  async (t) => {
    if (spawnSync('python3', ['--version']).status !== 0) {
      t.skip('python3 is not installed: the byte-for-byte check against Python did not run');
      return;
    }
    const { path } = await paperHour();
    // Every 20th job at 128 MiB (about 17,000 printed seconds) and every 50th at 64 MiB; seconds in Python.
    for (const [epcMib, skip] of [
      [128, 20],
      [64, 50],
    ] as const) {
      const args = ['--epc-mib', String(epcMib), '--skip', String(skip), path];
      const py = spawnSync('python3', [REFERENCE_PY, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
      assert.equal(py.status, 0, py.stderr);
      const ours = await run(args);
      assert.equal(ours.code, 0);
      assert.ok(py.stdout.length > 100_000);
      assert.ok(ours.stdout === py.stdout, `stdout differs from Python at ${epcMib} MiB`);
      assert.equal(ours.stderr, py.stderr);
    }
  },
);

test(
  'the paper CSV written by `trace export` replays identically in the fast mode, the naive reference and Python',
  { skip: skipNoTrace },
  async () => {
    const { records } = await collectWorkload([PART], { from: 6480, to: 10080 });
    const text = records.map((r) => recordToPaperCsv(r) + '\n').join('');
    const path = join(makeTempDir('paper-export-'), 'exported.csv');
    writeFileSync(path, text);
    const ours = await run(['--skip', '20', path]);
    assert.equal(ours.code, 0);
    const naive = naivePaperCompat(text, 128, 20);
    assert.ok(ours.stdout === naive.stdout, 'stdout differs from the naive reference');
    assert.equal(ours.stderr, naive.stderr);
    if (spawnSync('python3', ['--version']).status === 0) {
      const py = spawnSync('python3', [REFERENCE_PY, '--skip', '50', path], {
        encoding: 'utf8',
        maxBuffer: 1 << 28,
      });
      assert.equal(py.status, 0, py.stderr);
      const every50th = await run(['--skip', '50', path]);
      assert.ok(every50th.stdout === py.stdout, 'stdout differs from Python');
      assert.equal(every50th.stderr, py.stderr);
    }
  },
);
