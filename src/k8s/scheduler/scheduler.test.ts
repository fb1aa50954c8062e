import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeApiServer, k8sNode, k8sPod } from '../../testing/fake-apiserver/index.js';
import type { FakeApiServer } from '../../testing/fake-apiserver/index.js';
import {
  assertBoundOnce,
  placements,
  profileOf,
  testScheduler,
} from '../../testing/fake-apiserver/scheduler-harness.js';

async function withApi(fn: (api: FakeApiServer) => Promise<void>): Promise<void> {
  const api = await startFakeApiServer();
  try {
    await fn(api);
  } finally {
    await api.close();
  }
}

const boundCount = (api: FakeApiServer) => api.state.bindings.length;

test('places every pod once where binpack says, and reports Scheduled events', () =>
  withApi(async (api) => {
    api.state.create('nodes', k8sNode('sgx-a', { epc: '93.5Mi' }));
    api.state.create('nodes', k8sNode('sgx-b', { epc: '93.5Mi' }));
    api.state.create('nodes', k8sNode('std-1'));
    for (const n of ['e1', 'e2', 'e3']) api.state.create('pods', k8sPod(n, { epc: '40Mi' }));
    api.state.create('pods', k8sPod('web', { cpu: '500m' }));
    api.state.create('pods', k8sPod('other', { scheduler: 'default-scheduler' }));
    const s = testScheduler(api);
    await s.start();
    await api.state.waitFor(() => boundCount(api) === 4, { what: 'four bindings' });
    const byNode = placements(api);
    assert.equal(byNode.get('sgx-a')?.length, 2, 'binpack fills sgx-a first (2 x 40 MiB < 93.5 MiB)');
    assert.equal(byNode.get('sgx-b')?.length, 1);
    assert.deepEqual(byNode.get('std-1'), ['web'], 'a standard pod stays off SGX nodes');
    assert.equal(
      api.state.pod('default', 'other')?.['spec'] &&
        (api.state.pod('default', 'other')!['spec'] as { nodeName?: string }).nodeName,
      undefined,
    );
    await api.state.waitFor(() => api.state.events().filter((e) => e.reason === 'Scheduled').length === 4, {
      what: 'Scheduled events',
    });
    const ev = api.state.events().find((e) => e.regarding.name === 'web')!;
    assert.equal(ev.api, 'events.k8s.io/v1');
    assert.equal(ev.reportingController, 'sgx-scheduler');
    assert.equal(ev.action, 'Binding');
    assert.equal(ev.note, 'Successfully assigned default/web to std-1');
    assert.match(ev.eventTime, /\.\d{6}Z$/);
    // New pods are placed as they come.
    api.state.create('pods', k8sPod('e4', { epc: '40Mi' }));
    await api.state.waitFor(() => boundCount(api) === 5);
    assert.equal(api.state.bindings.at(-1)!.node, 'sgx-b');
    await s.stop();
    assertBoundOnce(api);
    const metrics = await s.metrics.registry.getSingleMetricAsString('sgx_scheduler_schedule_attempts_total');
    assert.match(metrics, /result="scheduled"} 5/);
  }));

