/**
 * A thinned Borg hour replayed on the fake API server with strong time compression, placed by the
 * real scheduler, run by the pod lifecycle driver, collected back into results; a crash in the
 * middle resumes without duplicates; cleanup deletes only the run's pods.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DEFAULT_RUN_CONFIG, bundledTaskEvents, executeRun, PAPER_WINDOW } from '../../sim/index.js';
import type { WorkloadSpec } from '../../sim/index.js';
import { renderReport } from '../../report/index.js';
import { validateResults } from '../../report/validate.js';
import { startFakeApiServer, k8sNode, k8sPod } from '../../testing/fake-apiserver/index.js';
import type { FakeApiServer } from '../../testing/fake-apiserver/index.js';
import { assertBoundOnce, testScheduler } from '../../testing/fake-apiserver/scheduler-harness.js';
import { startPodLifecycle } from '../../testing/pod-lifecycle/index.js';
import {
  ANNOTATIONS,
  DEFAULT_SGX_TEMPLATE,
  DEFAULT_STANDARD_TEMPLATE,
  RUN_LABEL,
  RestReplayApi,
  TokenBucket,
  buildPlan,
  cleanupRun,
  collectRun,
  readState,
  replaySession,
  systemClock,
  writeState,
} from './index.js';
import type { ManifestOptions, ReplayPlan, RunDescription } from './index.js';
import { makeTempDir } from '../../testing/temp-dir.js';

const COMPRESSION = 1000; // the paper's hour in 3.6 s
/**
 * Lateness allowed to a create. Never early is exact; lateness depends on the machine: the replayer,
 * the API server, the scheduler and the kubelets share one event loop here, on a 2-core machine that
 * may be running other suites. Measured on the replayer's send stamp; the median is held tighter.
 */
const TOLERANCE_MS = 2500;
const MEDIAN_TOLERANCE_MS = 400;
const WORKLOAD: WorkloadSpec = {
  sources: [bundledTaskEvents()],
  ...PAPER_WINDOW,
  keepOneIn: 200,
  thinBy: 'record',
};

function manifest(runId: string): Omit<ManifestOptions, 'originMs'> {
  return {
    runId,
    namespace: 'default',
    schedulerName: 'sgx-scheduler',
    labels: {},
    epcResource: 'sgx.intel.com/epc',
    enclaveResource: 'sgx.intel.com/enclave',
    sgxImage: 'stress-sgx:test',
    standardImage: 'stress-ng:test',
    sgxTemplate: DEFAULT_SGX_TEMPLATE,
    standardTemplate: DEFAULT_STANDARD_TEMPLATE,
    compression: COMPRESSION,
  };
}

const DESCRIPTION: RunDescription = {
  sources: ['bundled'],
  window: { start: PAPER_WINDOW.from, end: PAPER_WINDOW.to },
  keepOneIn: 200,
  recordsRead: 0,
  recordsKept: 0,
  skipped: {},
  usageModel: 'request',
  sgxShare: 0.5,
  seed: 1,
  attackerFraction: 0,
  schedulerName: 'sgx-scheduler',
  epcResource: 'sgx.intel.com/epc',
};

async function paperCluster(api: FakeApiServer): Promise<void> {
  for (const n of ['sgx-1', 'sgx-2'])
    api.state.create('nodes', k8sNode(n, { epc: '98041856', memory: '64Gi', pods: '500' }));
  for (const n of ['std-1', 'std-2']) api.state.create('nodes', k8sNode(n, { memory: '64Gi', pods: '500' }));
}

/** Server-side arrival time (ms) of every pod, by name, and how many times each was added. */
function watchArrivals(api: FakeApiServer): { at: Map<string, number>; adds: Map<string, number> } {
  const at = new Map<string, number>();
  const adds = new Map<string, number>();
  api.state.onChange((ev) => {
    if (ev.type !== 'ADDED' || ev.object.kind !== 'Pod') return;
    const name = ev.object.metadata.name;
    adds.set(name, (adds.get(name) ?? 0) + 1);
    if (!at.has(name)) at.set(name, Date.now());
  });
  return { at, adds };
}

