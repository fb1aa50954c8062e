/**
 * The node agent's per-cycle cost and the device plugin's Allocate latency.
 *
 * 1. One sample cycle (read every pod cgroup's misc.current, reconcile misc.max, publish the
 *    metrics) on a temporary host tree of 110 pods (the kubelet's default pod limit) and 1,000 pods
 *    (systemd layout, all in the burstable class), after the first cycle has written the limits.
 *    The cycle runs every 7 s; the target is under 50 ms at 110 pods, i.e. < 1% of one core.
 * 2. Rendering /metrics for those pods.
 * 3. Allocate round trips through the real gRPC stack over a unix socket (fake kubelet -> plugin),
 *    one container per call as the kubelet does: p50 and p99; target p99 < 10 ms.
 *
 * Run: npm run bench -- node-agent
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryLogger } from '../src/k8s/client/log.js';
import { DevicePluginRunner, SharedDeviceService, sgxResources } from '../src/k8s/device-plugin/index.js';
import {
  discoverSgx,
  HostFs,
  NodeAgentMetrics,
  Sampler,
  selectBackends,
  type NodePod,
} from '../src/node-agent/index.js';
import { FakeKubelet } from '../src/testing/fake-kubelet/index.js';

const MIB = 1024 * 1024;

function uid(i: number): string {
  const hex = i.toString(16).padStart(12, '0');
  return `0000abcd-1111-4222-8333-${hex}`;
}

async function hostTree(dir: string, pods: number): Promise<void> {
  const cg = join(dir, 'sys/fs/cgroup');
  await mkdir(join(dir, 'proc'), { recursive: true });
  await writeFile(join(dir, 'proc/cpuinfo'), 'flags\t\t: fpu sgx sgx_lc\n');
  await mkdir(join(dir, 'dev'), { recursive: true });
  await writeFile(join(dir, 'dev/sgx_enclave'), '');
  await mkdir(join(dir, 'sys/devices/system/node/node0/x86'), { recursive: true });
  await writeFile(join(dir, 'sys/devices/system/node/node0/x86/sgx_total_bytes'), `${64 * 1024 * MIB}\n`);
  await mkdir(cg, { recursive: true });
  await writeFile(join(cg, 'cgroup.controllers'), 'cpu memory misc\n');
  await writeFile(join(cg, 'misc.capacity'), `sgx_epc ${64 * 1024 * MIB}\n`);
  const burstable = join(cg, 'kubepods.slice/kubepods-burstable.slice');
  for (let i = 0; i < pods; i++) {
    const p = join(burstable, `kubepods-burstable-pod${uid(i).replaceAll('-', '_')}.slice`);
    await mkdir(p, { recursive: true });
    await writeFile(join(p, 'misc.current'), `sgx_epc ${(i % 64) * MIB}\n`);
    await writeFile(join(p, 'misc.max'), 'sgx_epc max\n');
  }
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

async function benchSampling(pods: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-host-'));
  try {
    await hostTree(dir, pods);
    const host = new HostFs(dir);
    const discovery = await discoverSgx(host);
    const metrics = new NodeAgentMetrics('bench-node', { defaultMetrics: false });
    const { usage, enforcer } = selectBackends(host, discovery, { enforce: true });
    const known: NodePod[] = Array.from({ length: pods }, (_, i) => ({
      uid: uid(i),
      namespace: 'bench',
      name: `pod-${i}`,
      phase: 'Running',
      epcLimitBytes: 64 * MIB,
      containers: [],
    }));
    const sampler = new Sampler({
      usage,
      enforcer,
      pods: () => known,
      metrics,
      log: () => undefined,
      unrequested: 'zero',
    });
    await sampler.sampleOnce(); // writes every limit
    const times: number[] = [];
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < 30; i++) {
      const t = performance.now();
      await sampler.sampleOnce();
      times.push(performance.now() - t);
    }
    const cpu = process.cpuUsage(cpu0);
    const cpuMsPerCycle = (cpu.user + cpu.system) / 1000 / 30;
    times.sort((a, b) => a - b);
    const renders: number[] = [];
    let size = 0;
    for (let i = 0; i < 30; i++) {
      const t = performance.now();
      size = (await metrics.registry.metrics()).length;
      renders.push(performance.now() - t);
    }
    renders.sort((a, b) => a - b);
    console.log(
      `sample cycle, ${String(pods).padStart(5)} pods: p50 ${quantile(times, 0.5).toFixed(2)} ms, p90 ${quantile(times, 0.9).toFixed(2)} ms, CPU ${cpuMsPerCycle.toFixed(2)} ms/cycle` +
        ` | /metrics render: p50 ${quantile(renders, 0.5).toFixed(2)} ms (${(size / 1024).toFixed(0)} KiB)`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function benchAllocate(calls: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-dp-'));
  const kubelet = await FakeKubelet.start(dir);
  const [resource] = sgxResources({
    enclaveResource: 'sgx.intel.com/enclave',
    provisionResource: undefined,
    slots: 110,
    enclaveDevice: '/dev/sgx_enclave',
    provisionDevice: undefined,
  });
  const runner = new DevicePluginRunner({
    service: new SharedDeviceService(resource!),
    pluginDir: dir,
    health: () => Promise.resolve(true),
    log: memoryLogger(),
    timing: { checkIntervalMs: 50 },
  });
  try {
    await runner.start();
    const plugin = await kubelet.waitForRegistration('sgx.intel.com/enclave');
    for (let i = 0; i < 50; i++) await plugin.allocate([[`sgx-enclave-${i % 110}`]]);
    const times: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) {
      const t = performance.now();
      await plugin.allocate([[`sgx-enclave-${i % 110}`]]);
      times.push(performance.now() - t);
    }
    const total = performance.now() - t0;
    times.sort((a, b) => a - b);
    console.log(
      `Allocate over a unix socket, ${calls} calls: p50 ${quantile(times, 0.5).toFixed(3)} ms, p99 ${quantile(times, 0.99).toFixed(3)} ms, ${((calls / total) * 1000).toFixed(0)} calls/s`,
    );
  } finally {
    await runner.stop();
    await kubelet.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

console.log(
  `load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} on ${availableParallelism()} cores`,
);
await benchSampling(110);
await benchSampling(1000);
await benchAllocate(2000);
