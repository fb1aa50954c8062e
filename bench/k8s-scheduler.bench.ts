/**
 * End-to-end scheduling throughput of `sgx-orchestrator scheduler`: the real CLI process against the
 * fake API server over HTTP on loopback, as kube-scheduler's SchedulingBasic 5000Nodes_10000Pods
 * benchmark (CI floor 270 pods/s) measures kube-scheduler against an in-process API server.
 *
 * Cluster: 5,000 nodes (a quarter SGX with 93.5 MiB EPC; 32 cores, 128 GiB), 1,000 pods already
 * bound. Then 10,000 pods are created as fast as the API server takes them (30% SGX pods asking for
 * 8 MiB EPC, the rest standard), and the scheduler places them: watch event -> core decision ->
 * pods/binding -> Scheduled event. Throughput is pods bound per second from the first creation to
 * the last binding; latency is per pod from its creation to its binding (both on the API server's
 * clock). Target: >= 1,000 pods/s.
 *
 * Run: npm run bench -- k8s-scheduler      (SCHED_BENCH_PODS / SCHED_BENCH_NODES to resize)
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { cpus, loadavg } from 'node:os';
import { startFakeApiServer, k8sNode, k8sPod } from '../src/testing/fake-apiserver/index.js';
import { repoPath } from '../src/testing/paths.js';

const NODES = Number(process.env['SCHED_BENCH_NODES'] ?? 5000);
const PODS = Number(process.env['SCHED_BENCH_PODS'] ?? 10_000);
const INIT_PODS = 1000;
const POLICY = process.env['SCHED_BENCH_POLICY'] ?? 'spread';

function nodeName(i: number): string {
  return `node-${String(i).padStart(5, '0')}`;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

async function main(): Promise<void> {
  const api = await startFakeApiServer({ historySize: 4 * (PODS + INIT_PODS) });
  const t0 = performance.now();
  for (let i = 0; i < NODES; i++) {
    const sgx = i % 4 === 0;
    api.state.create(
      'nodes',
      k8sNode(nodeName(i), { cpu: '32', memory: '128Gi', pods: '110', ...(sgx ? { epc: '93.5Mi' } : {}) }),
    );
  }
  for (let i = 0; i < INIT_PODS; i++) {
    api.state.create(
      'pods',
      k8sPod(`init-${i}`, { cpu: '500m', memory: '1Gi', nodeName: nodeName((i * 7) % NODES) }),
    );
  }
  console.log(
    `cluster: ${NODES} nodes (${Math.ceil(NODES / 4)} SGX), ${INIT_PODS} bound pods, seeded in ${(performance.now() - t0).toFixed(0)} ms`,
  );

  const child = spawn(
    process.execPath,
    [
      // e.g. SCHED_BENCH_NODE_ARGS=--cpu-prof to profile the scheduler process
      ...(process.env['SCHED_BENCH_NODE_ARGS']?.split(' ').filter((a) => a !== '') ?? []),
      repoPath('bin/sgx-orchestrator.js'),
      'scheduler',
      '--kubeconfig',
      api.kubeconfigPath,
      '--policy',
      POLICY,
      '--lease-namespace',
      'default',
      '--listen',
      '127.0.0.1:0',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (l) => {
    stderr.push(l);
    if (stderr.length > 200) stderr.shift();
  });
  const exited = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
  try {
    const holder = (): string => {
      const lease = api.state.get('leases', 'sgx-scheduler', 'default');
      return String((lease?.['spec'] as { holderIdentity?: string } | undefined)?.holderIdentity ?? '');
    };
    const tStart = performance.now();
    await api.state.waitFor(() => holder() !== '', {
      timeoutMs: 60_000,
      what: 'the scheduler to sync and lead',
    });
    console.log(
      `scheduler ready (caches synced, lease held) after ${(performance.now() - tStart).toFixed(0)} ms`,
    );

    // CPU time of both processes over the run: pods per CPU-second says what the code costs, apart
    // from how busy the machine is (a shared machine gives the processes less than a core each).
    const metricsUrl = await new Promise<string>((ok) => {
      const found = stderr.map((l) => /"url":"([^"]+)"/.exec(l)?.[1]).find((u) => u !== undefined);
      if (found !== undefined) ok(found);
      else ok('');
    });
    const schedulerCpu = async (): Promise<number> => {
      if (metricsUrl === '') return NaN;
      const text = await (await fetch(`${metricsUrl}/metrics`)).text();
      return Number(/^process_cpu_seconds_total (\S+)/m.exec(text)?.[1] ?? NaN);
    };
    const cpuBefore = await schedulerCpu();
    const serverBefore = process.cpuUsage();
    const created = new Map<string, number>();
    const bound = new Map<string, number>();
    const off = api.state.onChange((ev) => {
      if (ev.resource !== '/v1/pods' || ev.type !== 'MODIFIED' || ev.previous === undefined) return;
      const before = (ev.previous['spec'] as { nodeName?: string }).nodeName;
      const after = (ev.object['spec'] as { nodeName?: string }).nodeName;
      if (before === undefined && after !== undefined) bound.set(ev.object.metadata.name, Date.now());
    });
    const first = Date.now();
    // Created in slices so that the API server keeps serving the scheduler meanwhile.
    for (let i = 0; i < PODS; i++) {
      const name = `pod-${i}`;
      const sgx = i % 10 < 3;
      api.state.create(
        'pods',
        k8sPod(name, sgx ? { epc: '8Mi', cpu: '100m', memory: '128Mi' } : { cpu: '100m', memory: '256Mi' }),
      );
      created.set(name, Date.now());
      if (i % 200 === 199) await new Promise((ok) => setImmediate(ok));
    }
    const createdIn = Date.now() - first;
    await api.state.waitFor(() => bound.size >= PODS, { timeoutMs: 600_000, what: `${PODS} bindings` });
    const last = Math.max(...bound.values());
    off();

    const schedulerSeconds = (await schedulerCpu()) - cpuBefore;
    const serverUsage = process.cpuUsage(serverBefore);
    const serverSeconds = (serverUsage.user + serverUsage.system) / 1e6;
    const latencies = [...bound.entries()].map(([name, at]) => at - created.get(name)!).sort((a, b) => a - b);
    const seconds = (last - first) / 1000;
    const perNode = new Set(api.state.bindings.map((b) => b.uid));
    if (perNode.size !== api.state.bindings.length) throw new Error('a pod was bound twice');
    const sgxOnSgx = api.state.bindings.filter((b) => {
      const i = Number(b.name.slice(4));
      return i % 10 < 3 && Number(b.node.slice(5)) % 4 === 0;
    }).length;
    // Events are written in the background, after the bindings: wait for them to drain.
    const eventsAtLastBinding = api.state.events().length;
    let lastCount = -1;
    for (let waited = 0; waited < 120_000 && api.state.events().length !== lastCount; waited += 2000) {
      lastCount = api.state.events().length;
      await new Promise((ok) => setTimeout(ok, 2000));
    }
    const requests = api.state.requests();
    const count = (verb: string, resource: string) =>
      requests.filter((r) => r.verb === verb && r.resource === resource).reduce((n, r) => n + r.count, 0);

    console.log(`pods created through the API server in ${createdIn} ms`);
    console.log(
      `placed ${bound.size} pods in ${seconds.toFixed(2)} s: ${(bound.size / seconds).toFixed(0)} pods/s end to end (target >= 1000; kube-scheduler CI floor 270)`,
    );
    console.log(
      `latency creation -> binding (ms): p50 ${quantile(latencies, 0.5)}  p90 ${quantile(latencies, 0.9)}  p99 ${quantile(latencies, 0.99)}  max ${latencies.at(-1)}`,
    );
    console.log(
      `CPU: scheduler ${schedulerSeconds.toFixed(2)} s (${((schedulerSeconds * 1000) / PODS).toFixed(2)} ms per pod, ` +
        `${(PODS / schedulerSeconds).toFixed(0)} pods per CPU-second); fake API server and load generator ` +
        `${serverSeconds.toFixed(2)} s; load average ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')} on ${cpus().length} cores`,
    );
    console.log(
      `SGX pods on SGX nodes: ${sgxOnSgx} of ${Math.round(PODS * 0.3)}; bindings: ${api.state.bindings.length}, each pod once`,
    );
    console.log(
      `API calls: ${count('create', 'pods/binding')} bindings, ${count('create', 'events')} Scheduled events (${eventsAtLastBinding} of them by the last binding), ${count('patch', 'pods/status')} status patches, ${count('watch', 'pods')} pod watches, ${count('list', 'pods')} pod lists`,
    );
  } finally {
    child.kill('SIGTERM');
    const code = await exited;
    if (code !== 0)
      console.log(`scheduler exited with ${code}; last log lines:\n${stderr.slice(-20).join('\n')}`);
    await api.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
