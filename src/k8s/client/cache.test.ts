import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeApiServer, k8sNode, k8sPod } from '../../testing/fake-apiserver/index.js';
import { ClusterCache } from './cache.js';
import { memoryLogger } from './log.js';
import { podViewOf } from './convert.js';
import type { V1Pod } from '@kubernetes/client-node';

const MiB = 1024 * 1024;
const convert = { epcResource: 'sgx.intel.com/epc' } as const;

test('the cache lists nodes and non-terminal pods and counts bound pods on their nodes', async () => {
  const api = await startFakeApiServer();
  try {
    api.state.create('nodes', k8sNode('sgx-1', { epc: '93.5Mi' }));
    api.state.create('nodes', k8sNode('std-1'));
    api.state.create('pods', k8sPod('a', { epc: '32Mi', nodeName: 'sgx-1' }));
    api.state.create('pods', k8sPod('done', { epc: '32Mi', nodeName: 'sgx-1', phase: 'Succeeded' }));
    api.state.create('pods', k8sPod('pending', { epc: '8Mi' }));
    const log = memoryLogger();
    const seen: string[] = [];
    const cache = new ClusterCache({
      kc: api.makeKubeConfig(),
      convert,
      log,
      initialBackoffMs: 50,
      onPod: (s, _p, e) => seen.push(`${e} ${s.name}`),
    });
    await cache.start();
    assert.equal(cache.synced, true);
    const sgx = () => cache.snapshot.node('sgx-1')!;
    assert.equal(sgx().sgx, true);
    assert.equal(cache.snapshot.node('std-1')!.sgx, false);
    assert.equal(sgx().requested.epcBytes, 32 * MiB, 'terminal pods do not count');
    assert.deepEqual(seen.sort(), ['add a', 'add pending']);

    // Only a binding may move a pod to a node: a patch of spec.nodeName is refused, as by the API server.
    assert.throws(
      () =>
        api.state.patch('pods', 'pending', 'application/merge-patch+json', { spec: { nodeName: 'sgx-1' } }),
      /may not change fields/,
    );
    await cache.stop();
  } finally {
    await api.close();
  }
});

test('bindings, deletions and node changes reach the snapshot, also across dropped and expired watches', async () => {
  const api = await startFakeApiServer();
  try {
    api.state.create('nodes', k8sNode('sgx-1', { epc: '93.5Mi' }));
    const p = api.state.create('pods', k8sPod('p1', { epc: '16Mi' }));
    const cache = new ClusterCache({
      kc: api.makeKubeConfig(),
      convert,
      log: memoryLogger(),
      initialBackoffMs: 50,
    });
    await cache.start();
    const epcOn = (n: string) => cache.snapshot.node(n)?.requested.epcBytes;
    const bind = (name: string, uid: string, node: string) =>
      // Test-side binding through the same registry rules as pods/binding.
      fetch(`${api.url}/api/v1/namespaces/default/pods/${name}/binding`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ metadata: { name, uid }, target: { name: node } }),
      });
    assert.equal((await bind('p1', p.metadata.uid, 'sgx-1')).status, 201);
    await api.state.waitFor(() => epcOn('sgx-1') === 16 * MiB, { what: 'the binding to be counted' });

    // Watches reset under the informer: it restarts from its resourceVersion and misses nothing.
    api.faults.dropWatches('reset');
    const p2 = api.state.create('pods', k8sPod('p2', { epc: '8Mi' }));
    await bind('p2', p2.metadata.uid, 'sgx-1');
    await api.state.waitFor(() => epcOn('sgx-1') === 24 * MiB, {
      what: 'the pod bound while the watch was down',
    });

    // History expired: the informer relists (410) and converges.
    api.faults.expireWatches();
    api.state.delete('pods', 'p1', { gracePeriodSeconds: 0 });
    api.state.create('nodes', k8sNode('sgx-2', { epc: '64Mi' }));
    await api.state.waitFor(() => epcOn('sgx-1') === 8 * MiB && cache.snapshot.node('sgx-2') !== undefined, {
      what: 'relist after 410',
    });

    // Assumed pods count before their binding and go when forgotten.
    const p3 = api.state.create('pods', k8sPod('p3', { epc: '4Mi' }));
    await api.state.waitFor(() => cache.pod('default', 'p3') !== undefined);
    const view = podViewOf(cache.pod('default', 'p3') as V1Pod);
    cache.assume(view, 'sgx-2');
    assert.equal(epcOn('sgx-2'), 4 * MiB);
    cache.forgetAssumed(view.uid);
    assert.equal(epcOn('sgx-2'), 0);
    cache.assume(view, 'sgx-2');
    await bind('p3', p3.metadata.uid, 'sgx-2');
    await api.state.waitFor(() => !cache.isAssumed(view.uid), {
      what: 'the binding to confirm the assumption',
    });
    cache.forgetAssumed(view.uid); // too late: the binding is confirmed, nothing changes
    assert.equal(epcOn('sgx-2'), 4 * MiB);

    // A node deleted and re-added gets its pods back.
    api.state.delete('nodes', 'sgx-2');
    await api.state.waitFor(() => cache.snapshot.node('sgx-2') === undefined);
    api.state.create('nodes', k8sNode('sgx-2', { epc: '64Mi' }));
    await api.state.waitFor(() => epcOn('sgx-2') === 4 * MiB, { what: 'pods of a re-added node' });
    await cache.stop();
  } finally {
    await api.close();
  }
});

test('a failing list or watch restarts the informer with back-off until it syncs', async () => {
  const api = await startFakeApiServer();
  try {
    api.state.create('nodes', k8sNode('sgx-1', { epc: '64Mi' }));
    api.faults.failNext(2, { match: { verb: 'list', resource: 'nodes' } });
    api.faults.failNext(1, { status: 503, match: { verb: 'watch', resource: 'pods' } });
    const log = memoryLogger();
    const cache = new ClusterCache({ kc: api.makeKubeConfig(), convert, log, initialBackoffMs: 20 });
    await cache.start();
    assert.equal(cache.synced, true);
    assert.ok(cache.snapshot.node('sgx-1'));
    await api.state.waitFor(() => cache.informerRestarts >= 3, { what: 'three restarts' });
    assert.ok(log.lines.filter((l) => l.msg === 'informer failed, restarting').length >= 3);
    // After the failed watch the pod informer resumes and sees new pods.
    api.state.create('pods', k8sPod('late', { epc: '1Mi', nodeName: 'sgx-1' }));
    await api.state.waitFor(() => cache.snapshot.node('sgx-1')?.requested.epcBytes === MiB, {
      what: 'the new pod',
    });
    await cache.stop();
  } finally {
    await api.close();
  }
});
