import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { k8sPod, startFakeApiServer, type FakeApiServer } from '../../testing/fake-apiserver/index.js';
import { memoryLogger } from '../client/index.js';
import { NodePodsWatcher } from './watcher.js';

const MIB = 1024 * 1024;

describe('NodePodsWatcher against the fake API server', () => {
  let api: FakeApiServer;
  let watcher: NodePodsWatcher;
  const log = memoryLogger();
  before(async () => {
    api = await startFakeApiServer();
    api.state.create('pods', k8sPod('enclave', { nodeName: 'sgx-1', epc: '64Mi', phase: 'Running' }));
    api.state.create(
      'pods',
      k8sPod('pages', { nodeName: 'sgx-1', epc: '256', epcResource: 'intel.com/sgx', phase: 'Pending' }),
    );
    api.state.create('pods', k8sPod('elsewhere', { nodeName: 'sgx-2', epc: '8Mi' }));
    api.state.create('pods', k8sPod('done', { nodeName: 'sgx-1', epc: '8Mi', phase: 'Succeeded' }));
    api.state.create('pods', k8sPod('plain', { nodeName: 'sgx-1', cpu: '1' }));
    watcher = new NodePodsWatcher({
      kc: api.makeKubeConfig(),
      nodeName: 'sgx-1',
      enclaveResource: 'sgx.intel.com/enclave',
      log,
    });
    await watcher.start();
  });
  after(async () => {
    await watcher.stop();
    await api.close();
  });

  it('lists the non-terminal pods of its node, with EPC limits in bytes', () => {
    const pods = watcher.pods().sort((a, b) => a.name.localeCompare(b.name));
    assert.deepEqual(
      pods.map((p) => [p.name, p.phase, p.epcLimitBytes]),
      [
        ['enclave', 'Running', 64 * MIB],
        ['pages', 'Pending', 256 * 4096],
        ['plain', 'Pending', 0],
      ],
    );
    assert.ok(pods.every((p) => p.uid !== ''));
    assert.deepEqual(pods[0]?.containers, [{ name: 'main', enclaveSlots: 0, epcLimitBytes: 64 * MIB }]);
  });

  it('follows new pods and deletions through the watch', async () => {
    api.state.create('pods', k8sPod('late', { nodeName: 'sgx-1', epc: '1Mi' }));
    await api.state.waitFor(() => watcher.pods().some((p) => p.name === 'late'), { timeoutMs: 5000 });
    api.state.delete('pods', 'enclave', { namespace: 'default', gracePeriodSeconds: 0 });
    const deadline = Date.now() + 5000;
    while (watcher.pods().some((p) => p.name === 'enclave')) {
      assert.ok(Date.now() < deadline, 'deletion seen');
      await new Promise((r) => setTimeout(r, 20));
    }
  });
});