const plan = (runId: string): Promise<ReplayPlan> =>
  buildPlan({ runId, workload: WORKLOAD, sgxShare: 0.5, seed: 1 });

test('a thinned, compressed Borg hour: every pod created once on time, placed by the scheduler, collected back', async () => {
  const api = await startFakeApiServer();
  const scheduler = testScheduler(api);
  const kubelets = startPodLifecycle(api, { startDelayMs: 30 });
  const client = new RestReplayApi(api.makeKubeConfig());
  try {
    await paperCluster(api);
    await scheduler.start();
    const arrivals = watchArrivals(api);
    const p = await plan('hour');
    assert.ok(p.items.length >= 60 && p.items.length <= 120, `${p.items.length} pods`);
    assert.ok(p.items.some((i) => i.kind === 'sgx') && p.items.some((i) => i.kind === 'standard'));
    const out = await replaySession({
      plan: p,
      manifest: manifest('hour'),
      description: DESCRIPTION,
      api: client,
      clock: systemClock,
      statePath: null,
      rate: { qps: 500, burst: 100 },
      leadSeconds: 0.2,
    });
    assert.equal(out.created, p.items.length);
    assert.equal(out.existed, 0);
    assert.equal(out.state.complete, true);

    // Each pod once, at origin + submit / compression (server-side arrival, small tolerance).
    const names = p.items.map((i) => i.name);
    for (const n of names) assert.equal(arrivals.adds.get(n), 1, `${n} added once`);
    const origin = out.state.originMs;
    const sorted = [...p.items].sort((a, b) => a.submit - b.submit);
    const sent = new Map(
      (await client.listPods('default', `${RUN_LABEL}=hour`)).map((pod) => [
        pod.metadata.name,
        Number(pod.metadata.annotations?.[ANNOTATIONS.createdAt]) - origin,
      ]),
    );
    const lags: number[] = [];
    for (const i of sorted) {
      const due = (i.submit / COMPRESSION) * 1000;
      const at = arrivals.at.get(i.name)! - origin;
      assert.ok(sent.get(i.name)! >= due, `${i.name} sent ${due - sent.get(i.name)!} ms early`);
      assert.ok(at >= due, `${i.name} reached the server ${due - at} ms early`);
      assert.ok(at >= sent.get(i.name)!, 'arrival after sending');
      lags.push(sent.get(i.name)! - due);
    }
    lags.sort((a, b) => a - b);
    assert.ok(lags[lags.length >> 1]! <= MEDIAN_TOLERANCE_MS, `median lateness ${lags[lags.length >> 1]} ms`);
    assert.ok(lags.at(-1)! <= TOLERANCE_MS, `max lateness ${lags.at(-1)} ms`);
    // Order and spacing: the sends follow the trace order, with the trace's gaps compressed.
    for (let k = 1; k < sorted.length; k++) {
      const a = sorted[k - 1]!;
      const b = sorted[k]!;
      const gap = ((b.submit - a.submit) / COMPRESSION) * 1000;
      assert.ok(sent.get(b.name)! >= sent.get(a.name)!, `${a.name} sent before ${b.name}`);
      assert.ok(
        Math.abs(sent.get(b.name)! - sent.get(a.name)! - gap) <= TOLERANCE_MS,
        `gap ${a.name} -> ${b.name}`,
      );
    }

    // The scheduler places them; short pods run to completion.
    await api.state.waitFor(() => api.state.bindings.length === p.items.length, {
      timeoutMs: 15_000,
      what: 'every pod bound',
    });
    assertBoundOnce(api);
    const short = p.items.filter((i) => i.duration / COMPRESSION <= 1);
    assert.ok(short.length >= 5, `${short.length} short pods`);
    await api.state.waitFor(
      () =>
        short.every(
          (i) => (api.state.pod('default', i.name)?.['status'] as { phase?: string })?.phase === 'Succeeded',
        ),
      { timeoutMs: 15_000, what: 'short pods finished' },
    );
    const [pods, events, nodes] = await Promise.all([
      client.listPods('default', `${RUN_LABEL}=hour`),
      client.listPodEvents('default'),
      client.listNodes(),
    ]);
    const collected = collectRun(pods, events, nodes, {
      runId: 'hour',
      policy: 'binpack',
      enforcement: 'none',
      state: out.state,
      collectedAtMs: Date.now(),
      version: 'test',
    });
    const results = validateResults(JSON.parse(JSON.stringify(collected.result)));
    const run = results.runs[0]!.result;
    assert.equal(collected.skipped.length, 0);
    assert.equal(collected.rows.length, p.items.length);
    assert.equal(run.summary.all.pods, p.items.length);
    assert.equal(run.summary.sgx.pods, p.items.filter((i) => i.kind === 'sgx').length);
    assert.equal(run.summary.all.neverPlaced, 0);
    assert.equal(run.summary.placements, p.items.length);
    assert.ok(run.summary.all.finished >= short.length);
    const bySubmit = new Map(p.items.map((i) => [i.recordId, i]));
    const slack = (TOLERANCE_MS / 1000) * COMPRESSION; // in trace seconds
    for (const r of collected.rows) {
      const planned = bySubmit.get(r.jobId)!;
      assert.ok(
        Math.abs(r.submit - planned.submit) <= slack,
        `${r.jobId}: submit ${r.submit} vs ${planned.submit}`,
      );
      assert.ok(r.start !== null && r.start >= r.submit, `${r.jobId} started after it was created`);
      assert.ok(r.node !== null);
      if (r.outcome === 'finished') {
        // Pods run for their duration rounded up to whole wall-clock seconds (stress-ng --timeout).
        const expected = Math.max(1, Math.ceil(planned.duration / COMPRESSION)) * COMPRESSION;
        assert.ok(
          Math.abs(r.end! - r.start - expected) <= slack,
          `${r.jobId}: ran ${r.end! - r.start}, expected ${expected}`,
        );
        assert.ok(r.slowdown !== null && r.slowdown >= 1);
      } else {
        assert.equal(r.outcome, 'failed');
        assert.equal(r.failureReason, 'cut-at-horizon');
      }
      // The SGX pods went to SGX nodes (binpack keeps standard pods off them while others fit).
      if (r.isSgx) assert.match(r.node!, /^sgx-/);
    }
    assert.ok(run.summary.pendingQueue.t.length > 1);
    assert.equal(run.summary.utilisation.nodes.length, 4);
    assert.ok(Math.max(...run.summary.utilisation.groups[0]!.epcMax) > 0, 'EPC in use on SGX nodes');
    // Side by side with the simulation of the same pods.
    const simulated = await executeRun({
      index: 0,
      params: {},
      workload: WORKLOAD,
      sgxShare: 0.5,
      cluster: { name: 'paper' },
      epcMiB: null,
      config: { ...DEFAULT_RUN_CONFIG, runId: 'hour', policy: 'binpack', seed: 1 },
      podsCsv: null,
      version: 'test',
    });
    assert.equal(simulated.summary.all.pods, run.summary.all.pods);
    const html = renderReport(results, {
      compare: { ...results, name: 'simulated', runs: [{ params: {}, index: 0, result: simulated }] },
      labels: ['live', 'simulated'],
    });
    assert.match(html, /<svg/);
    assert.match(html, /live/);
    assert.match(html, /simulated/);
  } finally {
    kubelets.stop();
    await scheduler.stop();
    client.close();
    await api.close();
  }
});

