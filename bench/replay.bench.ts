/**
 * Live replay throughput and pacing against the fake API server (real HTTP on loopback, the
 * server in this process): 2,000 pods whose arrivals are spread evenly over 4 s of wall clock
 * (500 creates/s asked), then the same 2,000 all due at once (how fast the replayer can create),
 * and `collect` over the 2,000 pods read back. Prints creates per second, lateness percentiles of
 * the sends against their due times, and the time to list and convert the run.
 *
 * Run: npm run bench -- replay
 */
import { loadavg } from 'node:os';
import {
  DEFAULT_SGX_TEMPLATE,
  DEFAULT_STANDARD_TEMPLATE,
  RUN_LABEL,
  RestReplayApi,
  collectRun,
  replaySession,
  systemClock,
} from '../src/k8s/replay/index.js';
import type { ReplayItem, ReplayPlan, RunDescription } from '../src/k8s/replay/index.js';
import { startFakeApiServer } from '../src/testing/fake-apiserver/index.js';

const PODS = 2000;

function plan(runId: string, spreadSeconds: number): ReplayPlan {
  const items: ReplayItem[] = [];
  for (let i = 0; i < PODS; i++) {
    const sgx = i % 2 === 0;
    items.push({
      name: `${runId}-${i}`,
      recordId: String(i),
      kind: sgx ? 'sgx' : 'standard',
      submit: (i / PODS) * spreadSeconds,
      duration: 60,
      requestBytes: (sgx ? 1000 : 100_000) * 4096,
      usageBytes: (sgx ? 900 : 90_000) * 4096,
      cpuMillis: 0,
    });
  }
  return {
    items,
    provenance: {} as ReplayPlan['provenance'],
    origin: 0,
    span: spreadSeconds + 60,
    sgxShare: 0.5,
  };
}

const DESCRIPTION: RunDescription = {
  sources: [],
  window: null,
  keepOneIn: 1,
  recordsRead: PODS,
  recordsKept: PODS,
  skipped: {},
  usageModel: 'request',
  sgxShare: 0.5,
  seed: 1,
  attackerFraction: 0,
  schedulerName: 'sgx-scheduler',
  epcResource: 'sgx.intel.com/epc',
};

function pct(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

async function once(label: string, runId: string, spreadSeconds: number): Promise<void> {
  const api = await startFakeApiServer({ historySize: 50_000 });
  const client = new RestReplayApi(api.makeKubeConfig());
  try {
    const p = plan(runId, spreadSeconds);
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const out = await replaySession({
      plan: p,
      manifest: {
        runId,
        namespace: 'default',
        schedulerName: 'sgx-scheduler',
        labels: {},
        epcResource: 'sgx.intel.com/epc',
        enclaveResource: 'sgx.intel.com/enclave',
        sgxImage: 'stress-sgx',
        standardImage: 'stress-ng',
        sgxTemplate: DEFAULT_SGX_TEMPLATE,
        standardTemplate: DEFAULT_STANDARD_TEMPLATE,
        compression: 1,
      },
      description: DESCRIPTION,
      api: client,
      clock: systemClock,
      statePath: null,
      rate: { qps: 100_000, burst: 1000 },
      concurrency: 16,
      leadSeconds: 0.2,
    });
    const wall = (performance.now() - t0) / 1000 - 0.2;
    const cpu = process.cpuUsage(cpu0);
    const pods = await client.listPods('default', `${RUN_LABEL}=${runId}`);
    const lags = pods
      .map((pod) => {
        const i = Number(pod.metadata.name.slice(runId.length + 1));
        const due = out.state.originMs + p.items[i]!.submit * 1000;
        return Number(pod.metadata.annotations?.['replay.sgx-orchestrator.io/created-at-ms']) - due;
      })
      .sort((a, b) => a - b);
    console.log(
      `${label}: ${out.created} pods in ${wall.toFixed(2)} s = ${(out.created / wall).toFixed(0)} creates/s ` +
        `(server in-process; CPU ${((cpu.user + cpu.system) / 1000 / out.created).toFixed(2)} ms per pod, both sides); ` +
        `send lateness p50 ${pct(lags, 0.5).toFixed(0)} ms, p99 ${pct(lags, 0.99).toFixed(0)} ms, max ${lags.at(-1)!.toFixed(0)} ms`,
    );
    if (spreadSeconds > 0) {
      const t1 = performance.now();
      const [listed, events, nodes] = await Promise.all([
        client.listPods('default', `${RUN_LABEL}=${runId}`),
        client.listPodEvents('default'),
        client.listNodes(),
      ]);
      const t2 = performance.now();
      const c = collectRun(listed, events, nodes, {
        runId,
        policy: 'live',
        enforcement: 'none',
        state: out.state,
        collectedAtMs: Date.now(),
        version: 'bench',
      });
      const t3 = performance.now();
      console.log(
        `collect: ${c.rows.length} pods listed in ${(t2 - t1).toFixed(0)} ms, converted to results in ${(t3 - t2).toFixed(0)} ms`,
      );
    }
  } finally {
    client.close();
    await api.close();
  }
}

console.log(`load average ${loadavg()[0]!.toFixed(2)}`);
// Flat out first: it also warms up the JIT of both sides for the paced run.
await once(`flat out (${PODS} pods due at once)`, 'burst', 0);
await once(`paced (${PODS} pods over 4 s, 500/s asked)`, 'paced', 4);
