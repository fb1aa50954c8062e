import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startExtenderServer } from './server.js';
import type { ExtenderDecider, RunningExtender } from './server.js';
import type { ExtenderArgs, FilterOutcome } from './wire.js';
import { candidateNames } from './wire.js';

/** Passes nodes whose name starts with "sgx", calls the others unresolvable; scores by name length. */
const stub: ExtenderDecider = {
  filter(args: ExtenderArgs): FilterOutcome {
    const names = candidateNames(args);
    return {
      passed: names.filter((n) => n.startsWith('sgx')),
      failed: new Map(),
      unresolvable: new Map(names.filter((n) => !n.startsWith('sgx')).map((n) => [n, 'no SGX'])),
    };
  },
  prioritize: (args) => candidateNames(args).map((n) => ({ Host: n, Score: Math.min(10, n.length) })),
};

interface Reply {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

function call(
  url: string,
  opts: { method?: string; body?: string | Buffer; headers?: Record<string, string>; ca?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(
      u,
      {
        method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'),
        headers: { 'Content-Type': 'application/json', ...opts.headers },
        ...(opts.ca === undefined ? {} : { ca: opts.ca }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            headers: res.headers,
          }),
        );
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

const pod = { metadata: { name: 'p', namespace: 'default', uid: 'u1' }, spec: { containers: null } };

async function withServer(
  fn: (ext: RunningExtender) => Promise<void>,
  extra: Partial<Parameters<typeof startExtenderServer>[0]> = {},
): Promise<void> {
  const ext = await startExtenderServer({ decider: stub, port: 0, ...extra });
  try {
    await fn(ext);
  } finally {
    await ext.close();
  }
}

test('filter and prioritize answer over real HTTP under the configured prefix', async () => {
  await withServer(
    async (ext) => {
      assert.match(ext.url, /^http:\/\/127\.0\.0\.1:\d+\/sgx$/);
      const f = await call(`${ext.url}/filter`, {
        body: JSON.stringify({ Pod: pod, NodeNames: ['sgx-1', 'std-1'] }),
      });
      assert.equal(f.status, 200);
      assert.equal(f.headers['content-type'], 'application/json');
      assert.deepEqual(JSON.parse(f.body), {
        Nodes: null,
        NodeNames: ['sgx-1'],
        FailedNodes: {},
        FailedAndUnresolvableNodes: { 'std-1': 'no SGX' },
        Error: '',
      });
      const p = await call(`${ext.url}/prioritize`, {
        body: JSON.stringify({ Pod: pod, NodeNames: ['sgx-1', 'n'] }),
      });
      assert.equal(p.status, 200);
      assert.equal(p.body, '[{"Host":"sgx-1","Score":5},{"Host":"n","Score":1}]');
      // The scheduler trims a trailing slash from urlPrefix; other paths are not verbs.
      const other = await call(`${ext.url.replace(/\/sgx$/, '')}/filter`, { body: '{}' });
      assert.equal(other.status, 404);
    },
    { urlPrefix: '/sgx/' },
  );
});

test('malformed requests get HTTP 200 with a clear Error, and the server keeps serving', async () => {
  await withServer(async (ext) => {
    const cases: [string, RegExp][] = [
      ['{"Pod": ', /malformed JSON body/],
      ['', /empty request body/],
      ['[1,2]', /ExtenderArgs: expected a JSON object, got an array/],
      ['{"Pod":{"metadata":{"name":"p"}},"NodeNames":[1]}', /NodeNames\[0\]: expected a non-empty string/],
      ['{"Pod":"x","NodeNames":[]}', /Pod: expected a Pod object/],
    ];
    for (const [body, pattern] of cases) {
      const r = await call(`${ext.url}/filter`, { body });
      assert.equal(r.status, 200, body);
      const parsed = JSON.parse(r.body) as { Error: string; NodeNames: unknown };
      assert.match(parsed.Error, pattern);
      assert.equal(parsed.NodeNames, null);
      const p = await call(`${ext.url}/prioritize`, { body });
      assert.equal(p.status, 200);
      assert.match((JSON.parse(p.body) as { Error: string }).Error, pattern);
    }
    const ok = await call(`${ext.url}/filter`, { body: JSON.stringify({ Pod: pod, NodeNames: ['sgx-a'] }) });
    assert.deepEqual((JSON.parse(ok.body) as { NodeNames: string[] }).NodeNames, ['sgx-a']);
    const metrics = await call(`${ext.url}/metrics`);
    assert.match(metrics.body, /sgx_extender_requests_total\{verb="filter",result="rejected"\} 5/);
    assert.match(metrics.body, /sgx_extender_requests_total\{verb="filter",result="ok"\} 1/);
  });
});

test('a decider that throws becomes an Error answer, not a crash', async () => {
  const broken: ExtenderDecider = {
    filter: () => {
      throw new Error('snapshot exploded');
    },
    prioritize: () => {
      throw new Error('scorer exploded');
    },
  };
  await withServer(
    async (ext) => {
      const f = await call(`${ext.url}/filter`, { body: JSON.stringify({ Pod: pod, NodeNames: ['a'] }) });
      assert.equal(f.status, 200);
      assert.equal((JSON.parse(f.body) as { Error: string }).Error, 'filter failed: snapshot exploded');
      const p = await call(`${ext.url}/prioritize`, { body: JSON.stringify({ Pod: pod, NodeNames: ['a'] }) });
      assert.equal((JSON.parse(p.body) as { Error: string }).Error, 'prioritize failed: scorer exploded');
    },
    { decider: broken },
  );
});

test('oversize bodies are refused with an Error, declared or streamed, without buffering them', async () => {
  await withServer(
    async (ext) => {
      const big = JSON.stringify({ Pod: pod, NodeNames: Array.from({ length: 200 }, (_, i) => `node-${i}`) });
      assert.ok(big.length > 1024);
      const declared = await call(`${ext.url}/filter`, { body: big });
      assert.equal(declared.status, 200);
      assert.match(
        (JSON.parse(declared.body) as { Error: string }).Error,
        /request body too large: \d+ bytes or more, the limit is 1024 bytes/,
      );
      // Chunked, no Content-Length: the limit still holds while streaming.
      const streamed = await call(`${ext.url}/filter`, {
        body: big,
        headers: { 'Transfer-Encoding': 'chunked' },
      });
      assert.match((JSON.parse(streamed.body) as { Error: string }).Error, /request body too large/);
      const small = await call(`${ext.url}/filter`, {
        body: JSON.stringify({ Pod: pod, NodeNames: ['sgx'] }),
      });
      assert.deepEqual((JSON.parse(small.body) as { NodeNames: string[] }).NodeNames, ['sgx']);
    },
    { maxBodyBytes: 1024 },
  );
});

test('bind: refused with an Error unless a binder is configured; the binder gets the parsed args', async () => {
  await withServer(async (ext) => {
    const r = await call(`${ext.url}/bind`, {
      body: '{"PodName":"p","PodNamespace":"ns","PodUID":"u","Node":"n"}',
    });
    assert.equal(r.status, 200);
    assert.match((JSON.parse(r.body) as { Error: string }).Error, /does not bind/);
  });
  const seen: unknown[] = [];
  await withServer(
    async (ext) => {
      const ok = await call(`${ext.url}/bind`, {
        body: '{"PodName":"p","PodNamespace":"ns","PodUID":"u","Node":"n"}',
      });
      assert.equal(ok.body, '{"Error":""}');
      const fail = await call(`${ext.url}/bind`, {
        body: '{"PodName":"q","PodNamespace":"ns","PodUID":"u","Node":"n"}',
      });
      assert.equal(fail.body, '{"Error":"bind failed: pod ns/q is already assigned to node \\"m\\""}');
    },
    {
      binder: {
        bind: async (args) => {
          seen.push(args);
          if (args.podName === 'q') throw new Error('pod ns/q is already assigned to node "m"');
        },
      },
    },
  );
  assert.deepEqual(seen[0], { podName: 'p', podNamespace: 'ns', podUID: 'u', node: 'n' });
});

test('healthz, readyz (with the reason while not ready), metrics, and non-POST verbs', async () => {
  let ready = false;
  await withServer(
    async (ext) => {
      assert.equal((await call(`${ext.url}/healthz`)).status, 200);
      const notReady = await call(`${ext.url}/readyz`);
      assert.equal(notReady.status, 503);
      assert.match(notReady.body, /not ready: node cache not synced/);
      ready = true;
      assert.equal((await call(`${ext.url}/readyz`)).status, 200);
      const m = await call(`${ext.url}/metrics`);
      assert.equal(m.status, 200);
      assert.match(m.body, /# TYPE sgx_extender_request_duration_seconds histogram/);
      const get = await call(`${ext.url}/filter`);
      assert.equal(get.status, 405);
      assert.equal(get.headers['allow'], 'POST');
    },
    { readiness: () => (ready ? { ready: true } : { ready: false, reason: 'node cache not synced' }) },
  );
});

test('TLS: serves HTTPS with the given certificate and key', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sgx-extender-tls-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
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
  } catch {
    t.skip('openssl is not available to make a test certificate');
    return;
  }
  const cert = readFileSync(join(dir, 'tls.crt'), 'utf8');
  await withServer(
    async (ext) => {
      assert.match(ext.url, /^https:\/\//);
      const r = await call(`${ext.url}/filter`, {
        body: JSON.stringify({ Pod: pod, NodeNames: ['sgx-1'] }),
        ca: cert,
      });
      assert.deepEqual((JSON.parse(r.body) as { NodeNames: string[] }).NodeNames, ['sgx-1']);
    },
    { tls: { cert, key: readFileSync(join(dir, 'tls.key')) } },
  );
});

test('a client that disconnects mid-body does not disturb the next calls', async () => {
  await withServer(async (ext) => {
    const u = new URL(`${ext.url}/filter`);
    await new Promise<void>((resolve) => {
      const req = httpRequest(u, { method: 'POST', headers: { 'Content-Length': '1000' } });
      req.on('error', () => resolve());
      req.write('{"Pod": {"metadata"');
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 50);
    });
    const ok = await call(`${ext.url}/filter`, { body: JSON.stringify({ Pod: pod, NodeNames: ['sgx-z'] }) });
    assert.deepEqual((JSON.parse(ok.body) as { NodeNames: string[] }).NodeNames, ['sgx-z']);
    await new Promise((r) => setTimeout(r, 50));
    const m = await call(`${ext.url}/metrics`);
    assert.match(m.body, /sgx_extender_requests_total\{verb="filter",result="rejected"\} 1/);
  });
});
