import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { repoPath } from '../testing/paths.js';

const bin = repoPath('bin', 'sgx-orchestrator.js');

test('the installed binary prints its help and exits 0', () => {
  const r = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Usage: sgx-orchestrator <command>/);
});

test('an unknown command is a usage error naming the command', () => {
  const r = spawnSync(process.execPath, [bin, 'frobnicate'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown command 'frobnicate'/);
});

const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

test('help of a command and of a subcommand, however it is asked for', () => {
  for (const args of [
    ['help', 'simulate'],
    ['simulate', '--help'],
  ]) {
    const r = cli(...args);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Usage: sgx-orchestrator simulate /);
  }
  for (const args of [
    ['trace', 'stats', '-h'],
    ['help', 'trace', 'stats'],
  ]) {
    const r = cli(...args);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Usage: sgx-orchestrator trace stats /);
    assert.doesNotMatch(r.stdout, /trace export/);
  }
  // The command's own help still lists its subcommands.
  assert.match(cli('trace', '--help').stdout, /trace export/);
});

test('errors name the subcommand; a negative value reaches the flag and its range check', () => {
  const bad = cli('trace', 'export', '--to-format', 'x');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^sgx-orchestrator trace export: --to-format: expected jsonl or paper-csv/);
  const negative = cli('simulate', '--seed', '-1');
  assert.equal(negative.status, 2);
  assert.match(negative.stderr, /--seed: expected a number in 0\.\.4294967295, got "-1"/);
});
