// The real `sgx-orchestrator scheduler` processes against the fake API server: failover between two
// replicas by SIGKILL without a double binding, metrics and health endpoints, graceful SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { repoPath } from '../../testing/paths.js';
import { startFakeApiServer, k8sNode, k8sPod } from '../../testing/fake-apiserver/index.js';

interface Replica {
  readonly child: ChildProcess;
  readonly lines: Record<string, unknown>[];
  readonly exited: Promise<number | null>;
  url(): Promise<string>;
}

function startReplica(kubeconfig: string, identity: string): Replica {
  const child = spawn(
    process.execPath,
    [
      repoPath('bin/sgx-orchestrator.js'),
      'scheduler',
      '--kubeconfig',
      kubeconfig,
      '--identity',
      identity,
      '--policy',
      'binpack',
      '--lease-namespace',
      'default',
      '--lease-duration',
      '2s',
      '--renew-deadline',
      '1500ms',
      '--retry-period',
      '250ms',
      '--listen',
      '127.0.0.1:0',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const lines: Record<string, unknown>[] = [];
  let urlFound: (u: string) => void = () => {};
  const url = new Promise<string>((ok) => (urlFound = ok));
  createInterface({ input: child.stderr! }).on('line', (line) => {
    try {
      const rec = JSON.parse(line) as Record<string, unknown>;
      lines.push(rec);
      if (rec['msg'] === 'serving metrics and health') urlFound(String(rec['url']));
    } catch {
      lines.push({ msg: line });
    }
  });
  const exited = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
  return { child, lines, exited, url: () => url };
}

test('two scheduler processes: the leader binds, a SIGKILL fails over without a double binding, SIGTERM exits cleanly', async () => {
  const api = await startFakeApiServer();
  const replicas: Replica[] = [];
  try {
    for (let i = 0; i < 3; i++)
      api.state.create('nodes', k8sNode(`sgx-${i}`, { epc: '93.5Mi', pods: '1000' }));
    replicas.push(startReplica(api.kubeconfigPath, 'one'), startReplica(api.kubeconfigPath, 'two'));
    const holder = (): string => {
      const lease = api.state.get('leases', 'sgx-scheduler', 'default');
      return String((lease?.['spec'] as { holderIdentity?: string } | undefined)?.holderIdentity ?? '');
    };
    await api.state.waitFor(() => holder() !== '', { timeoutMs: 15_000, what: 'a leader' });
    for (let i = 0; i < 20; i++) api.state.create('pods', k8sPod(`a${i}`, { epc: '4Mi' }));
    await api.state.waitFor(() => api.state.bindings.length === 20, {
      timeoutMs: 15_000,
      what: '20 bindings',
    });

    const leader = replicas.find((_, i) => holder() === (i === 0 ? 'one' : 'two'))!;
    const follower = replicas.find((r) => r !== leader)!;
    // The follower syncs its caches too (ready), without scheduling.
    const followerUrl = await follower.url();
    let ready = 0;
    for (let i = 0; i < 100 && ready !== 200; i++) {
      ready = (await fetch(`${followerUrl}/readyz`)).status;
      if (ready !== 200) await new Promise((ok) => setTimeout(ok, 100));
    }
    assert.equal(ready, 200);
    assert.match(await (await fetch(`${followerUrl}/metrics`)).text(), /sgx_scheduler_is_leader 0/);
    const metrics = await (await fetch(`${await leader.url()}/metrics`)).text();
    assert.match(metrics, /sgx_scheduler_schedule_attempts_total\{result="scheduled"\} 20/);
    assert.match(metrics, /sgx_scheduler_is_leader 1/);

    leader.child.kill('SIGKILL');
    await leader.exited;
    for (let i = 0; i < 10; i++) api.state.create('pods', k8sPod(`b${i}`, { epc: '4Mi' }));
    // The lease expires (2 s) and the follower takes over.
    await api.state.waitFor(() => api.state.bindings.length === 30, {
      timeoutMs: 15_000,
      what: 'the follower to take over',
    });
    const seen = new Set<string>();
    for (const b of api.state.bindings) {
      assert.ok(!seen.has(b.uid), `pod ${b.name} bound twice`);
      seen.add(b.uid);
    }
    // Binpack by name: sgx-0 first (93.5 MiB holds 23 pods of 4 MiB), then sgx-1.
    assert.equal(api.state.bindings.filter((b) => b.node === 'sgx-0').length, 23);

    follower.child.kill('SIGTERM');
    assert.equal(await follower.exited, 0);
    assert.equal(holder(), '', 'a graceful stop releases the lease');
    assert.ok(follower.lines.some((l) => l['msg'] === 'scheduler stopped'));
  } finally {
    for (const r of replicas) if (r.child.exitCode === null) r.child.kill('SIGKILL');
    await api.close();
  }
});
