import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { repoPath } from '../../testing/paths.js';
import { startFakeApiServer } from '../../testing/fake-apiserver/index.js';

const bin = repoPath('bin', 'sgx-orchestrator.js');

/** GET or POST over http or https; `ca` trusts a test certificate. */
function call(
  url: string,
  body: string | undefined,
  ca: string | undefined,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const opts: RequestOptions & { ca?: string } = {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'Content-Type': 'application/json' },
      ...(ca === undefined ? {} : { ca }),
    };
    const req = (url.startsWith('https:') ? httpsRequest : httpRequest)(url, opts, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A self-signed certificate for 127.0.0.1, or undefined without openssl. */
function testCertificate(dir: string): { cert: string; key: string } | undefined {
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'tls.key'),
        '-out',
        join(dir, 'tls.crt'),
      ],
      { stdio: 'ignore' },
    );
    return { cert: join(dir, 'tls.crt'), key: join(dir, 'tls.key') };
  } catch {
    return undefined;
  }
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

test('the extender CLI serves filter over HTTPS against the API server and drains cleanly on SIGTERM', async (t) => {
  const api = await startFakeApiServer();
  t.after(() => api.close());
  const dir = mkdtempSync(join(tmpdir(), 'sgx-extender-tls-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const tls = testCertificate(dir);
  const ca = tls === undefined ? undefined : readFileSync(tls.cert, 'utf8');
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
    [
      bin,
      'extender',
      '--listen',
      '127.0.0.1:0',
      '--kubeconfig',
      api.kubeconfigPath,
      '--policy',
      'binpack',
      '--shutdown-grace',
      '1s',
      ...(tls === undefined ? [] : ['--tls-cert', tls.cert, '--tls-key', tls.key]),
    ],
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
  if (tls !== undefined) assert.match(url, /^https:\/\/127\.0\.0\.1:\d+$/);
  // Ready once the caches are synced.
  let ready = 0;
  for (let i = 0; i < 200 && ready !== 200; i++) {
    ready = (await call(`${url}/readyz`, undefined, ca)).status;
    if (ready !== 200) await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(ready, 200);
  const body = JSON.stringify({
    Pod: {
      metadata: { name: 'p', namespace: 'default', uid: 'u' },
      spec: { containers: [{ name: 'c', resources: { limits: { 'sgx.intel.com/epc': '10Mi' } } }] },
    },
    NodeNames: ['sgx-1', 'std-1'],
  });
  const answer = JSON.parse((await call(`${url}/filter`, body, ca)).text) as {
    NodeNames: string[];
    FailedAndUnresolvableNodes: Record<string, string>;
  };
  assert.deepEqual(answer.NodeNames, ['sgx-1']);
  assert.deepEqual(Object.keys(answer.FailedAndUnresolvableNodes), ['std-1']);
  const metrics = (await call(`${url}/metrics`, undefined, ca)).text;
  assert.match(metrics, /sgx_extender_requests_total\{verb="filter",result="ok"\} 1/);
  assert.match(metrics, /sgx_extender_cached_nodes 2/);
  assert.match(metrics, /process_cpu_user_seconds_total/);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  // Draining: no longer ready (the Service drops the endpoint), yet still answering the scheduler.
  let draining = 0;
  for (let i = 0; i < 50 && draining !== 503; i++) {
    const r = await call(`${url}/readyz`, undefined, ca);
    draining = r.status;
    if (draining === 503) assert.match(r.text, /not ready: shutting down/);
    else await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(draining, 503);
  const late = JSON.parse((await call(`${url}/filter`, body, ca)).text) as { NodeNames: string[] };
  assert.deepEqual(late.NodeNames, ['sgx-1']);
  assert.equal(await exited, 0);
  assert.match(
    stderr,
    /"msg":"shutting down","component":"extender","signal":"SIGTERM"|"msg":"shutting down".*"signal":"SIGTERM"/,
  );
});
