import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { buildProfile, parseProfileConfig } from '../../core/index.js';
import type { ProfileConfig } from '../../core/index.js';
import { startFakeApiServer } from '../../testing/fake-apiserver/index.js';
import type { FakeApiServer, JsonObject, KObject } from '../../testing/fake-apiserver/index.js';
import { silentLogger } from '../client/log.js';
import { startExtenderApp } from './app.js';
import type { ExtenderApp } from './app.js';
import { ExtenderMetrics } from './metrics.js';

function post(url: string, body: unknown): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const text = JSON.stringify(body);
    const req = request(url, { method: 'POST', headers: { 'Content-Type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }),
      );
    });
    req.on('error', reject);
    req.end(text);
  });
}

const MiB = 1024 * 1024;

function node(name: string, epcBytes?: number): JsonObject {
  const epc = epcBytes === undefined ? {} : { 'sgx.intel.com/epc': String(epcBytes) };
  return {
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    status: {
      capacity: { cpu: '8', memory: '32Gi', pods: '110', ...epc },
      allocatable: { cpu: '8', memory: '32Gi', pods: '110', ...epc },
    },
  };
}

function pod(name: string, epcMiB: number | undefined, nodeName?: string): JsonObject {
  const res =
    epcMiB === undefined
      ? {}
      : { requests: { 'sgx.intel.com/epc': `${epcMiB}Mi` }, limits: { 'sgx.intel.com/epc': `${epcMiB}Mi` } };
  return {
    metadata: { name, namespace: 'default' },
    spec: {
      containers: [{ name: 'c', image: 'enclave', resources: res }],
      ...(nodeName === undefined ? {} : { nodeName }),
    },
  };
}

/** The pod as kube-scheduler embeds it in ExtenderArgs: the stored object, without apiVersion/kind. */
function asArg(obj: KObject): Record<string, unknown> {
  const { apiVersion: _a, kind: _k, ...rest } = obj as unknown as Record<string, unknown>;
  return rest;
}

let api: FakeApiServer;
let app: ExtenderApp;

before(async () => {
  api = await startFakeApiServer();
  api.state.create('nodes', node('sgx-a', 98_041_856));
  api.state.create('nodes', node('sgx-b', 98_041_856));
  api.state.create('nodes', node('std-1'));
  // sgx-a already runs a 64 MiB enclave.
  api.state.create('pods', pod('busy', 64, 'sgx-a'));
  const cfg = parseProfileConfig({ policy: 'spread', usage: 'requests' });
  assert.ok(cfg.ok);
  app = await startExtenderApp({
    kc: api.makeKubeConfig(),
    profile: buildProfile(cfg.value as ProfileConfig),
    convert: { epcResource: 'sgx.intel.com/epc' },
    seed: 1,
    log: silentLogger,
    host: '127.0.0.1',
    port: 0,
    urlPrefix: '/sgx',
    maxBodyBytes: 10 * MiB,
    bind: true,
    informerBackoffMs: 50,
  });
  await app.synced;
});

after(async () => {
  await app.close();
  await api.close();
});

test('node-cache mode: filter splits SGX-less (unresolvable) from EPC-full (resolvable) nodes', async () => {
  const p = api.state.create('pods', pod('want-40', 40));
  const r = await post(`${app.server.url}/filter`, { Pod: asArg(p), NodeNames: ['sgx-a', 'sgx-b', 'std-1'] });
  assert.equal(r.status, 200);
  const body = r.json as Record<string, Record<string, string> | string[] | null | string>;
  assert.equal(body['Error'], '');
  assert.deepEqual(body['NodeNames'], ['sgx-b']);
  assert.deepEqual(Object.keys(body['FailedNodes'] as Record<string, string>), ['sgx-a']);
  assert.match((body['FailedNodes'] as Record<string, string>)['sgx-a']!, /EPC/);
  assert.deepEqual(Object.keys(body['FailedAndUnresolvableNodes'] as Record<string, string>), ['std-1']);
});

