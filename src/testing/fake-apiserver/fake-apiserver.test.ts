// The fake API server exercised by the real @kubernetes/client-node 1.4 over real HTTP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  ApiException,
  CoordinationV1Api,
  CoreV1Api,
  EventsV1Api,
  ListWatch,
  PatchStrategy,
  V1MicroTime,
  Watch,
  setHeaderOptions,
  type KubeConfig,
  type V1Pod,
} from '@kubernetes/client-node';
import { type FakeApiServer, startFakeApiServer } from './index.js';

let api: FakeApiServer;
let kc: KubeConfig;
let core: CoreV1Api;

function pod(
  name: string,
  extra: { scheduler?: string; nodeName?: string; labels?: Record<string, string>; gates?: string[] } = {},
) {
  return {
    metadata: { name, namespace: 'default', ...(extra.labels ? { labels: extra.labels } : {}) },
    spec: {
      schedulerName: extra.scheduler ?? 'sgx-scheduler',
      containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '100m' } } }],
      ...(extra.nodeName ? { nodeName: extra.nodeName } : {}),
      ...(extra.gates ? { schedulingGates: extra.gates.map((name) => ({ name })) } : {}),
    },
  };
}

function node(name: string, labels: Record<string, string> = {}) {
  return {
    metadata: { name, labels },
    status: {
      capacity: { cpu: '4', memory: '8Gi', pods: '110' },
      allocatable: { cpu: '4', memory: '8Gi', pods: '110' },
    },
  };
}

async function rejects(p: Promise<unknown>, code: number, message?: RegExp): Promise<void> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ApiException, `expected ApiException, got ${String(err)}`);
    assert.equal(err.code, code, String(err.body));
    if (message) {
      const body: unknown = typeof err.body === 'string' ? JSON.parse(err.body) : err.body;
      assert.match(String((body as { message?: string }).message), message);
    }
    return;
  }
  assert.fail(`expected HTTP ${code}`);
}

before(async () => {
  api = await startFakeApiServer({ historySize: 50 });
  kc = api.makeKubeConfig();
  core = kc.makeApiClient(CoreV1Api);
});
after(async () => {
  await api.close();
});

