import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ClusterSnapshot } from '../index.js';
import { makeNode, makePod, measured } from '../../testing/builders.js';

const MI = 1024 * 1024;

test('nodes are listed by name and counted', () => {
  const s = new ClusterSnapshot([makeNode('b').build(), makeNode('a').build(), makeNode('B').build()]);
  assert.equal(s.size, 3);
  // Code-point order: upper case before lower case, the same on every platform and locale.
  assert.deepEqual(
    s.nodes().map((n) => n.name),
    ['B', 'a', 'b'],
  );
  assert.equal(s.node('zzz'), undefined);
});

test('an assumed pod counts on its node at once, and forgetting it frees the room', () => {
  const s = new ClusterSnapshot([makeNode('sgx-a').sgx('93.5Mi').build()]);
  s.assume(makePod('p').epc('32Mi').memory('1Gi').build(), 'sgx-a');
  assert.equal(s.node('sgx-a')!.requested.epcBytes, 32 * MI);
  assert.equal(s.node('sgx-a')!.pods.length, 1);
  assert.equal(s.nodeOf('p'), 'sgx-a');
  assert.equal(s.podCount, 1);
  assert.equal(s.forget('p'), 'sgx-a');
  assert.equal(s.forget('p'), undefined, 'forget is idempotent');
  assert.deepEqual(s.node('sgx-a')!.requested, { cpuMillis: 0, memoryBytes: 0, epcBytes: 0 });
  assert.equal(s.nodeOf('p'), undefined);
});

test('assume is idempotent on the same node and moves a pod bound elsewhere', () => {
  const s = new ClusterSnapshot([makeNode('a').build(), makeNode('b').build()]);
  const pod = makePod('p').memory('1Gi').build();
  s.assume(pod, 'a');
  s.assume(pod, 'a');
  assert.equal(s.node('a')!.requested.memoryBytes, 1024 * MI);
  s.assume(pod, 'b');
  assert.equal(s.node('a')!.requested.memoryBytes, 0);
  assert.equal(s.node('b')!.requested.memoryBytes, 1024 * MI);
  assert.equal(s.nodeOf('p'), 'b');
});

test('placing on an unknown node is an error naming it', () => {
  const s = new ClusterSnapshot();
  assert.throws(() => s.assume(makePod('p').build(), 'ghost'), /unknown node ghost/);
  assert.throws(() => s.setMeasured('ghost', undefined), /unknown node ghost/);
});

test('non-zero requests follow kube-scheduler defaults for pods asking for nothing', () => {
  const s = new ClusterSnapshot([makeNode('a').build()]);
  s.assume(makePod('p').epc('1Mi').build(), 'a');
  assert.deepEqual(s.node('a')!.nonZeroRequested, { cpuMillis: 100, memoryBytes: 200 * MI, epcBytes: MI });
});

test('views are immutable pictures: a later change shows in a new view only', () => {
  const s = new ClusterSnapshot([makeNode('a').build()]);
  const before = s.node('a')!;
  s.assume(makePod('p').memory('1Gi').build(), 'a');
  assert.equal(before.pods.length, 0);
  assert.equal(s.node('a')!.pods.length, 1);
  assert.ok(Object.isFrozen(s.node('a')));
});

test('upserting a node keeps its pods and measured usage; removing it forgets its pods', () => {
  const s = new ClusterSnapshot([makeNode('a').build()]);
  s.assume(makePod('p').memory('1Gi').build(), 'a');
  s.setMeasured('a', measured(0, '2Gi', 5));
  s.upsertNode(makeNode('a').memory('64Gi').label('zone', 'x').build());
  const a = s.node('a')!;
  assert.equal(a.allocatable.memoryBytes, 64 * 1024 * MI);
  assert.equal(a.pods.length, 1);
  assert.equal(a.measured?.memoryBytes, 2048 * MI);
  s.setMeasured('a', undefined);
  assert.equal(s.node('a')!.measured, undefined);
  assert.equal(s.removeNode('a'), true);
  assert.equal(s.removeNode('a'), false);
  assert.equal(s.nodeOf('p'), undefined);
  assert.equal(s.podCount, 0);
  assert.equal(s.size, 0);
});

