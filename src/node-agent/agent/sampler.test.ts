import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { discoverSgx } from '../discovery/discover.js';
import { HostFs } from '../host/host-fs.js';
import { NodeAgentMetrics } from '../metrics/agent-metrics.js';
import { copyFixture, fixture, MIB, POD_A, POD_B, POD_C, POD_D, readHostFile } from '../test-support.js';
import { selectBackends } from './backends.js';
import type { Logger } from './log.js';
import type { NodePod, UnrequestedEpcPolicy } from './node-pod.js';
import { Sampler } from './sampler.js';

const PODS: NodePod[] = [
  {
    uid: POD_A,
    namespace: 'enclaves',
    name: 'kv-store',
    phase: 'Running',
    epcLimitBytes: 64 * MIB,
    containers: [],
  },
  {
    uid: POD_B,
    namespace: 'enclaves',
    name: 'attacker',
    phase: 'Running',
    epcLimitBytes: 32 * MIB,
    containers: [],
  },
  { uid: POD_C, namespace: 'default', name: 'nginx', phase: 'Running', epcLimitBytes: 0, containers: [] },
];

async function makeSampler(
  root: string,
  opts: { enforce?: boolean; unrequested?: UnrequestedEpcPolicy } = {},
) {
  const host = new HostFs(root);
  const discovery = await discoverSgx(host);
  const metrics = new NodeAgentMetrics('sgx-node-1', { defaultMetrics: false });
  metrics.recordDiscovery(discovery);
  const logs: { level: string; message: string; fields: unknown }[] = [];
  const log: Logger = (level, message, fields) => logs.push({ level, message, fields });
  const { usage, enforcer } = selectBackends(host, discovery, { enforce: opts.enforce ?? true });
  let now = 1_700_000_000_000;
  const sampler = new Sampler({
    usage,
    enforcer,
    pods: () => PODS,
    metrics,
    log,
    unrequested: opts.unrequested ?? 'zero',
    now: () => (now += 5),
  });
  return { sampler, metrics, logs, text: () => metrics.registry.metrics() };
}