test('lists and gets nodes and pods with field and label selectors', async () => {
  api.state.create('nodes', node('n1', { sgx: 'true' }));
  api.state.create('nodes', node('n2'));
  await core.createNamespacedPod({ namespace: 'default', body: pod('sel-a', { labels: { app: 'x' } }) });
  await core.createNamespacedPod({
    namespace: 'default',
    body: pod('sel-b', { scheduler: 'default-scheduler', nodeName: 'n2' }),
  });

  const nodes = await core.listNode({ labelSelector: 'sgx=true' });
  assert.deepEqual(
    nodes.items.map((n) => n.metadata?.name),
    ['n1'],
  );
  assert.ok(Number(nodes.metadata?.resourceVersion) > 1000);
  assert.equal((await core.listNode({ labelSelector: '!sgx' })).items.length, 1);
  assert.equal((await core.listNode({ labelSelector: 'sgx in (true,yes)' })).items.length, 1);

  const mine = await core.listPodForAllNamespaces({
    fieldSelector:
      'spec.schedulerName=sgx-scheduler,spec.nodeName=,status.phase!=Succeeded,status.phase!=Failed',
  });
  assert.deepEqual(
    mine.items.map((p) => p.metadata?.name),
    ['sel-a'],
  );
  const bound = await core.listPodForAllNamespaces({ fieldSelector: 'spec.nodeName!=' });
  assert.deepEqual(
    bound.items.map((p) => p.metadata?.name),
    ['sel-b'],
  );
  assert.equal(
    (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=x' })).items.length,
    1,
  );
  await rejects(
    core.listPodForAllNamespaces({ fieldSelector: 'spec.containers=x' }),
    400,
    /field label not supported/,
  );

  const got = await core.readNamespacedPod({ namespace: 'default', name: 'sel-a' });
  assert.equal(got.status?.phase, 'Pending');
  assert.ok(got.metadata?.uid);
  await rejects(core.readNamespacedPod({ namespace: 'default', name: 'nope' }), 404, /pods "nope" not found/);
  await rejects(
    core.createNamespacedPod({ namespace: 'default', body: pod('sel-a') }),
    409,
    /already exists/,
  );
  await rejects(
    core.createNamespacedPod({ namespace: 'missing', body: pod('x') }),
    400,
    /namespace of the provided object does not match/,
  );
  const elsewhere = { ...pod('x'), metadata: { name: 'x', namespace: 'missing' } };
  await rejects(
    core.createNamespacedPod({ namespace: 'missing', body: elsewhere }),
    404,
    /namespaces "missing" not found/,
  );
});

test('watch from a resourceVersion sees later writes and selector transitions', async () => {
  const list = await core.listPodForAllNamespaces({ fieldSelector: 'spec.nodeName=' });
  const seen: string[] = [];
  const watch = new Watch(kc);
  let closed: (err: unknown) => void = () => {};
  const done = new Promise((ok) => (closed = ok));
  const ctl = await watch.watch(
    '/api/v1/pods',
    { resourceVersion: list.metadata?.resourceVersion, fieldSelector: 'spec.nodeName=' },
    (type, obj: V1Pod) => seen.push(`${type} ${obj.metadata?.name}`),
    (err) => closed(err),
  );
  const created = await core.createNamespacedPod({ namespace: 'default', body: pod('w1') });
  await core.createNamespacedPodBinding({
    namespace: 'default',
    name: 'w1',
    body: { metadata: { name: 'w1', uid: created.metadata!.uid! }, target: { kind: 'Node', name: 'n1' } },
  });
  await api.state.waitFor(() => seen.length >= 2, { what: 'two watch events' });
  // Bound, the pod leaves the `spec.nodeName=` selection: a DELETED event, as the API server sends.
  assert.deepEqual(seen, ['ADDED w1', 'DELETED w1']);
  ctl.abort();
  await done;
});

test('a watch from a version older than the history gets 410 and the informer relists', async () => {
  const rv = String(api.state.resourceVersion);
  for (let i = 0; i < 60; i++)
    api.state.create('events', { metadata: { name: `e${i}` }, reason: 'r', involvedObject: { kind: 'Pod' } });
  // Events are a different resource: pod history is untouched, so the pod watch still resumes.
  for (let i = 0; i < 60; i++) await core.createNamespacedPod({ namespace: 'default', body: pod(`h${i}`) });
  const phases: { type: string; code?: number }[] = [];
  let closed: () => void = () => {};
  const done = new Promise<void>((ok) => (closed = ok));
  await new Watch(kc).watch(
    '/api/v1/pods',
    { resourceVersion: rv },
    (type, obj: { code?: number }) =>
      phases.push({ type, ...(obj.code !== undefined ? { code: obj.code } : {}) }),
    () => closed(),
  );
  await done;
  assert.deepEqual(phases, [{ type: 'ERROR', code: 410 }]);

  // ListWatch (client-node's informer) relists after a 410 and ends up with the full state.
  const informer = new ListWatch<V1Pod>(
    '/api/v1/pods',
    new Watch(kc),
    () => core.listPodForAllNamespaces(),
    false,
  );
  const added = new Set<string>();
  informer.on('add', (p) => added.add(p.metadata!.name!));
  await informer.start();
  await api.state.waitFor(() => added.has('h59'));
  const expired = api.faults.expireWatches();
  assert.ok(expired >= 1);
  await core.createNamespacedPod({ namespace: 'default', body: pod('after-expiry') });
  await api.state.waitFor(() => added.has('after-expiry'), {
    what: 'the informer to relist and see the new pod',
  });
  await informer.stop();
  for (let i = 0; i < 60; i++) await core.deleteNamespacedPod({ namespace: 'default', name: `h${i}` });
});

test('pods/binding follows the API server rules', async () => {
  const p = await core.createNamespacedPod({ namespace: 'default', body: pod('b1') });
  const uid = p.metadata!.uid!;
  await rejects(
    core.createNamespacedPodBinding({
      namespace: 'default',
      name: 'b1',
      body: { metadata: { name: 'b1', uid: 'other' }, target: { name: 'n1' } },
    }),
    409,
    /Precondition failed: UID in precondition/,
  );
  await rejects(
    core.createNamespacedPodBinding({
      namespace: 'default',
      name: 'b1',
      body: { metadata: { name: 'zz' }, target: { name: 'n1' } },
    }),
    400,
    /name in URL does not match/,
  );
  await core.createNamespacedPodBinding({
    namespace: 'default',
    name: 'b1',
    body: { metadata: { name: 'b1', uid, annotations: { a: 'b' } }, target: { kind: 'Node', name: 'n1' } },
  });
  const bound = await core.readNamespacedPod({ namespace: 'default', name: 'b1' });
  assert.equal(bound.spec?.nodeName, 'n1');
  assert.equal(bound.metadata?.annotations?.['a'], 'b');
  assert.equal(bound.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status, 'True');
  await rejects(
    core.createNamespacedPodBinding({
      namespace: 'default',
      name: 'b1',
      body: { metadata: { name: 'b1', uid }, target: { name: 'n2' } },
    }),
    409,
    /already assigned to node "n1"/,
  );
  assert.equal(api.state.bindCount('default', 'b1'), 1);

  // Being deleted: a bound pod waits for its kubelet, an unbound one with a finalizer waits too.
  const held = await core.createNamespacedPod({
    namespace: 'default',
    body: { ...pod('b2'), metadata: { name: 'b2', finalizers: ['x/y'] } },
  });
  await core.deleteNamespacedPod({ namespace: 'default', name: 'b2' });
  await rejects(
    core.createNamespacedPodBinding({
      namespace: 'default',
      name: 'b2',
      body: { metadata: { name: 'b2', uid: held.metadata!.uid! }, target: { name: 'n1' } },
    }),
    409,
    /is being deleted/,
  );
  await core.createNamespacedPod({ namespace: 'default', body: pod('b3', { gates: ['wait'] }) });
  const gated = await core.readNamespacedPod({ namespace: 'default', name: 'b3' });
  assert.equal(gated.status?.conditions?.[0]?.reason, 'SchedulingGated');
  await rejects(
    core.createNamespacedPodBinding({
      namespace: 'default',
      name: 'b3',
      body: { metadata: { name: 'b3' }, target: { name: 'n1' } },
    }),
    409,
    /schedulingGates/,
  );

  // The legacy collection endpoint binds too.
  await core.createNamespacedPod({ namespace: 'default', body: pod('b4') });
  await core.createNamespacedBinding({
    namespace: 'default',
    body: { metadata: { name: 'b4' }, target: { name: 'n2' } },
  });
  assert.equal(
    api.state.pod('default', 'b4')?.['spec'] &&
      (api.state.pod('default', 'b4')!['spec'] as { nodeName?: string }).nodeName,
    'n2',
  );

  // A pod update may not move a pod to a node (only a binding may).
  const b5 = await core.createNamespacedPod({ namespace: 'default', body: pod('b5') });
  b5.spec!.nodeName = 'n1';
  await rejects(
    core.replaceNamespacedPod({ namespace: 'default', name: 'b5', body: b5 }),
    422,
    /may not change fields/,
  );
});

test('status patches: strategic merge keeps other conditions, merge patch replaces the list', async () => {
  await core.createNamespacedPod({ namespace: 'default', body: pod('s1') });
  const cond = (type: string, status: string) => ({ type, status, reason: 'R', message: 'm' });
  const smp = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
  await core.patchNamespacedPodStatus(
    { namespace: 'default', name: 's1', body: { status: { conditions: [cond('Ready', 'False')] } } },
    smp,
  );
  await core.patchNamespacedPodStatus(
    { namespace: 'default', name: 's1', body: { status: { conditions: [cond('PodScheduled', 'False')] } } },
    smp,
  );
  let p = await core.readNamespacedPod({ namespace: 'default', name: 's1' });
  assert.deepEqual(p.status?.conditions?.map((c) => c.type).sort(), ['PodScheduled', 'Ready']);
  await core.patchNamespacedPodStatus(
    { namespace: 'default', name: 's1', body: { status: { conditions: [cond('PodScheduled', 'True')] } } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  p = await core.readNamespacedPod({ namespace: 'default', name: 's1' });
  assert.deepEqual(
    p.status?.conditions?.map((c) => `${c.type}=${c.status}`),
    ['PodScheduled=True'],
  );
  // The status subresource does not change the spec or labels.
  await core.patchNamespacedPodStatus(
    {
      namespace: 'default',
      name: 's1',
      body: { metadata: { labels: { x: 'y' } }, spec: { nodeName: 'n9' } },
    },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  p = await core.readNamespacedPod({ namespace: 'default', name: 's1' });
  assert.equal(p.spec?.nodeName, undefined);
  assert.equal(p.metadata?.labels, undefined);
  await rejects(
    core.patchNamespacedPodStatus(
      { namespace: 'default', name: 's1', body: {} },
      setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
    ),
    415,
  );
});

test('node status JSON patch with ~1 escaping, as the node agent sends it', async () => {
  await core.patchNodeStatus({
    name: 'n1',
    body: [
      { op: 'add', path: '/status/capacity/sgx.intel.com~1epc', value: '98566144' },
      { op: 'add', path: '/status/allocatable/sgx.intel.com~1epc', value: '98566144' },
    ],
  });
  const n = await core.readNode({ name: 'n1' });
  assert.equal(n.status?.capacity?.['sgx.intel.com/epc'], '98566144');
  await rejects(
    core.patchNodeStatus({ name: 'n1', body: [{ op: 'test', path: '/status/capacity/cpu', value: '8' }] }),
    422,
    /test failed/,
  );
  await rejects(core.patchNodeStatus({ name: 'n1', body: [{ op: 'remove', path: '/status/nothing' }] }), 422);
});

test('events: events.k8s.io/v1 needs microsecond eventTime; core/v1 events are recorded too', async () => {
  const events = kc.makeApiClient(EventsV1Api);
  const body = (eventTime: Date) => ({
    metadata: { name: 'ev1', namespace: 'default' },
    eventTime: eventTime as V1MicroTime,
    reportingController: 'sgx-scheduler',
    reportingInstance: 'sgx-scheduler-0',
    action: 'Binding',
    reason: 'Scheduled',
    type: 'Normal',
    note: 'Successfully assigned default/b1 to n1',
    regarding: { kind: 'Pod', namespace: 'default', name: 'b1' },
  });
  await rejects(
    events.createNamespacedEvent({ namespace: 'default', body: body(new Date()) }),
    400,
    /RFC3339Micro/,
  );
  await events.createNamespacedEvent({ namespace: 'default', body: body(new V1MicroTime()) });
  await core.createNamespacedEvent({
    namespace: 'default',
    body: {
      metadata: { name: 'ev2' },
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'b1' },
      reason: 'FailedScheduling',
      message: 'no',
      type: 'Warning',
    },
  });
  const recorded = api.state.events().filter((e) => e.regarding.name === 'b1');
  assert.deepEqual(
    recorded.map((e) => `${e.api} ${e.reason}`),
    ['events.k8s.io/v1 Scheduled', 'core/v1 FailedScheduling'],
  );
  assert.equal(recorded[0]!.reportingController, 'sgx-scheduler');
  assert.match(recorded[0]!.eventTime, /\.\d{6}Z$/);
});

test('leases: optimistic concurrency and MicroTime', async () => {
  const leases = kc.makeApiClient(CoordinationV1Api);
  const now = new V1MicroTime();
  const created = await leases.createNamespacedLease({
    namespace: 'default',
    body: {
      metadata: { name: 'lock' },
      spec: { holderIdentity: 'a', leaseDurationSeconds: 15, acquireTime: now, renewTime: now },
    },
  });
  const stale = structuredClone(created);
  created.spec!.renewTime = new V1MicroTime();
  await leases.replaceNamespacedLease({ namespace: 'default', name: 'lock', body: created });
  stale.spec!.holderIdentity = 'b';
  await rejects(
    leases.replaceNamespacedLease({ namespace: 'default', name: 'lock', body: stale }),
    409,
    /the object has been modified/,
  );
  const cur = await leases.readNamespacedLease({ namespace: 'default', name: 'lock' });
  assert.equal(cur.spec?.holderIdentity, 'a');
  cur.spec!.renewTime = new Date() as V1MicroTime;
  await rejects(leases.replaceNamespacedLease({ namespace: 'default', name: 'lock', body: cur }), 400);
});

test('faults: 500s, bind 409 storms, latency and dropped watches', async () => {
  api.faults.failNext(2, { match: { verb: 'list', resource: 'nodes' } });
  await rejects(core.listNode(), 500);
  await rejects(core.listNode(), 500);
  assert.ok((await core.listNode()).items.length >= 2);

  const p = await core.createNamespacedPod({ namespace: 'default', body: pod('f1') });
  api.faults.conflictBinds(1);
  const binding = { metadata: { name: 'f1', uid: p.metadata!.uid! }, target: { name: 'n1' } };
  await rejects(core.createNamespacedPodBinding({ namespace: 'default', name: 'f1', body: binding }), 409);
  assert.equal(api.state.bindCount('default', 'f1'), 0);
  await core.createNamespacedPodBinding({ namespace: 'default', name: 'f1', body: binding });

  api.faults.setLatency(120, { verb: 'get', resource: 'nodes' });
  const t0 = Date.now();
  await core.readNode({ name: 'n1' });
  assert.ok(Date.now() - t0 >= 100);
  api.faults.setLatency(0);

  for (const mode of ['close', 'reset'] as const) {
    let ended = false;
    await new Watch(kc).watch(
      '/api/v1/nodes',
      {},
      () => {},
      () => (ended = true),
    );
    await api.state.waitFor(() => api.state.openWatches() >= 1);
    assert.ok(api.faults.dropWatches(mode) >= 1);
    await api.state.waitFor(() => ended, { what: `the client to see the ${mode}` });
  }
  const stats = api.state.requests();
  assert.ok(stats.some((s) => s.verb === 'create' && s.resource === 'pods/binding' && s.status === 409));
});

test('graceful deletion: an unbound pod goes at once, a bound pod waits for gracePeriodSeconds=0', async () => {
  await core.createNamespacedPod({ namespace: 'default', body: pod('d1') });
  await core.deleteNamespacedPod({ namespace: 'default', name: 'd1' });
  assert.equal(api.state.pod('default', 'd1'), undefined);
  await core.createNamespacedPod({ namespace: 'default', body: pod('d2', { nodeName: 'n1' }) });
  await core.deleteNamespacedPod({ namespace: 'default', name: 'd2' });
  assert.ok(api.state.pod('default', 'd2')?.metadata['deletionTimestamp']);
  await core.deleteNamespacedPod({ namespace: 'default', name: 'd2', gracePeriodSeconds: 0 });
  assert.equal(api.state.pod('default', 'd2'), undefined);
});
