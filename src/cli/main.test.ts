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
