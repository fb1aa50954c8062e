/**
 * The indexed path against the scan on a cluster big enough for deep trees (160 nodes, trees of
 * depth 8), through a long seeded history with churn, measurements going stale, cordons and
 * taints, for every policy. Complements the fast-check properties, which use small clusters.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterSnapshot, createRng, POLICY_NAMES, schedule, scheduleByScan } from '../index.js';
import type { NodeSpec, PodView } from '../index.js';
import { makeNode, makePod, makeProfile } from '../../testing/builders.js';

const MI = 1024 * 1024;

function cluster(seed: number): NodeSpec[] {
  const rng = createRng(seed);
  const out: NodeSpec[] = [];
  for (let i = 0; i < 160; i++) {
    const b = makeNode(`n-${String(rng.int(100_000)).padStart(5, '0')}-${i}`)
      .cpu(1000 * (1 + rng.int(8)))
      .memory(`${1 + rng.int(8)}Gi`)
      .label('zone', rng.int(2) === 0 ? 'a' : 'b');
    if (rng.int(3) === 0) b.sgx([8, 64, 93.5][rng.int(3)]! * MI);
    if (rng.int(40) === 0) b.unschedulable();
    if (rng.int(30) === 0) b.taint('dedicated', 'NoSchedule', 'x');
    out.push(b.build());
  }
  return out;
}

function pod(rng: ReturnType<typeof createRng>, i: number): PodView {
  const b = makePod(`p${i}`)
    .cpu(100 * rng.int(12))
    .memory(128 * MI * rng.int(12));
  if (rng.int(3) === 0) b.epc((1 + rng.int(40)) * MI);
  if (rng.int(25) === 0) b.nodeSelector('zone', 'b');
  if (rng.int(10) === 0) b.tolerate({ key: 'dedicated', operator: 'Exists' });
  return b.build();
}

for (const policy of POLICY_NAMES) {
  test(`${policy}: 160 nodes, 800 arrivals with churn: indexed decisions equal the scan`, () => {
    const profile = makeProfile(
      policy,
      policy === 'sgx-unaware' ? {} : { tolerance: 0.9, measuredMaxAge: 40 },
    );
    const nodes = cluster(11);
    const snapshot = new ClusterSnapshot(nodes);
    const rng = createRng(5);
    const bound: string[] = [];
    let placed = 0;
    let pending = 0;
    for (let i = 0; i < 800; i++) {
      const p = pod(rng, i);
      const a = schedule(snapshot, p, profile, { rng: createRng(i), now: i });
      const b = scheduleByScan(snapshot, p, profile, { rng: createRng(i), now: i });
      assert.deepEqual(a, b, `step ${i}`);
      if (a.node !== undefined) {
        snapshot.assume(p, a.node);
        bound.push(p.uid);
        placed++;
      } else pending++;
      if (i % 4 === 3 && bound.length > 0) snapshot.forget(bound.splice(rng.int(bound.length), 1)[0]!);
      if (i % 3 === 0) {
        const n = nodes[rng.int(nodes.length)]!;
        snapshot.setMeasured(n.name, {
          epcBytes: rng.int(90) * MI,
          epcAt: i,
          memoryBytes: rng.int(4096) * MI,
          memoryAt: i - rng.int(60),
        });
      }
      if (i % 97 === 0) {
        const n = snapshot.nodes()[rng.int(snapshot.size)]!;
        snapshot.upsertNode({ ...n, unschedulable: !n.unschedulable });
      }
    }
    // The history must exercise both outcomes to mean anything.
    assert.ok(placed > 150 && pending > 25, `placed ${placed}, pending ${pending}`);
  });
}
