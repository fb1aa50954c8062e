import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoPath } from '../../testing/paths.js';
import { makeTempDir } from '../../testing/temp-dir.js';

const BIN = repoPath('bin/sgx-orchestrator.js');
const EVENTS = repoPath('src/trace/fixtures/borg/task_events');

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, 'trace', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('trace --help lists both subcommands and their options; the help of a subcommand is its own', () => {
  const r = cli('--help');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /trace stats/);
  assert.match(r.stdout, /--to-format/);
  assert.match(r.stdout, /--strict/);
  const stats = cli('stats', '--help');
  assert.equal(stats.status, 0);
  assert.match(stats.stdout, /--strict/);
  assert.doesNotMatch(stats.stdout, /--to-format/);
});

test('trace stats --json prints one object with stable keys', () => {
  const r = cli('stats', EVENTS, '--json');
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout) as { events: Record<string, number>; placements: { derived: number } };
  assert.equal(s.events['SUBMIT'], 6);
  assert.equal(s.placements.derived, 5);
});

test('trace export is deterministic, to JSON Lines and to the paper CSV', () => {
  const dir = makeTempDir('trace-export-');
  const a = join(dir, 'a.csv');
  const b = join(dir, 'b.csv');
  for (const out of [a, b]) {
    const r = cli(
      'export',
      EVENTS,
      '--to-format',
      'paper-csv',
      '--sgx-share',
      '0.5',
      '--seed',
      '9',
      '-o',
      out,
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /wrote 3 records \(paper-csv\)/);
  }
  assert.equal(readFileSync(a, 'utf8'), readFileSync(b, 'utf8'));
  assert.deepEqual(readFileSync(a, 'utf8').trimEnd().split('\n'), [
    '600000000,649000000,200,0.01,0.01',
    '602000000,669000000,200,0.03,0.03',
    '671000000,691000000,200,0.03,0.03',
  ]);
  const j = cli('export', EVENTS, '--to-format', 'jsonl', '--usage', 'ratio:0.5');
  assert.equal(j.status, 0, j.stderr);
  const first = JSON.parse(j.stdout.split('\n')[0]!) as { id: string; usedFraction: number };
  assert.equal(first.id, '200-0-601000000');
  assert.equal(first.usedFraction, 0.005);
  // A place that cannot be written is a usage error before anything is read, and leaves nothing.
  const blocked = cli('export', EVENTS, '--to-format', 'jsonl', '-o', join(a, 'x.jsonl'));
  assert.equal(blocked.status, 2, blocked.stderr);
  assert.match(
    blocked.stderr,
    /--out .*a\.csv[\\/]x\.jsonl: cannot write there \(ENOTDIR\); choose another file/,
  );
  assert.doesNotMatch(blocked.stderr, /Unhandled|\n\s+at /);
  assert.deepEqual(readdirSync(dir).sort(), ['a.csv', 'b.csv']);
});

test('bad flags exit 2, bad input exits 3 with the file named', () => {
  assert.equal(cli('stats', EVENTS, '--from', 'x').status, 2);
  assert.equal(cli('export', EVENTS).status, 2);
  assert.equal(cli('frobnicate').status, 2);
  const missing = cli('stats', repoPath('src/trace/fixtures/none.csv'));
  assert.equal(missing.status, 3);
  assert.match(missing.stderr, /none\.csv: no such file or folder/);
  const strict = cli(
    'stats',
    repoPath('src/trace/fixtures/bad/task-events-bad.csv'),
    '--format',
    'task_events',
    '--strict',
  );
  assert.equal(strict.status, 3);
  assert.match(strict.stderr, /task-events-bad\.csv:2: expected 13 comma-separated fields/);
});

test('a damaged gzip file is an input error (exit 3) that says what is wrong with it', () => {
  const dir = makeTempDir('trace-cli-gz-');
  const part = readFileSync(
    repoPath('data/google-clusterdata-2011-2/task_events/part-00001-of-00500.csv.gz'),
  );
  const cut = join(dir, 'cut.csv.gz');
  writeFileSync(cut, part.subarray(0, 100));
  const garbage = join(dir, 'garbage.csv.gz');
  writeFileSync(garbage, Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('garbage')]));
  const detected = cli('stats', cut);
  assert.equal(detected.status, 3, detected.stderr);
  assert.match(detected.stderr, /cut\.csv\.gz: the gzip data ends early, before its first complete line/);
  const corrupt = cli('stats', garbage);
  assert.equal(corrupt.status, 3, corrupt.stderr);
  assert.match(corrupt.stderr, /garbage\.csv\.gz: the gzip data is damaged before its first complete line/);
  const given = cli('stats', cut, '--format', 'task_events');
  assert.equal(given.status, 3, given.stderr);
  assert.match(
    given.stderr,
    /no valid row in .*cut\.csv\.gz: 1 line skipped as unreadable \(truncated-gzip 1;/,
  );
  for (const r of [detected, corrupt, given]) {
    assert.doesNotMatch(r.stderr, /internal error|holds no data line|\n\s+at /);
  }
});
