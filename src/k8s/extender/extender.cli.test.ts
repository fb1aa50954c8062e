import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { repoPath } from '../../testing/paths.js';
import { startFakeApiServer } from '../../testing/fake-apiserver/index.js';

const bin = repoPath('bin', 'sgx-orchestrator.js');

function post(url: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'Content-Type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('extender --help documents the verbs and flags; bad flags and bad profiles fail clearly', (t) => {
  const help = spawnSync(process.execPath, [bin, 'extender', '--help'], { encoding: 'utf8' });
  assert.equal(help.status, 0);
  for (const flag of [
    '--listen',
    '--profile',
    '--bind',
    '--tls-cert',
    '--max-body-bytes',
    '--epc-resource',
  ]) {
    assert.match(help.stdout, new RegExp(flag));
  }
  const bad = spawnSync(process.execPath, [bin, 'extender', '--frobnicate'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /Unknown option '--frobnicate'/);
  const dir = mkdtempSync(join(tmpdir(), 'sgx-extender-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const profile = join(dir, 'profile.yaml');
  writeFileSync(profile, 'policy: spread\ntolerence: 0.9\n');
  const cfg = spawnSync(process.execPath, [bin, 'extender', '--profile', profile], { encoding: 'utf8' });
  assert.equal(cfg.status, 3);
  assert.match(cfg.stderr, /profile\.yaml: invalid profile:\ntolerence: unknown field/);
});

test('the extender CLI serves filter against the API server and stops cleanly on SIGTERM', async (t) => {
  const api = await startFakeApiServer();
  t.after(() => api.close());
  api.state.create('nodes', {
    metadata: { name: 'sgx-1' },
    status: {
      capacity: { cpu: '4', memory: '8Gi', 'sgx.intel.com/epc': '93.5Mi' },
      allocatable: { cpu: '4', memory: '8Gi', 'sgx.intel.com/epc': '93.5Mi' },
    },
  });
  api.state.create('nodes', {
    metadata: { name: 'std-1' },
    status: { capacity: { cpu: '4', memory: '8Gi' }, allocatable: { cpu: '4', memory: '8Gi' } },
  });
  const child = spawn(
    process.execPath,
    [bin, 'extender', '--listen', '127.0.0.1:0', '--kubeconfig', api.kubeconfigPath, '--policy', 'binpack'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  t.after(() => child.kill('SIGKILL'));
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
      const m = /"msg":"extender listening".*?"url":"([^"]+)"/.exec(stderr);
      if (m !== null) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`extender exited with ${String(code)}: ${stderr}`)));
  });
  // Ready once the caches are synced.
  for (let i = 0; i < 100; i++) {
    const ready = await new Promise<number>((resolve) =>
      request(`${url}/readyz`, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).end(),
    );
    if (ready === 200) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const body = JSON.stringify({
    Pod: {
      metadata: { name: 'p', namespace: 'default', uid: 'u' },
      spec: { containers: [{ name: 'c', resources: { limits: { 'sgx.intel.com/epc': '10Mi' } } }] },
    },
    NodeNames: ['sgx-1', 'std-1'],
  });
  const answer = JSON.parse(await post(`${url}/filter`, body)) as {
    NodeNames: string[];
    FailedAndUnresolvableNodes: Record<string, string>;
  };
  assert.deepEqual(answer.NodeNames, ['sgx-1']);
  assert.deepEqual(Object.keys(answer.FailedAndUnresolvableNodes), ['std-1']);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.match(
    stderr,
    /"msg":"shutting down","component":"extender","signal":"SIGTERM"|"msg":"shutting down".*"signal":"SIGTERM"/,
  );
});
