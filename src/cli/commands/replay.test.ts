// The real `replay`, `collect` and `replay cleanup` commands as child processes against the fake API
// server: dry-run manifests are valid Pods; a replay killed with SIGKILL half-way resumes without
// creating anything twice; collect writes a results folder the report reads; cleanup empties the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Pod } from 'kubernetes-models/v1';
import { validateResults } from '../../report/validate.js';
import { repoPath } from '../../testing/paths.js';
import { startFakeApiServer } from '../../testing/fake-apiserver/index.js';
import { makeTempDir } from '../../testing/temp-dir.js';

interface Run {
  readonly code: Promise<number | null>;
  readonly stdout: () => string;
  readonly stderr: () => string;
  kill(): void;
}

function cli(args: readonly string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [repoPath('bin/sgx-orchestrator.js'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  return {
    code: new Promise((resolve) => child.on('exit', (c) => resolve(c))),
    stdout: () => out,
    stderr: () => err,
    kill: () => child.kill('SIGKILL'),
  };
}

test('replay --dry-run prints valid Pod manifests, attackers included, without a cluster', async () => {
  const run = cli(
    [
      'replay',
      '--dry-run',
      '--keep-one-in',
      '400',
      '--sgx-share',
      '1',
      '--attacker-fraction',
      '0.5',
      '--attackers',
      '2',
    ],
    { KUBECONFIG: '/nonexistent/kubeconfig' },
  );
  assert.equal(await run.code, 0, run.stderr());
  const docs = parseAllDocuments(run.stdout()).map((d) => d.toJSON() as Record<string, unknown>);
  assert.ok(docs.length > 10, `${docs.length} documents`);
  for (const d of docs) new Pod(d as never).validate();
  const attackers = docs.filter((d) => (d['metadata'] as { name: string }).name.includes('-attacker-'));
  assert.equal(attackers.length, 2);
  const limits = (
    attackers[0]!['spec'] as { containers: { resources: { limits: Record<string, string> } }[] }
  ).containers[0]!.resources.limits;
  assert.deepEqual(
    limits,
    { 'sgx.intel.com/epc': '4096', 'sgx.intel.com/enclave': '1' },
    'an attacker requests one page and the enclave device',
  );
  assert.match(run.stderr(), new RegExp(`${docs.length} pod manifests \\(dry run`));
});

test('replay flags are checked before anything happens', async () => {
  const bad = cli(['replay', '--dry-run', '--time-compression', 'fast']);
  const attackers = cli(['replay', '--dry-run', '--attacker-fraction', '0.5']);
  const collect = cli(['collect']);
  assert.equal(await bad.code, 2);
  assert.match(bad.stderr(), /--time-compression: expected a number/);
  assert.equal(await attackers.code, 2);
  assert.match(attackers.stderr(), /--attackers <n>/);
  assert.equal(await collect.code, 2);
  assert.match(collect.stderr(), /--run-id is required/);
});

test('a replay killed half-way resumes without duplicates; collect and cleanup work on the run', async () => {
  const api = await startFakeApiServer();
  const dir = makeTempDir('replay-cli-');
  const state = join(dir, 'state.json');
  const env = { KUBECONFIG: api.kubeconfigPath };
  const adds = new Map<string, number>();
  api.state.onChange((ev) => {
    if (ev.type === 'ADDED' && ev.object.kind === 'Pod')
      adds.set(ev.object.metadata.name, (adds.get(ev.object.metadata.name) ?? 0) + 1);
  });
  const args = [
    'replay',
    '--keep-one-in',
    '200',
    '--time-compression',
    '1000',
    '--rate',
    '500',
    '--run-id',
    'kill-me',
    '--state-file',
    state,
  ];
  try {
    const first = cli(args, env);
    await api.state.waitFor(() => adds.size >= 20, { timeoutMs: 60_000, what: '20 pods created' });
    first.kill();
    await first.code;
    const before = adds.size;
    assert.ok(existsSync(state), 'the state file exists after the crash');

    const second = cli(args, env);
    assert.equal(await second.code, 0, second.stderr());
    assert.match(second.stderr(), /Resuming run kill-me/);
    const total = (JSON.parse(readFileSync(state, 'utf8')) as { total: number; complete: boolean }).total;
    assert.ok(before < total, `killed before the end (${before} of ${total})`);
    assert.equal(adds.size, total);
    for (const [name, n] of adds) assert.equal(n, 1, `${name} created once`);
    assert.match(second.stdout(), /Run kill-me: \d+ created/);

    const out = join(dir, 'live');
    const collect = cli(['collect', '--run-id', 'kill-me', '--state-file', state, '--out', out], env);
    assert.equal(await collect.code, 0, collect.stderr());
    const results = validateResults(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')));
    assert.equal(results.runs[0]!.result.summary.all.pods, total);
    assert.equal(results.runs[0]!.result.summary.all.neverPlaced, total, 'no scheduler ran');
    assert.equal(
      readFileSync(join(out, 'pods', 'kill-me.csv'), 'utf8')
        .trim()
        .split('\n').length,
      total + 1,
    );
    assert.ok(existsSync(join(out, 'report.html')));

    const cleanup = cli(['replay', 'cleanup', '--run-id', 'kill-me'], env);
    assert.equal(await cleanup.code, 0, cleanup.stderr());
    assert.match(cleanup.stdout(), new RegExp(`${total} pods deleted`));
    assert.equal(api.state.list('pods').length, 0);
  } finally {
    await api.close();
  }
});
