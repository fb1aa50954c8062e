import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { NodeAgentMetrics } from './agent-metrics.js';
import { createMetricsServer } from './http-server.js';

describe('metrics HTTP server', () => {
  it('serves /metrics in the Prometheus text format and /healthz', async () => {
    const metrics = new NodeAgentMetrics('n1');
    metrics.devicePluginRegistration('sgx.intel.com/enclave', true);
    metrics.devicePluginAllocation('sgx.intel.com/enclave', 2, true);
    let healthy = true;
    const server = createMetricsServer({
      registry: metrics.registry,
      health: () => (healthy ? undefined : 'sampling stalled'),
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const res = await fetch(`${base}/metrics`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
      const body = await res.text();
      assert.ok(body.includes('# TYPE sgx_device_plugin_registrations_total counter'));
      assert.ok(body.includes('sgx_device_plugin_registered{resource="sgx.intel.com/enclave",node="n1"} 1'));
      assert.ok(
        body.includes(
          'sgx_device_plugin_allocations_total{resource="sgx.intel.com/enclave",result="success",node="n1"} 2',
        ),
      );
      assert.ok(body.includes('process_cpu_seconds_total'));
      assert.equal((await fetch(`${base}/healthz`)).status, 200);
      healthy = false;
      const sick = await fetch(`${base}/healthz`);
      assert.equal(sick.status, 503);
      assert.match(await sick.text(), /sampling stalled/);
      assert.equal((await fetch(`${base}/nope`)).status, 404);
    } finally {
      server.close();
    }
  });
});