test('full NodeList mode: the answer echoes the passing Node objects', async () => {
  const p = api.state.create('pods', pod('want-10', 10));
  const nodes = api.state.list('nodes').map(asArg);
  const r = await post(`${app.server.url}/filter`, { Pod: asArg(p), Nodes: { metadata: {}, items: nodes } });
  const body = r.json as {
    Nodes: { items: { metadata: { name: string } }[] };
    NodeNames: null;
    Error: string;
  };
  assert.equal(body.Error, '');
  assert.equal(body.NodeNames, null);
  assert.deepEqual(
    body.Nodes.items.map((n) => n.metadata.name),
    ['sgx-a', 'sgx-b'],
  );
  assert.deepEqual(body.Nodes.items[0], nodes[0]);
});

test('prioritize: spread prefers the emptier SGX node, scores within 0..10', async () => {
  const p = api.state.create('pods', pod('want-8', 8));
  const r = await post(`${app.server.url}/prioritize`, { Pod: asArg(p), NodeNames: ['sgx-a', 'sgx-b'] });
  const list = r.json as { Host: string; Score: number }[];
  assert.deepEqual(
    list.map((h) => h.Host),
    ['sgx-a', 'sgx-b'],
  );
  assert.equal(list[1]!.Score, 10);
  assert.ok(list[0]!.Score < 10 && list[0]!.Score >= 0);
});

test('pods bound later by anyone are counted as the informer sees them', async () => {
  api.state.create('pods', pod('other', 80, 'sgx-b'));
  const p = api.state.create('pods', pod('want-30', 30));
  await api.state.waitFor(
    () => app.cache.snapshot.nodeOf(api.state.pod('default', 'other')!.metadata.uid!) === 'sgx-b',
    {
      what: 'the extender cache to see the pod bound to sgx-b',
    },
  );
  const r = await post(`${app.server.url}/filter`, { Pod: asArg(p), NodeNames: ['sgx-a', 'sgx-b'] });
  const body = r.json as { NodeNames: string[]; FailedNodes: Record<string, string> };
  assert.deepEqual(body.NodeNames, []);
  assert.deepEqual(Object.keys(body.FailedNodes).sort(), ['sgx-a', 'sgx-b']);
  api.state.delete('pods', 'other', { namespace: 'default', gracePeriodSeconds: 0 });
  await api.state.waitFor(() => app.cache.snapshot.podCount === 1, {
    what: 'the deletion to reach the cache',
  });
});

test('bind: posts pods/binding with the UID, counts the pod at once, refuses a second binding', async () => {
  const p = api.state.create('pods', pod('bind-me', 60));
  const uid = p.metadata.uid!;
  await api.state.waitFor(() => app.cache.pod('default', 'bind-me') !== undefined, {
    what: 'the pending pod in the cache',
  });
  const ok = await post(`${app.server.url}/bind`, {
    PodName: 'bind-me',
    PodNamespace: 'default',
    PodUID: uid,
    Node: 'sgx-b',
  });
  assert.deepEqual(ok.json, { Error: '' });
  assert.equal(api.state.pod('default', 'bind-me')?.spec?.['nodeName' as never], 'sgx-b');
  assert.equal(api.state.bindCount('default', 'bind-me'), 1);
  // Counted at once (assumed), whatever the informer has delivered: 60 + 40 MiB does not fit sgx-b.
  const next = api.state.create('pods', pod('after-bind', 40));
  const f = await post(`${app.server.url}/filter`, { Pod: asArg(next), NodeNames: ['sgx-b'] });
  assert.deepEqual((f.json as { NodeNames: string[] }).NodeNames, []);
  const again = await post(`${app.server.url}/bind`, {
    PodName: 'bind-me',
    PodNamespace: 'default',
    PodUID: uid,
    Node: 'sgx-a',
  });
  assert.match((again.json as { Error: string }).Error, /binding default\/bind-me to sgx-a: HTTP 409/);
  assert.equal(api.state.bindCount('default', 'bind-me'), 1);
  // The refused second binding leaves the pod counted where it really is.
  assert.equal(app.cache.snapshot.nodeOf(uid), 'sgx-b');
  const wrongUid = await post(`${app.server.url}/bind`, {
    PodName: 'after-bind',
    PodNamespace: 'default',
    PodUID: 'not-its-uid',
    Node: 'sgx-a',
  });
  assert.match((wrongUid.json as { Error: string }).Error, /HTTP 409/);
  assert.equal(api.state.bindCount('default', 'after-bind'), 0);
});

