/**
 * The product's PromQL against a real Prometheus, scraping an exporter whose series the test
 * controls: each pod counts once by UID even when it changes label sets within the window, a spike
 * counts for the window and no longer, an idle measured node answers 0, an unmeasured node is absent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MeasuredUsage } from '../../core/index.js';
import { prometheusUsage } from '../../k8s/usage/index.js';
import { prometheusOrSkip, startPrometheus } from '../../testing/prometheus/index.js';

const MIB = 1024 * 1024;

async function until(what: string, probe: () => Promise<boolean>, deadlineMs = 20_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test(
  'queries: per-pod max by UID over the window, idle measured nodes 0, unmeasured nodes absent',
  { timeout: 60_000 },
  async (t) => {
    const binary = prometheusOrSkip((m) => t.skip(m));
    if (binary === undefined) return;
    let body = '';
    const exporter = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
      res.end(body);
    });
    await new Promise<void>((ok) => exporter.listen(0, '127.0.0.1', () => ok()));
    const target = `127.0.0.1:${(exporter.address() as AddressInfo).port}`;
    const prom = await startPrometheus({ binary, jobs: [{ jobName: 'exporter', targets: [target] }] });
    try {
      const source = prometheusUsage({ url: prom.url, epcWindowSeconds: 3, timeoutMs: 2000 });
      let last: ReadonlyMap<string, MeasuredUsage> = new Map();
      const poll = async (): Promise<ReadonlyMap<string, MeasuredUsage>> => (last = await source.poll());
      const epc = (node: string): number | undefined => last.get(node)?.epcBytes;
      const series = (lines: string[]): void => {
        const now = Date.now() / 1000;
        body =
          [
            ...lines,
            `sgx_usage_sample_timestamp_seconds{node="n1"} ${now}`,
            `sgx_node_epc_usage_bytes{node="n2"} 0`,
            `sgx_usage_sample_timestamp_seconds{node="n2"} ${now}`,
            `sgx_epc_usage_measured{node="n3"} 0`,
          ].join('\n') + '\n';
      };

      // u1 is first published by UID alone (the agent's pod list lagging), u2 spikes to 30 MiB.
      const phase1 = [
        `sgx_pod_epc_usage_bytes{node="n1",namespace="",pod="",uid="u1"} ${10 * MIB}`,
        `sgx_pod_epc_usage_bytes{node="n1",namespace="default",pod="b",uid="u2"} ${30 * MIB}`,
      ];
      let current = phase1;
      series(current);
      const timer = setInterval(() => series(current), 200);

      try {
        await until('n1 = 40 MiB', async () => (await poll(), epc('n1') === 40 * MIB));
        assert.equal(epc('n2'), 0, 'a measured node without pods is idle, not unknown');
        assert.equal(last.has('n3'), false, 'a node whose EPC is not measured is absent (requests there)');
        const age = Date.now() - last.get('n1')!.epcAt;
        assert.ok(age >= 0 && age < 5000, `the sample time is the agent's (age ${age} ms)`);

        // u1 now has its name (a new series for the same pod); u2 drops to 5 MiB.
        current = [
          `sgx_pod_epc_usage_bytes{node="n1",namespace="default",pod="a",uid="u1"} ${10 * MIB}`,
          `sgx_pod_epc_usage_bytes{node="n1",namespace="default",pod="b",uid="u2"} ${5 * MIB}`,
        ];
        series(current);
        // Within the window both u1 series and u2's spike are there: u1 must count once.
        await until('both u1 series scraped', async () => {
          const r = await prom.query('count(max_over_time(sgx_pod_epc_usage_bytes{uid="u1"}[3s]))');
          return r[0]?.value[1] === '2';
        });
        await poll();
        assert.equal(epc('n1'), 40 * MIB, 'u1 counted once (10) plus u2 spike (30) while in the window');
        // After the window: 10 + 5.
        await until(
          'n1 = 15 MiB once the spike left the window',
          async () => (await poll(), epc('n1') === 15 * MIB),
        );
      } finally {
        clearInterval(timer);
      }
    } finally {
      await prom.close();
      await new Promise((ok) => exporter.close(ok));
    }
  },
);

test(
  'the Prometheus helper restarts on the same port with the same storage',
  { timeout: 60_000 },
  async (t) => {
    const binary = prometheusOrSkip((m) => t.skip(m));
    if (binary === undefined) return;
    const prom = await startPrometheus({ binary, jobs: [] });
    try {
      assert.deepEqual(await prom.query('vector(1)').then((r) => r[0]?.value[1]), '1');
      await prom.stop();
      assert.equal(prom.running, false);
      await assert.rejects(fetch(`${prom.url}/-/ready`));
      await prom.start();
      assert.equal(prom.running, true);
      assert.deepEqual(await prom.query('vector(2)').then((r) => r[0]?.value[1]), '2');
    } finally {
      await prom.close();
    }
  },
);
