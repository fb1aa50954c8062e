import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeApiServer, k8sPod } from '../fake-apiserver/index.js';
import { durationFromArgs, startPodLifecycle } from './index.js';

test('durations come from stress-ng and paper-style arguments', () => {
  assert.equal(durationFromArgs(['--vm', '1', '--timeout', '30']), 30);
  assert.equal(durationFromArgs(['--timeout=2m']), 120);
  assert.equal(durationFromArgs(['-t', '1h']), 3600);
  assert.equal(durationFromArgs(['-d', '12', '800']), 12);
  assert.equal(durationFromArgs(['--sgx-vm', '1']), null);
});

test('a bound pod runs after the start delay and succeeds after its duration; unbound pods stay pending', async () => {
  const api = await startFakeApiServer();
  const kubelets = startPodLifecycle(api, { startDelayMs: 20, msPerSecond: 100 });
  try {
    const pod = k8sPod('job', { nodeName: 'n1' });
    (pod['spec'] as { containers: { args?: string[] }[] }).containers[0]!.args = ['--timeout', '2'];
    api.state.create('pods', pod);
    api.state.create('pods', k8sPod('waiting'));
    const phase = (name: string): unknown =>
      (api.state.pod('default', name)?.['status'] as { phase?: string } | undefined)?.phase;
    await api.state.waitFor(() => phase('job') === 'Running', { what: 'Running' });
    await api.state.waitFor(() => phase('job') === 'Succeeded', { what: 'Succeeded' });
    const status = api.state.pod('default', 'job')!['status'] as {
      containerStatuses: { state: { terminated: { startedAt: string; finishedAt: string } } }[];
    };
    const t = status.containerStatuses[0]!.state.terminated;
    const ran = Date.parse(t.finishedAt) - Date.parse(t.startedAt);
    assert.ok(ran >= 200 && ran < 1500, `ran ${ran} ms for 2 s at 100 ms per second`);
    assert.equal(phase('waiting'), 'Pending');
    assert.equal(kubelets.started, 1);
    assert.equal(kubelets.finished, 1);
  } finally {
    kubelets.stop();
    await api.close();
  }
});