test('measured usage: a node whose enclaves use more EPC than requested is full; a stale sample falls back to requests', async () => {
  let now = 100_000;
  let sampleAt = now;
  const cfg = parseProfileConfig({ policy: 'spread', usage: 'measured', measuredMaxAge: 60_000 });
  assert.ok(cfg.ok);
  const metrics = new ExtenderMetrics();
  const measuredApp = await startExtenderApp({
    kc: api.makeKubeConfig(),
    profile: buildProfile(cfg.value as ProfileConfig),
    convert: { epcResource: 'sgx.intel.com/epc' },
    seed: 1,
    log: silentLogger,
    host: '127.0.0.1',
    port: 0,
    urlPrefix: '/',
    maxBodyBytes: MiB,
    bind: false,
    now: () => now,
    metrics,
    usage: {
      // sgx-a runs a pod that requested 64 MiB but whose enclaves use 90 MiB.
      source: {
        name: 'test',
        poll: () =>
          Promise.resolve(
            new Map([['sgx-a', { epcBytes: 90 * MiB, epcAt: sampleAt, memoryBytes: 0, memoryAt: sampleAt }]]),
          ),
      },
      intervalMs: 20,
      maxAgeMs: 60_000,
    },
  });
  try {
    await measuredApp.synced;
    const p = api.state.create('pods', pod('measured-10', 10));
    const ask = async (): Promise<{ NodeNames: string[]; FailedNodes: Record<string, string> }> =>
      (await post(`${measuredApp.server.url}/filter`, { Pod: asArg(p), NodeNames: ['sgx-a'] })).json as {
        NodeNames: string[];
        FailedNodes: Record<string, string>;
      };
    await api.state.waitFor(() => measuredApp.cache.snapshot.node('sgx-a')?.measured !== undefined, {
      what: 'the first usage poll',
    });
    const full = await ask();
    assert.deepEqual(full.NodeNames, []);
    assert.match(full.FailedNodes['sgx-a']!, /EPC/);
    // By requests alone (64 of 93.5 MiB) 10 MiB fits: once the sample is stale, it does.
    now += 120_000;
    sampleAt = 0;
    await new Promise((r) => setTimeout(r, 60));
    assert.deepEqual((await ask()).NodeNames, ['sgx-a']);
    assert.match(await metrics.registry.metrics(), /sgx_extender_usage_stale_nodes \d/);
  } finally {
    await measuredApp.close();
  }
});

test('dropped and expired watches lose nothing: pods bound meanwhile are counted', async () => {
  api.faults.dropWatches('reset');
  api.state.create('pods', pod('during-reset', 50, 'sgx-a'));
  api.faults.expireWatches();
  api.state.create('pods', pod('during-410', 50, 'sgx-b'));
  const uidOf = (name: string): string => api.state.pod('default', name)!.metadata.uid!;
  await api.state.waitFor(
    () =>
      app.cache.snapshot.nodeOf(uidOf('during-reset')) === 'sgx-a' &&
      app.cache.snapshot.nodeOf(uidOf('during-410')) === 'sgx-b',
    { what: 'the cache to recover both pods after the watch faults', timeoutMs: 15_000 },
  );
  const p = api.state.create('pods', pod('after-faults', 30));
  const r = await post(`${app.server.url}/filter`, { Pod: asArg(p), NodeNames: ['sgx-a', 'sgx-b'] });
  assert.deepEqual((r.json as { NodeNames: string[] }).NodeNames, []);
});
