/**
 * Properties of every policy over random clusters and random histories (pods bound and freed,
 * usage measured and going stale, nodes cordoned, added and removed):
 * - the indexed `schedule` returns exactly what the plain scan `scheduleByScan` returns (this is
 *   what proves the incremental indexes), including the grouped reasons when nothing fits;
 * - a chosen node always passes the filters;
 * - scores stay within 0..100;
 * - same seed, same decision.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  buildProfile,
  ClusterSnapshot,
  createRng,
  explain,
  filterCandidates,
  filterNode,
  parseProfileConfig,
  POLICY_NAMES,
  SCORED_POLICIES,
  schedule,
  scheduleByScan,
  scoreCandidates,
} from '../index.js';
import type { NodeSpec, PodView, PolicyName, Profile } from '../index.js';
import { makeNode, makePod } from '../../testing/builders.js';

const MI = 1024 * 1024;

const nodeArb = (name: string): fc.Arbitrary<NodeSpec> =>
  fc
    .record({
      sgx: fc.boolean(),
      epcMi: fc.constantFrom(8, 16, 64, 93.5),
      memGi: fc.constantFrom(1, 2, 4),
      cpu: fc.constantFrom(1000, 2000, 4000),
      cordoned: fc.integer({ min: 0, max: 9 }),
      tainted: fc.integer({ min: 0, max: 9 }),
      zone: fc.constantFrom('a', 'b'),
    })
    .map((n) => {
      const b = makeNode(name).memory(`${n.memGi}Gi`).cpu(n.cpu).label('zone', n.zone);
      if (n.sgx) b.sgx(n.epcMi * MI);
      if (n.cordoned === 0) b.unschedulable();
      if (n.tainted === 0) b.taint('dedicated', 'NoSchedule', 'x');
      if (n.tainted === 1) b.taint('soft', 'PreferNoSchedule');
      return b.build();
    });

interface PodShape {
  sgx: boolean;
  epcMi: number;
  memMi: number;
  cpu: number;
  selector: number;
  tolerates: boolean;
}

const podShapeArb: fc.Arbitrary<PodShape> = fc.record({
  sgx: fc.boolean(),
  epcMi: fc.constantFrom(1, 4, 8, 16, 32),
  memMi: fc.constantFrom(0, 128, 256, 512, 1024),
  cpu: fc.constantFrom(0, 100, 500, 1000),
  selector: fc.integer({ min: 0, max: 7 }),
  tolerates: fc.boolean(),
});

function podOf(shape: PodShape, uid: string): PodView {
  const b = makePod(uid)
    .memory(shape.memMi * MI)
    .cpu(shape.cpu);
  if (shape.sgx) b.epc(shape.epcMi * MI);
  if (shape.selector === 0) b.nodeSelector('zone', 'a');
  if (shape.tolerates) b.tolerate({ key: 'dedicated', operator: 'Exists' });
  return b.build();
}

type Step =
  | { kind: 'schedule'; pod: PodShape; seed: number }
  | { kind: 'forget'; which: number }
  | { kind: 'measure'; node: number; epcMi: number; memMi: number; memAgo: number }
  | { kind: 'clear-measure'; node: number }
  | { kind: 'tick'; by: number }
  | { kind: 'cordon'; node: number; flag: boolean }
  | { kind: 'add-node'; spec: NodeSpec }
  | { kind: 'remove-node'; node: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({ kind: fc.constant('schedule' as const), pod: podShapeArb, seed: fc.nat() }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('forget' as const), which: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('measure' as const),
      node: fc.nat(),
      epcMi: fc.constantFrom(0, 8, 16, 48, 90),
      memMi: fc.constantFrom(0, 512, 2048),
      // Memory and EPC samples of different ages expire at different times.
      memAgo: fc.integer({ min: 0, max: 6 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('clear-measure' as const), node: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('tick' as const), by: fc.integer({ min: -3, max: 8 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('cordon' as const), node: fc.nat(), flag: fc.boolean() }),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 100, max: 999 })
      .chain((i) => nodeArb(`n${i}`))
      .map((spec) => ({ kind: 'add-node' as const, spec })),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove-node' as const), node: fc.nat() }) },
);

const clusterArb: fc.Arbitrary<NodeSpec[]> = fc
  .uniqueArray(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 40 })
  .chain((ids) => fc.tuple(...ids.map((i) => nodeArb(`node-${String(i).padStart(2, '0')}`))));

const profileArb = (policy: PolicyName): fc.Arbitrary<Profile> =>
  fc
    .record({
      usage: fc.constantFrom('measured', 'requests'),
      tolerance: fc.constantFrom(1, 0.8),
      maxAge: fc.constantFrom(undefined, 5),
      keep: fc.boolean(),
      resources: fc.constantFrom(
        [{ resource: 'epc', weight: 1 }],
        [
          { resource: 'cpu', weight: 1 },
          { resource: 'memory', weight: 2 },
          { resource: 'epc', weight: 3 },
        ],
        undefined,
      ),
      // kube-scheduler's sampled search, with the 100-node floor lowered so that small clusters
      // sample too (scored policies only).
      sampling: fc.constantFrom(
        undefined,
        { percentage: 0, minNodes: 3 },
        { percentage: 30, minNodes: 2 },
        { percentage: 1, minNodes: 1 },
        { percentage: 100, minNodes: 1 },
      ),
    })
    .map((p) => {
      const input: Record<string, unknown> = {
        policy,
        usage: policy === 'sgx-unaware' ? 'requests' : p.usage,
        tolerance: p.tolerance,
        keepStandardPodsOffSgx: p.keep,
      };
      if (p.maxAge !== undefined) input['measuredMaxAge'] = p.maxAge;
      if (p.resources !== undefined) input['resources'] = p.resources;
      if (policy === 'requested-to-capacity-ratio') {
        input['shape'] = [
          { utilization: 0, score: 10 },
          { utilization: 50, score: 3 },
          { utilization: 100, score: 0 },
        ];
      }
      const sampling = SCORED_POLICIES.includes(policy) ? p.sampling : undefined;
      if (sampling !== undefined) input['percentageOfNodesToScore'] = sampling.percentage;
      const parsed = parseProfileConfig(input);
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
      const built = buildProfile(parsed.value);
      return sampling === undefined ? built : { ...built, sampling };
    });

function runHistory(profile: Profile, nodes: NodeSpec[], steps: Step[]): void {
  const snapshot = new ClusterSnapshot(nodes);
  const placedUids: string[] = [];
  let now = 0;
  let podCounter = 0;
  const cursor = { next: 0 };
  const nodeAt = (i: number): string | undefined => {
    const all = snapshot.nodes();
    return all.length === 0 ? undefined : all[i % all.length]!.name;
  };
  for (const step of steps) {
    switch (step.kind) {
      case 'schedule': {
        const pod = podOf(step.pod, `pod-${podCounter++}`);
        const cursors = [0, 1, 2].map(() => ({ next: cursor.next }));
        const indexed = schedule(snapshot, pod, profile, {
          rng: createRng(step.seed),
          now,
          cursor: cursors[0]!,
        });
        const scanned = scheduleByScan(snapshot, pod, profile, {
          rng: createRng(step.seed),
          now,
          cursor: cursors[1]!,
        });
        assert.deepEqual(
          indexed,
          scanned,
          `indexed and scanned decisions differ for ${JSON.stringify(step.pod)}`,
        );
        assert.equal(cursors[0]!.next, cursors[1]!.next, 'both searches stop at the same node');
        const again = schedule(snapshot, pod, profile, {
          rng: createRng(step.seed),
          now,
          cursor: cursors[2]!,
        });
        assert.deepEqual(again, indexed, 'same seed, same decision');
        if (profile.sampling === undefined)
          assert.equal(cursors[0]!.next, cursor.next, 'no sampling, no move');
        cursor.next = cursors[0]!.next;
        const ctx = { rng: createRng(step.seed), now };
        if (indexed.node !== undefined) {
          assert.equal(filterNode(snapshot.node(indexed.node)!, pod, profile, ctx).code, 'Success');
          snapshot.assume(pod, indexed.node);
          placedUids.push(pod.uid);
        } else {
          assert.ok(indexed.error === undefined, indexed.error);
          for (const v of explain(snapshot, pod, profile, ctx)) assert.notEqual(v.status.code, 'Success');
        }
        if (podCounter % 5 === 0) {
          // The extender's filter verb agrees with the filter plugins node by node.
          const all = snapshot.nodes();
          const byCandidates = filterCandidates(
            snapshot,
            pod,
            profile,
            ctx,
            all.map((n) => n.name).reverse(),
          );
          const statuses = new Map(byCandidates.failed.map((f) => [f.node, f.status]));
          for (const n of all) {
            const s = filterNode(n, pod, profile, ctx);
            if (s.code === 'Success') assert.ok(byCandidates.feasible.includes(n.name));
            else assert.deepEqual(statuses.get(n.name), s);
          }
          for (const v of explain(snapshot, pod, profile, ctx)) {
            if (v.score !== undefined) assert.ok(Number.isInteger(v.score) && v.score >= 0 && v.score <= 100);
          }
          const names = snapshot.nodes().map((n) => n.name);
          for (const s of scoreCandidates(snapshot, pod, profile, ctx, names)) {
            assert.ok(Number.isInteger(s.score) && s.score >= 0 && s.score <= 100, `score ${s.score}`);
          }
        }
        break;
      }
      case 'forget': {
        if (placedUids.length === 0) break;
        const [uid] = placedUids.splice(step.which % placedUids.length, 1);
        snapshot.forget(uid!);
        break;
      }
      case 'measure': {
        const name = nodeAt(step.node);
        if (name !== undefined) {
          snapshot.setMeasured(name, {
            epcBytes: step.epcMi * MI,
            epcAt: now,
            memoryBytes: step.memMi * MI,
            memoryAt: now - step.memAgo,
          });
        }
        break;
      }
      case 'clear-measure': {
        const name = nodeAt(step.node);
        if (name !== undefined) snapshot.setMeasured(name, undefined);
        break;
      }
      case 'tick':
        now += step.by;
        break;
      case 'cordon': {
        const name = nodeAt(step.node);
        if (name !== undefined) {
          const spec = snapshot.node(name)!;
          snapshot.upsertNode({ ...spec, unschedulable: step.flag });
        }
        break;
      }
      case 'add-node':
        snapshot.upsertNode(step.spec);
        break;
      case 'remove-node': {
        const name = nodeAt(step.node);
        if (name !== undefined) snapshot.removeNode(name);
        break;
      }
    }
  }
}

for (const policy of POLICY_NAMES) {
  test(`${policy}: the indexed decision equals the scan, placements pass the filters, scores stay in 0..100`, () => {
    fc.assert(
      fc.property(
        profileArb(policy),
        clusterArb,
        fc.array(stepArb, { minLength: 1, maxLength: 60 }),
        (p, nodes, steps) => runHistory(p, nodes, steps),
      ),
      { numRuns: 200 },
    );
  });
}