test('an unschedulable pod gets PodScheduled=False with grouped reasons and FailedScheduling events, then is placed when a node fits', () =>
  withApi(async (api) => {
    api.state.create('nodes', k8sNode('sgx-a', { epc: '64Mi' }));
    api.state.create('nodes', k8sNode('std-1'));
    api.state.create('nodes', k8sNode('std-2'));
    api.state.create('pods', k8sPod('big', { epc: '80Mi' }));
    const s = testScheduler(api);
    await s.start();
    const condition = () =>
      (
        (
          api.state.pod('default', 'big')?.['status'] as {
            conditions?: { type: string; status: string; reason?: string; message?: string }[];
          }
        ).conditions ?? []
      ).find((c) => c.type === 'PodScheduled');
    await api.state.waitFor(() => condition() !== undefined, { what: 'the PodScheduled condition' });
    const c = condition()!;
    assert.equal(c.status, 'False');
    assert.equal(c.reason, 'Unschedulable');
    assert.match(c.message!, /^0\/3 nodes are available: /);
    assert.match(c.message!, /1 node: insufficient EPC \(requested 80 MiB, free 64 MiB/);
    assert.match(c.message!, /2 nodes: no SGX/);
    await api.state.waitFor(() => api.state.events().some((e) => e.reason === 'FailedScheduling'));
    const failed = api.state.events().find((e) => e.reason === 'FailedScheduling')!;
    assert.equal(failed.type, 'Warning');
    assert.equal(failed.note, c.message);
    // Retries back off and, once the condition is seen, do not rewrite it unchanged.
    const patches = () =>
      api.state
        .requests()
        .filter((r) => r.verb === 'patch' && r.resource === 'pods/status')
        .reduce((n, r) => n + r.count, 0);
    await new Promise((ok) => setTimeout(ok, 200));
    const before = patches();
    await new Promise((ok) => setTimeout(ok, 600));
    assert.equal(patches(), before);
    assert.equal(
      api.state.events().filter((e) => e.reason === 'FailedScheduling').length,
      1,
      'an unchanged reason is not repeated at every retry',
    );
    api.state.create('nodes', k8sNode('sgx-z', { epc: '128Mi' }));
    await api.state.waitFor(() => boundCount(api) === 1, {
      timeoutMs: 5000,
      what: 'the pod to fit on the new node',
    });
    assert.equal(api.state.bindings[0]!.node, 'sgx-z');
    await s.stop();
  }));

test('nothing is lost or bound twice when watches drop, expire and bindings meet a 409 storm', () =>
  withApi(async (api) => {
    for (let i = 0; i < 4; i++)
      api.state.create('nodes', k8sNode(`sgx-${i}`, { epc: '93.5Mi', pods: '1000' }));
    const s = testScheduler(api, { profile: profileOf({ policy: 'spread', usage: 'requests' }) });
    await s.start();
    api.faults.conflictBinds(5);
    const total = 60;
    for (let i = 0; i < total; i++) {
      api.state.create('pods', k8sPod(`p${i}`, { epc: '1Mi' }));
      if (i % 15 === 5) api.faults.dropWatches('reset');
      if (i % 15 === 10) api.faults.expireWatches();
      if (i % 20 === 0) await new Promise((ok) => setTimeout(ok, 20));
    }
    await api.state.waitFor(() => boundCount(api) === total, {
      timeoutMs: 15_000,
      what: `${total} bindings`,
    });
    assertBoundOnce(api);
    const refused = api.state.requests().find((r) => r.resource === 'pods/binding' && r.status === 409);
    assert.equal(refused?.count, 5);
    // Spread keeps the nodes even.
    for (const [, pods] of placements(api)) assert.equal(pods.length, total / 4);
    await s.stop();
  }));

test('pods being deleted or gated are skipped; removing the gate schedules the pod', () =>
  withApi(async (api) => {
    api.state.create('nodes', k8sNode('sgx-a', { epc: '93.5Mi' }));
    api.state.create('pods', k8sPod('gated', { epc: '1Mi', gates: ['wait-for-quota'] }));
    const held = k8sPod('leaving', { epc: '1Mi' });
    (held['metadata'] as { finalizers?: string[] }).finalizers = ['example.com/hold'];
    api.state.create('pods', held);
    api.state.delete('pods', 'leaving');
    const s = testScheduler(api);
    await s.start();
    await new Promise((ok) => setTimeout(ok, 300));
    assert.equal(boundCount(api), 0);
    assert.equal(s.pendingDepth.gated, 1);
    const pod = api.state.pod('default', 'gated')!;
    api.state.update('pods', { ...pod, spec: { ...(pod['spec'] as object), schedulingGates: [] } });
    await api.state.waitFor(() => boundCount(api) === 1, { what: 'the ungated pod to be bound' });
    assert.equal(api.state.bindings[0]!.name, 'gated');
    await s.stop();
  }));

test('two replicas: only the leader binds; a graceful stop hands over at once; a stolen lease stops binding', () =>
  withApi(async (api) => {
    api.state.create('nodes', k8sNode('sgx-a', { epc: '93.5Mi', pods: '1000' }));
    const le = {
      namespace: 'default',
      name: 'sgx-scheduler',
      leaseDurationMs: 2000,
      renewDeadlineMs: 1500,
      retryPeriodMs: 200,
    };
    const a = testScheduler(api, { identity: 'a', leaderElection: le });
    const b = testScheduler(api, { identity: 'b', leaderElection: le });
    await a.start();
    await api.state.waitFor(() => a.isLeader, { what: 'a to lead' });
    await b.start();
    for (let i = 0; i < 10; i++) api.state.create('pods', k8sPod(`x${i}`, { epc: '1Mi' }));
    await api.state.waitFor(() => boundCount(api) === 10);
    assert.equal(b.isLeader, false);
    const byB = api.state.requests().length; // b made no binding: all 10 are a's (one per pod)
    assert.ok(byB > 0);
    await a.stop(); // releases the lease
    const t0 = Date.now();
    await api.state.waitFor(() => b.isLeader, { timeoutMs: 3000, what: 'b to take over' });
    assert.ok(Date.now() - t0 < 1500, 'a released lease is taken over within a retry period or so');
    api.state.create('pods', k8sPod('y', { epc: '1Mi' }));
    await api.state.waitFor(() => boundCount(api) === 11);

    // Someone else takes the lease (e.g. after a network partition): b stops binding at once.
    const lease = api.state.get('leases', 'sgx-scheduler', 'default')!;
    const spec = lease['spec'] as Record<string, unknown>;
    const now = new Date().toISOString().replace('Z', '000Z');
    api.state.update(
      'leases',
      {
        ...lease,
        spec: {
          ...spec,
          holderIdentity: 'intruder',
          renewTime: now,
          acquireTime: now,
          leaseDurationSeconds: 2,
        },
      },
      { namespace: 'default' },
    );
    await api.state.waitFor(() => !b.isLeader, { timeoutMs: 2000, what: 'b to notice' });
    api.state.create('pods', k8sPod('z', { epc: '1Mi' }));
    await new Promise((ok) => setTimeout(ok, 500));
    assert.equal(boundCount(api), 11, 'no binding while another holds the lease');
    // The intruder never renews: after the lease duration b takes over again and places z.
    await api.state.waitFor(() => boundCount(api) === 12, { timeoutMs: 6000, what: 'b to lead again' });
    await b.stop();
    assertBoundOnce(api);
  }));

test('measured EPC usage steers placement; a stale measurement falls back to requests, with a log line and a metric', () =>
  withApi(async (api) => {
    api.state.create('nodes', k8sNode('sgx-a', { epc: '93.5Mi' }));
    api.state.create('nodes', k8sNode('sgx-b', { epc: '93.5Mi' }));
    let sampleAt = Date.now();
    // sgx-a runs an enclave that uses 90 MiB although nothing requests it.
    const source = {
      name: 'test',
      poll: () =>
        Promise.resolve(
          new Map([
            ['sgx-a', { epcBytes: 90 * 1024 * 1024, epcAt: sampleAt, memoryBytes: 0, memoryAt: sampleAt }],
          ]),
        ),
    };
    const s = testScheduler(api, {
      profile: profileOf({ policy: 'binpack', usage: 'measured', measuredMaxAge: 2000 }),
      usage: { source, intervalMs: 100, maxAgeMs: 2000 },
    });
    await s.start();
    await new Promise((ok) => setTimeout(ok, 150));
    api.state.create('pods', k8sPod('m1', { epc: '8Mi' }));
    await api.state.waitFor(() => boundCount(api) === 1);
    assert.equal(
      api.state.bindings[0]!.node,
      'sgx-b',
      'binpack skips sgx-a: measured 90 MiB + 8 MiB > 93.5 MiB',
    );

    // The sample stops moving: once older than the bound, sgx-a counts by requests again.
    sampleAt = Date.now() - 10_000;
    await new Promise((ok) => setTimeout(ok, 250));
    api.state.create('pods', k8sPod('m2', { epc: '8Mi' }));
    await api.state.waitFor(() => boundCount(api) === 2);
    assert.equal(api.state.bindings[1]!.node, 'sgx-a');
    assert.ok(s.log.lines.some((l) => l.msg.startsWith('measured usage missing or stale')));
    // sgx-b never had a sample (missing) and sgx-a's is stale: both count by requests.
    assert.match(
      await s.metrics.registry.getSingleMetricAsString('sgx_scheduler_measured_usage_stale_nodes'),
      / 2$/m,
    );
    await s.stop();
  }));