test('a crash in the middle resumes without duplicates (lost state writes are caught by 409)', async () => {
  const api = await startFakeApiServer();
  const client = new RestReplayApi(api.makeKubeConfig());
  const dir = makeTempDir('replay-resume-');
  const statePath = join(dir, 'state.json');
  try {
    const arrivals = watchArrivals(api);
    const p = await plan('crash');
    const half = Math.floor(p.items.length / 2);
    const controller = new AbortController();
    const first = await replaySession({
      plan: p,
      manifest: manifest('crash'),
      description: DESCRIPTION,
      api: client,
      clock: systemClock,
      statePath,
      rate: { qps: 500, burst: 100 },
      leadSeconds: 0.1,
      signal: controller.signal,
      onProgress: (pr) => {
        if (pr.done >= half) controller.abort(new Error('crash'));
      },
    });
    assert.equal(first.aborted, true);
    const saved = readState(statePath)!;
    assert.equal(saved.complete, false);
    assert.ok(
      saved.created.length >= half && saved.created.length < p.items.length,
      `${saved.created.length}`,
    );
    // The process died before its last state writes: forget the last 3 creates.
    writeState(statePath, { ...saved, created: saved.created.slice(0, -3) });

    const second = await replaySession({
      plan: p,
      manifest: manifest('crash'),
      description: DESCRIPTION,
      api: client,
      clock: systemClock,
      statePath,
      rate: { qps: 500, burst: 100 },
    });
    assert.equal(second.aborted, false);
    assert.equal(second.resumed, saved.created.length - 3);
    assert.equal(second.existed, 3);
    assert.equal(second.created, p.items.length - saved.created.length);
    assert.equal(second.state.originMs, saved.originMs, 'the time origin survives the crash');
    const done = readState(statePath)!;
    assert.equal(done.complete, true);
    assert.equal(new Set(done.created).size, p.items.length);
    for (const i of p.items) assert.equal(arrivals.adds.get(i.name), 1, `${i.name} created once`);
    assert.equal(api.state.list('pods').length, p.items.length);

    // Other settings under the same run id are refused, not mixed in.
    await assert.rejects(
      replaySession({
        plan: p,
        manifest: { ...manifest('crash'), compression: 10 },
        description: DESCRIPTION,
        api: client,
        clock: systemClock,
        statePath,
        rate: { qps: 500, burst: 100 },
      }),
      /started with other settings/,
    );
  } finally {
    client.close();
    await api.close();
  }
});

