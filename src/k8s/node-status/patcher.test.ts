import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { k8sNode, startFakeApiServer, type FakeApiServer } from '../../testing/fake-apiserver/index.js';
import { memoryLogger } from '../client/index.js';
import { NodeStatusReconciler } from './patcher.js';
import { OWNED_LABEL_ANNOTATION, OWNED_RESOURCE_ANNOTATION, type DesiredNodeSgx } from './plan.js';

const GIB = 1024 ** 3;
const LABEL = { key: 'sgx.intel.com/capable', value: 'true' };

describe('NodeStatusReconciler against the fake API server', () => {
  let api: FakeApiServer;
  before(async () => {
    api = await startFakeApiServer();
    api.state.create('nodes', k8sNode('sgx-1'));
  });
  after(async () => {
    await api.close();
  });

  function reconciler(desired: DesiredNodeSgx, patches: boolean[] = [], nodeName = 'sgx-1') {
    return new NodeStatusReconciler({
      kc: api.makeKubeConfig(),
      nodeName,
      desired: () => desired,
      log: memoryLogger(),
      observer: { nodeStatusPatch: (ok) => void patches.push(ok) },
    });
  }

  const statusPatches = () =>
    api.state
      .requests()
      .filter((r) => r.verb === 'patch' && r.resource.includes('nodes/status') && r.status === 200)
      .reduce((s, r) => s + r.count, 0);

  it('patches capacity and allocatable through nodes/status (escaped name) and labels the node', async () => {
    const patches: boolean[] = [];
    const r = await reconciler(
      { resourceName: 'sgx.intel.com/epc', epcBytes: 128 * GIB, capable: true, label: LABEL },
      patches,
    ).reconcileOnce();
    assert.deepEqual(r, { ok: true, patched: true });
    const node = api.state.node('sgx-1')!;
    const status = node['status'] as {
      capacity: Record<string, string>;
      allocatable: Record<string, string>;
    };
    assert.equal(status.capacity['sgx.intel.com/epc'], String(128 * GIB));
    assert.equal(status.allocatable['sgx.intel.com/epc'], String(128 * GIB));
    assert.equal(status.capacity['cpu'], '4', 'other resources untouched');
    const meta = node.metadata as unknown as {
      labels: Record<string, string>;
      annotations: Record<string, string>;
    };
    assert.equal(meta.labels['sgx.intel.com/capable'], 'true');
    assert.equal(meta.labels['kubernetes.io/hostname'], 'sgx-1');
    assert.equal(meta.annotations[OWNED_RESOURCE_ANNOTATION], 'sgx.intel.com/epc');
    assert.deepEqual(patches, [true]);
    assert.ok(statusPatches() >= 1);
  });

  it('a restarted agent with the same view sends no patch', async () => {
    const before = statusPatches();
    const r = await reconciler({
      resourceName: 'sgx.intel.com/epc',
      epcBytes: 128 * GIB,
      capable: true,
      label: LABEL,
    }).reconcileOnce();
    assert.deepEqual(r, { ok: true, patched: false });
    assert.equal(statusPatches(), before);
  });

  it('a restarted agent configured for pages replaces its byte resource', async () => {
    await reconciler({
      resourceName: 'intel.com/sgx',
      epcBytes: 98041856,
      capable: true,
      label: LABEL,
    }).reconcileOnce();
    const status = api.state.node('sgx-1')!['status'] as { capacity: Record<string, string> };
    assert.equal(status.capacity['intel.com/sgx'], '23936');
    assert.equal(status.capacity['sgx.intel.com/epc'], undefined);
  });

  it('restores capacity the node lost (e.g. re-registered by the kubelet)', async () => {
    const node = api.state.node('sgx-1')!;
    const status = node['status'] as {
      capacity: Record<string, string>;
      allocatable: Record<string, string>;
    };
    delete status.capacity['intel.com/sgx'];
    delete status.allocatable['intel.com/sgx'];
    api.state.update('nodes', node, { status: true });
    const r = await reconciler({
      resourceName: 'intel.com/sgx',
      epcBytes: 98041856,
      capable: true,
      label: LABEL,
    }).reconcileOnce();
    assert.deepEqual(r, { ok: true, patched: true });
    assert.equal(
      (api.state.node('sgx-1')!['status'] as { capacity: Record<string, string> }).capacity['intel.com/sgx'],
      '23936',
    );
  });

  const labelsOf = (name: string): Record<string, string> =>
    api.state.node(name)!.metadata['labels'] as Record<string, string>;
  const notCapable: DesiredNodeSgx = {
    resourceName: 'sgx.intel.com/epc',
    epcBytes: 0,
    capable: false,
    label: LABEL,
  };

  it('a label set by hand survives discovery finding no SGX (the DaemonSet selects on it)', async () => {
    api.state.create('nodes', k8sNode('by-hand', { labels: { 'sgx.intel.com/capable': 'true' } }));
    // Capable first: the agent finds the label in place and must not take it over.
    await reconciler({ ...notCapable, capable: true, epcBytes: GIB }, [], 'by-hand').reconcileOnce();
    const annotations = api.state.node('by-hand')!.metadata['annotations'] as Record<string, string>;
    assert.equal(annotations[OWNED_LABEL_ANNOTATION], undefined);
    await reconciler(notCapable, [], 'by-hand').reconcileOnce();
    assert.equal(labelsOf('by-hand')['sgx.intel.com/capable'], 'true');
    assert.equal(
      (api.state.node('by-hand')!['status'] as { capacity: Record<string, string> }).capacity[
        'sgx.intel.com/epc'
      ],
      undefined,
      'the EPC it advertised is withdrawn',
    );
  });

  it('a label the agent set is removed when the node stops being capable', async () => {
    api.state.create('nodes', k8sNode('by-agent'));
    await reconciler({ ...notCapable, capable: true, epcBytes: GIB }, [], 'by-agent').reconcileOnce();
    assert.equal(labelsOf('by-agent')['sgx.intel.com/capable'], 'true');
    const annotations = api.state.node('by-agent')!.metadata['annotations'] as Record<string, string>;
    assert.equal(annotations[OWNED_LABEL_ANNOTATION], 'sgx.intel.com/capable=true');
    const r = await reconciler(notCapable, [], 'by-agent').reconcileOnce();
    assert.deepEqual(r, { ok: true, patched: true });
    assert.equal(labelsOf('by-agent')['sgx.intel.com/capable'], undefined);
    assert.equal(
      (api.state.node('by-agent')!.metadata['annotations'] as Record<string, string> | undefined)?.[
        OWNED_LABEL_ANNOTATION
      ],
      undefined,
    );
  });

  it('an API error is counted and reported, not thrown', async () => {
    const patches: boolean[] = [];
    const r = await new NodeStatusReconciler({
      kc: api.makeKubeConfig(),
      nodeName: 'no-such-node',
      desired: () => ({ resourceName: 'sgx.intel.com/epc', epcBytes: GIB, capable: true, label: LABEL }),
      log: memoryLogger(),
      observer: { nodeStatusPatch: (ok) => void patches.push(ok) },
    }).reconcileOnce();
    assert.deepEqual(r, { ok: false, patched: false });
    assert.deepEqual(patches, [false]);
  });
});
