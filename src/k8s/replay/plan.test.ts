import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_RUN_CONFIG, PAPER_WINDOW, bundledTaskEvents, executeRun } from '../../sim/index.js';
import type { WorkloadSpec } from '../../sim/index.js';
import { buildPlan } from './index.js';

const WORKLOAD: WorkloadSpec = {
  sources: [bundledTaskEvents()],
  ...PAPER_WINDOW,
  keepOneIn: 100,
  thinBy: 'record',
};

test('a replay creates the pods the simulator replays: same ids, kinds, requests, usages and arrivals', async () => {
  const plan = await buildPlan({ runId: 'cmp', workload: WORKLOAD, sgxShare: 0.5, seed: 7 });
  const sim = await executeRun({
    index: 0,
    params: {},
    workload: WORKLOAD,
    sgxShare: 0.5,
    cluster: { name: 'paper' },
    epcMiB: null,
    config: { ...DEFAULT_RUN_CONFIG, runId: 'cmp', seed: 7 },
    podsCsv: null,
    version: 'test',
  });
  const rows = new Map(sim.pods!.map((r) => [r.jobId, r]));
  assert.equal(plan.items.length, rows.size);
  assert.ok(plan.items.some((i) => i.kind === 'sgx') && plan.items.some((i) => i.kind === 'standard'));
  for (const i of plan.items) {
    const r = rows.get(i.recordId);
    assert.ok(r !== undefined, `${i.recordId} is in the simulation`);
    assert.equal(i.kind === 'sgx', r.isSgx, i.recordId);
    assert.equal(Math.ceil(i.requestBytes / 4096), r.requestedPages, i.recordId);
    assert.equal(Math.ceil(i.usageBytes / 4096), r.actualPages, i.recordId);
    assert.ok(Math.abs(i.submit - r.submit) < 1e-6, `${i.recordId} submit ${i.submit} vs ${r.submit}`);
    assert.ok(Math.abs(i.duration - r.duration) < 1e-6, i.recordId);
  }
  assert.equal(plan.origin, PAPER_WINDOW.from);
});

test('attackers: one pinned per SGX node or a count left to the scheduler, one page requested', async () => {
  const perNode = await buildPlan({
    runId: 'att',
    workload: WORKLOAD,
    sgxShare: 0.5,
    seed: 1,
    attack: {
      fraction: 0.5,
      targets: { kind: 'per-node', nodes: [{ name: 'sgx-1', epcBytes: 98_041_856 }] },
    },
  });
  const a = perNode.items.filter((i) => i.kind === 'attacker');
  assert.equal(a.length, 1);
  assert.equal(a[0]!.nodeName, 'sgx-1');
  assert.equal(a[0]!.requestBytes, 4096);
  assert.equal(a[0]!.usageBytes, Math.floor((0.5 * 98_041_856) / 4096) * 4096);
  assert.equal(a[0]!.submit, 0);
  assert.equal(a[0]!.duration, perNode.span);
  const counted = await buildPlan({
    runId: 'att',
    workload: WORKLOAD,
    sgxShare: 0.5,
    seed: 1,
    attack: { fraction: 1, targets: { kind: 'count', count: 2, epcBytes: 98_041_856 } },
  });
  const b = counted.items.filter((i) => i.kind === 'attacker');
  assert.deepEqual(
    b.map((i) => [i.name, i.nodeName]),
    [
      ['att-attacker-1', undefined],
      ['att-attacker-2', undefined],
    ],
  );
});