test('cleanup deletes only the pods labelled with the run id', async () => {
  const api = await startFakeApiServer();
  const client = new RestReplayApi(api.makeKubeConfig());
  try {
    const mine = (n: string, run: string): ReturnType<typeof k8sPod> => {
      const pod = k8sPod(n);
      (pod['metadata'] as { labels?: Record<string, string> }).labels = { [RUN_LABEL]: run };
      return pod;
    };
    for (const n of ['a-1', 'a-2', 'a-3']) api.state.create('pods', mine(n, 'a'));
    api.state.create('pods', mine('b-1', 'b'));
    api.state.create('pods', k8sPod('a-unlabelled'));
    const out = await cleanupRun(client, {
      namespace: 'default',
      runId: 'a',
      limiter: new TokenBucket(1000, 10, systemClock),
    });
    assert.deepEqual(out, { found: 3, deleted: 3, gone: 0 });
    assert.deepEqual(
      api.state
        .list('pods')
        .map((p) => p.metadata.name)
        .sort(),
      ['a-unlabelled', 'b-1'],
    );
  } finally {
    client.close();
    await api.close();
  }
});

test('collect reads a pod without the replay annotations as skipped, naming it', () => {
  const out = collectRun(
    [
      {
        metadata: { name: 'stray', labels: { [RUN_LABEL]: 'x' }, annotations: { [ANNOTATIONS.record]: 'r' } },
      },
    ],
    [],
    [],
    { runId: 'x', policy: 'live', enforcement: 'none', collectedAtMs: 0, version: 'test' },
  );
  assert.equal(out.rows.length, 0);
  assert.match(out.skipped[0]!, /^stray: annotations .* are required/);
});
