import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  prometheusUsage,
  PrometheusQueryError,
  DEFAULT_EPC_QUERY,
  DEFAULT_TIMESTAMP_QUERY,
} from './prometheus.js';

/** A Prometheus HTTP API answering instant queries from a table. */
async function fakePrometheus(
  answers: Record<string, unknown>,
): Promise<{ url: string; queries: string[]; paths: string[]; close(): Promise<void> }> {
  const queries: string[] = [];
  const paths: string[] = [];
  const server = createServer((req, res) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams.get('query') ?? '';
    queries.push(q);
    paths.push(new URL(req.url ?? '/', 'http://x').pathname);
    const answer = answers[q];
    res.writeHead(answer === undefined ? 400 : 200, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify(answer ?? { status: 'error', errorType: 'bad_data', error: `unknown query ${q}` }),
    );
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    queries,
    paths,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}

const vector = (rows: [string, number, string][]) => ({
  status: 'success',
  data: { resultType: 'vector', result: rows.map(([node, t, v]) => ({ metric: { node }, value: [t, v] })) },
});

test('reads per-node EPC usage with the agent sample time', async () => {
  const prom = await fakePrometheus({
    [DEFAULT_EPC_QUERY]: vector([
      ['sgx-1', 1700000010, '33554432'],
      ['sgx-2', 1700000010, '1048576.4'],
    ]),
    [DEFAULT_TIMESTAMP_QUERY]: vector([['sgx-1', 1700000010, '1700000003.5']]),
  });
  try {
    const usage = await prometheusUsage({ url: prom.url }).poll();
    assert.deepEqual(usage.get('sgx-1'), {
      epcBytes: 33554432,
      epcAt: 1700000003500,
      memoryBytes: 0,
      memoryAt: 1700000003500,
    });
    // No sample time from the agent: the evaluation time stands in.
    assert.equal(usage.get('sgx-2')?.epcAt, 1700000010000);
    assert.equal(usage.get('sgx-2')?.epcBytes, 1048576);
    assert.deepEqual(prom.queries.sort(), [DEFAULT_EPC_QUERY, DEFAULT_TIMESTAMP_QUERY].sort());
  } finally {
    await prom.close();
  }
});

test('a Prometheus served under a path prefix is queried under it', async () => {
  const prom = await fakePrometheus({
    [DEFAULT_EPC_QUERY]: vector([['sgx-1', 1700000010, '4096']]),
    [DEFAULT_TIMESTAMP_QUERY]: vector([]),
  });
  try {
    for (const base of [`${prom.url}/prometheus`, `${prom.url}/prometheus/`]) {
      const usage = await prometheusUsage({ url: base }).poll();
      assert.equal(usage.get('sgx-1')?.epcBytes, 4096);
    }
    assert.ok(prom.paths.length > 0);
    for (const p of prom.paths) assert.equal(p, '/prometheus/api/v1/query');
  } finally {
    await prom.close();
  }
});

test('query failures and unreachable servers are errors with the query named', async () => {
  const prom = await fakePrometheus({});
  try {
    await assert.rejects(
      prometheusUsage({ url: prom.url }).poll(),
      (e: unknown) => e instanceof PrometheusQueryError && /unknown query/.test(e.message),
    );
  } finally {
    await prom.close();
  }
  await assert.rejects(
    prometheusUsage({ url: 'http://127.0.0.1:1', timeoutMs: 500 }).poll(),
    /cannot reach Prometheus/,
  );
});

test('a slow Prometheus costs at most the timeout: the poll rejects, it never hangs', async () => {
  const server = createServer(() => {
    // never answers
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const t0 = Date.now();
    await assert.rejects(prometheusUsage({ url, timeoutMs: 300 }).poll(), /cannot reach Prometheus/);
    assert.ok(Date.now() - t0 < 5000, 'bounded by the timeout');
  } finally {
    server.closeAllConnections();
    await new Promise((ok) => server.close(ok));
  }
});

test('nodes with memory but no EPC series count EPC as 0 measured (requests rule there)', async () => {
  const memoryQuery = 'mem';
  const prom = await fakePrometheus({
    [DEFAULT_EPC_QUERY]: vector([['sgx-1', 1700000010, '1048576']]),
    [DEFAULT_TIMESTAMP_QUERY]: vector([['sgx-1', 1700000010, '1700000009']]),
    [memoryQuery]: vector([
      ['sgx-1', 1700000010, '2048'],
      ['std-1', 1700000010, '4096'],
    ]),
  });
  try {
    const usage = await prometheusUsage({ url: prom.url, memoryQuery }).poll();
    assert.deepEqual(usage.get('sgx-1'), {
      epcBytes: 1048576,
      epcAt: 1700000009000,
      memoryBytes: 2048,
      memoryAt: 1700000010000,
    });
    assert.deepEqual(usage.get('std-1'), {
      epcBytes: 0,
      epcAt: 1700000010000,
      memoryBytes: 4096,
      memoryAt: 1700000010000,
    });
  } finally {
    await prom.close();
  }
});