test('assumeNewAt and forgetAt keep the snapshot as assume and forget would (lazy uid index)', () => {
  const names = ['a', 'b', 'c'];
  const op = fc.tuple(
    fc.constantFrom('assume', 'assumeNewAt', 'forget', 'forgetAt', 'lookup', 'removeNode'),
    fc.integer({ min: 0, max: 5 }),
    fc.constantFrom(...names),
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
      const s = new ClusterSnapshot(names.map((n) => makeNode(n).build()));
      const where = new Map<string, string>();
      /** Positions from assumeNewAt, kept while the pod stays where it was put. */
      const posOf = new Map<string, number>();
      const pods = Array.from({ length: 6 }, (_, i) =>
        makePod(`p${i}`)
          .memory(`${i + 1}Mi`)
          .build(),
      );
      for (const [kind, i, node] of ops) {
        const pod = pods[i]!;
        const uid = pod.uid;
        if (kind === 'assume' || kind === 'forget') posOf.delete(uid);
        switch (kind) {
          case 'assume':
            if (s.node(node) === undefined) break;
            s.assume(pod, node);
            where.set(uid, node);
            break;
          case 'assumeNewAt':
            if (where.has(uid) || s.slotOf(node) < 0) break;
            posOf.set(uid, s.assumeNewAt(pod, s.slotOf(node)));
            where.set(uid, node);
            break;
          case 'forgetAt': {
            if (s.slotOf(node) < 0) break;
            // A position from assumeNewAt while the pod stays there; any other position holds
            // another pod or none.
            const pos = posOf.get(uid);
            const here = pos !== undefined && where.get(uid) === node;
            assert.equal(s.forgetAt(pod, s.slotOf(node), pos ?? 99), here);
            if (here) where.delete(uid);
            break;
          }
          case 'forget':
            assert.equal(s.forget(uid), where.get(uid));
            where.delete(uid);
            break;
          case 'lookup':
            assert.equal(s.nodeOf(uid), where.get(uid));
            assert.equal(s.pod(uid)?.uid, where.has(uid) ? uid : undefined);
            break;
          case 'removeNode':
            if (!s.removeNode(node)) break;
            for (const [u, n] of [...where])
              if (n === node) {
                where.delete(u);
                posOf.delete(u);
              }
            break;
        }
        assert.equal(s.podCount, where.size);
        for (const v of s.nodes()) {
          const want = [...where].filter(([, n]) => n === v.name).map(([u]) => u);
          assert.deepEqual(v.pods.map((p) => p.uid).sort(), want.sort());
          const mem = pods.filter((p) => want.includes(p.uid)).reduce((t, p) => t + p.request.memoryBytes, 0);
          assert.equal(v.requested.memoryBytes, mem);
        }
      }
    }),
    { numRuns: 300 },
  );
});

test('a node slot stands for its node until it is removed; samples set by slot show in new views only', () => {
  const s = new ClusterSnapshot([makeNode('a').sgx('93.5Mi').build(), makeNode('b').build()]);
  const slot = s.slotOf('a');
  assert.equal(s.slotOf('zzz'), -1);
  s.setMeasuredAt(slot, 8 * MI, 1000, 2 * MI, 2000);
  const before = s.node('a')!;
  assert.deepEqual(before.measured, { epcBytes: 8 * MI, epcAt: 1000, memoryBytes: 2 * MI, memoryAt: 2000 });
  s.setMeasuredAt(slot, 16 * MI, 3000, 4 * MI, 3000);
  assert.equal(before.measured!.epcBytes, 8 * MI, 'an earlier view keeps its sample');
  assert.ok(Object.isFrozen(before.measured));
  assert.equal(s.node('a')!.measured!.epcBytes, 16 * MI);
  s.setMeasured('a', undefined);
  assert.equal(s.node('a')!.measured, undefined);
  const pod = makePod('p').epc('4Mi').build();
  const pos = s.assumeNewAt(pod, slot);
  assert.equal(s.forgetAt(makePod('p').epc('4Mi').build(), slot, pos), false, 'another object, same uid');
  assert.equal(s.forgetAt(pod, slot, pos), true);
  assert.equal(s.forgetAt(pod, slot, pos), false, 'already gone');
  s.assumeNewAt(pod, slot);
  assert.equal(s.removeNode('a'), true);
  assert.equal(s.slotOf('a'), -1);
  assert.throws(() => s.assumeNewAt(makePod('q').build(), slot), /no node in slot/);
  assert.throws(() => s.setMeasuredAt(slot, 0, 0, 0, 0), /no node in slot/);
});