describe('Sampler on a host with the EPC cgroup', () => {
  it('publishes usage, limits and enforcement per pod, and enforces the limits', async () => {
    const t = await copyFixture('sgx-misc-systemd');
    try {
      const { sampler, text } = await makeSampler(t.root);
      const report = await sampler.sampleOnce();
      assert.equal(report.measured, true);
      assert.equal(report.enforcement, 'enforcing');
      assert.equal(report.unmatchedCgroups, 1);
      assert.equal(report.nodeUsageBytes, 48 * MIB + 4096);
      const out = await text();
      const A = `namespace="enclaves",pod="kv-store",uid="${POD_A}",node="sgx-node-1"`;
      const B = `namespace="enclaves",pod="attacker",uid="${POD_B}",node="sgx-node-1"`;
      assert.ok(out.includes(`sgx_pod_epc_usage_bytes{${A}} ${8 * MIB}`), out);
      assert.ok(out.includes(`sgx_pod_epc_usage_bytes{${B}} ${40 * MIB}`));
      assert.ok(out.includes(`sgx_pod_epc_limit_bytes{${B}} ${32 * MIB}`));
      assert.ok(out.includes(`sgx_pod_epc_limit_enforced{${B}} 1`));
      // a pod cgroup of no known pod is published under its UID
      assert.ok(
        out.includes(`sgx_pod_epc_usage_bytes{namespace="",pod="",uid="${POD_D}",node="sgx-node-1"} 4096`),
      );
      assert.ok(!out.includes(`sgx_pod_epc_limit_bytes{namespace="",pod="",uid="${POD_D}"`));
      // a pod that asks for no EPC and uses none has no series
      assert.ok(!out.includes('pod="nginx"'));
      assert.ok(out.includes('sgx_epc_capacity_bytes{node="sgx-node-1"} 137438953472'));
      assert.ok(out.includes('sgx_epc_usage_measured{node="sgx-node-1"} 1'));
      assert.ok(out.includes('sgx_epc_enforcement_state{state="enforcing",node="sgx-node-1"} 1'));
      assert.ok(out.includes('sgx_epc_enforcement_state{state="unsupported",node="sgx-node-1"} 0'));
      assert.ok(out.includes('sgx_epc_limit_writes_total{result="success",node="sgx-node-1"} 3'));
      assert.ok(out.includes('sgx_unmatched_pod_cgroups{node="sgx-node-1"} 1'));
      assert.ok(out.includes(`sgx_node_epc_usage_bytes{node="sgx-node-1"} ${48 * MIB + 4096}`));
      assert.ok(
        out.includes(
          'sgx_node_info{driver="in-kernel",epc_source="sysfs",launch_control="true",node="sgx-node-1"} 1',
        ),
      );
      // the pod without a request gets limit 0 under the default policy
      const nginxMax = `/sys/fs/cgroup/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${POD_C.replaceAll('-', '_')}.slice/misc.max`;
      assert.equal(await readHostFile(t.root, nginxMax), 'sgx_epc 0\n');
    } finally {
      await t.dispose();
    }
  });

  it('follows usage as it changes, and drops series of pods that left', async () => {
    const t = await copyFixture('sgx-misc-systemd');
    try {
      const { sampler, text } = await makeSampler(t.root, { unrequested: 'unlimited' });
      await sampler.sampleOnce();
      const current = join(
        t.root,
        `/sys/fs/cgroup/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${POD_A.replaceAll('-', '_')}.slice/misc.current`,
      );
      await writeFile(current, `sgx_epc ${60 * MIB}\n`);
      const r = await sampler.sampleOnce();
      assert.equal(r.rows.find((row) => row.uid === POD_A)?.usageBytes, 60 * MIB);
      assert.match(
        await text(),
        new RegExp(`sgx_pod_epc_usage_bytes\\{[^}]*pod="kv-store"[^}]*\\} ${60 * MIB}`),
      );
    } finally {
      await t.dispose();
    }
  });

  it('logs a broken file once, counts it every cycle, and says when it recovers', async () => {
    const t = await copyFixture('malformed');
    try {
      const { sampler, logs, text } = await makeSampler(t.root);
      await sampler.sampleOnce();
      await sampler.sampleOnce();
      const warns = logs.filter((l) => l.level === 'warn');
      assert.equal(warns.length, 4, JSON.stringify(warns));
      const out = await text();
      assert.ok(
        out.includes(
          'sgx_usage_read_errors_total{file="misc.current",reason="malformed",node="sgx-node-1"} 2',
        ),
      );
      assert.ok(out.includes('sgx_epc_enforcement_state{state="degraded",node="sgx-node-1"} 1'));
      const current = `/sys/fs/cgroup/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${POD_A.replaceAll('-', '_')}.slice/misc.current`;
      await writeFile(join(t.root, current), 'sgx_epc 4096\n');
      await sampler.sampleOnce();
      assert.ok(
        logs.some(
          (l) => l.message === 'host file usable again' && JSON.stringify(l.fields).includes(current),
        ),
      );
    } finally {
      await t.dispose();
    }
  });
});

describe('Sampler on an upstream kernel (no sgx_epc)', () => {
  it('reports unmeasured and unsupported, exports limits from the spec, and writes nothing', async () => {
    const { sampler, text } = await makeSampler(fixture('sgx-no-misc-epc'));
    const r = await sampler.sampleOnce();
    assert.equal(r.measured, false);
    assert.equal(r.enforcement, 'unsupported');
    const out = await text();
    assert.ok(out.includes('sgx_epc_usage_measured{node="sgx-node-1"} 0'));
    assert.ok(out.includes('sgx_epc_enforcement_state{state="unsupported",node="sgx-node-1"} 1'));
    assert.ok(!/^sgx_pod_epc_usage_bytes\{/m.test(out));
    assert.ok(!/^sgx_node_epc_usage_bytes\{/m.test(out));
    assert.ok(
      out.includes(
        `sgx_pod_epc_limit_bytes{namespace="enclaves",pod="kv-store",uid="${POD_A}",node="sgx-node-1"} ${64 * MIB}`,
      ),
    );
    assert.ok(
      out.includes(
        `sgx_pod_epc_limit_enforced{namespace="enclaves",pod="kv-store",uid="${POD_A}",node="sgx-node-1"} 0`,
      ),
    );
  });

  it('with enforcement turned off, says disabled', async () => {
    const t = await copyFixture('sgx-misc-cgroupfs');
    try {
      const { sampler } = await makeSampler(t.root, { enforce: false });
      const r = await sampler.sampleOnce();
      assert.equal(r.enforcement, 'disabled');
      assert.equal(r.measured, true);
      assert.equal(
        await readHostFile(t.root, `/sys/fs/cgroup/kubepods/burstable/pod${POD_A}/misc.max`),
        'sgx_epc max\n',
      );
    } finally {
      await t.dispose();
    }
  });
});
