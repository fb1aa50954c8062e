import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  explain,
  filterCandidates,
  formatReason,
  formatUnschedulable,
  schedule,
  scoreCandidates,
} from '../index.js';
import type { Profile } from '../index.js';
import { makeCluster, makeContext, makeNode, makePod, makeProfile } from '../../testing/builders.js';

const sgx = (name: string): ReturnType<typeof makeNode> => makeNode(name).sgx('93.5Mi');

test('filterCandidates keeps the given order and says which failures are resolvable', () => {
  const snapshot = makeCluster(sgx('sgx-a'), sgx('sgx-b'), makeNode('std-a'));
  snapshot.assume(makePod('big').epc('90Mi').build(), 'sgx-a');
  const r = filterCandidates(
    snapshot,
    makePod('p').epc('8Mi').build(),
    makeProfile('binpack'),
    makeContext(),
    ['std-a', 'sgx-b', 'sgx-a', 'ghost'],
  );
  assert.deepEqual(r.feasible, ['sgx-b']);
  assert.deepEqual(
    r.failed.map((f) => [f.node, f.status.code]),
    [
      ['std-a', 'UnschedulableAndUnresolvable'],
      ['sgx-a', 'Unschedulable'],
      ['ghost', 'Unschedulable'],
    ],
  );
});

test('scoreCandidates gives the node binpack would choose the top score, others less, infeasible 0', () => {
  const snapshot = makeCluster(sgx('sgx-a'), sgx('sgx-b'), sgx('sgx-c'), makeNode('std-a'));
  const scores = scoreCandidates(
    snapshot,
    makePod('p').epc('8Mi').build(),
    makeProfile('binpack'),
    makeContext(),
    ['sgx-c', 'std-a', 'sgx-b'],
  );
  assert.deepEqual(scores, [
    { node: 'sgx-c', score: 50 },
    { node: 'std-a', score: 0 },
    { node: 'sgx-b', score: 100 },
  ]);
});

test('scoreCandidates keeps standard pods off SGX candidates while a standard one fits', () => {
  const snapshot = makeCluster(sgx('sgx-a'), makeNode('std-a'), makeNode('std-b'));
  snapshot.assume(makePod('x').memory('1Gi').build(), 'std-a');
  const scores = scoreCandidates(
    snapshot,
    makePod('p').memory('1Gi').build(),
    makeProfile('spread'),
    makeContext(),
    ['sgx-a', 'std-a', 'std-b'],
  );
  assert.deepEqual(
    scores.map((s) => s.score),
    [0, 0, 100],
  );
});

test('explain gives every node its status and feasible nodes their score and tier', () => {
  const snapshot = makeCluster(sgx('sgx-a'), makeNode('std-a'));
  const verdicts = explain(
    snapshot,
    makePod('p').memory('1Gi').build(),
    makeProfile('binpack'),
    makeContext(),
  );
  assert.deepEqual(verdicts, [
    { node: 'sgx-a', status: { code: 'Success', reasons: [] }, score: 0, scores: { binpack: 0, tier: 1 } },
    {
      node: 'std-a',
      status: { code: 'Success', reasons: [] },
      score: 100,
      scores: { binpack: 100, tier: 0 },
    },
  ]);
});

test('a score outside 0..100 fails the cycle with an error naming the plugin, not a crash', () => {
  const base = makeProfile('least-allocated');
  const broken: Profile = {
    ...base,
    scorers: [{ plugin: { name: 'Broken', score: () => 150 }, weight: 1 }],
  };
  const d = schedule(makeCluster(makeNode('a')), makePod('p').memory('1Mi').build(), broken, makeContext());
  assert.equal(d.node, undefined);
  assert.match(d.error ?? '', /score plugin Broken gave 150 for node a \(expected an integer 0\.\.100\)/);
});

test('a score from numbers outside 0..100 fails the cycle with the same error', () => {
  const base = makeProfile('least-allocated');
  const broken: Profile = {
    ...base,
    scorers: [{ plugin: { name: 'Broken', score: () => 150, scoreAmounts: () => 150 }, weight: 1 }],
  };
  const d = schedule(makeCluster(makeNode('a')), makePod('p').memory('1Mi').build(), broken, makeContext());
  assert.equal(d.node, undefined);
  assert.match(d.error ?? '', /score plugin Broken gave 150 for node a \(expected an integer 0\.\.100\)/);
});

test('a plugin scoring from numbers is scored from numbers, every feasible node once', () => {
  const base = makeProfile('least-allocated');
  const seen: number[] = [];
  const counting: Profile = {
    ...base,
    scorers: [
      {
        plugin: {
          name: 'Counting',
          score: () => {
            throw new Error('score() called although scoreAmounts is set');
          },
          scoreAmounts: (_pod, allocatable) => {
            seen.push(allocatable.memoryBytes);
            return allocatable.memoryBytes > 2 ** 34 ? 90 : 10;
          },
        },
        weight: 1,
      },
    ],
  };
  const snapshot = makeCluster(
    makeNode('small').memory('16Gi'),
    makeNode('big').memory('64Gi'),
    makeNode('mid').memory('8Gi'),
  );
  const d = schedule(snapshot, makePod('p').memory('1Mi').build(), counting, makeContext());
  assert.equal(d.node, 'big');
  assert.equal(seen.length, 3);
});

test('a normalize step runs before the range check', () => {
  const base = makeProfile('least-allocated');
  const normalized: Profile = {
    ...base,
    scorers: [
      {
        plugin: {
          name: 'Raw',
          score: (_pod, node) => (node.name === 'a' ? 1000 : 3000),
          normalize: (scores) => {
            const max = Math.max(...scores);
            for (let i = 0; i < scores.length; i++) scores[i] = Math.floor((100 * scores[i]!) / max);
          },
        },
        weight: 2,
      },
    ],
  };
  const d = schedule(
    makeCluster(makeNode('a'), makeNode('b')),
    makePod('p').memory('1Mi').build(),
    normalized,
    makeContext(),
  );
  assert.equal(d.node, 'b');
});

test('an empty cluster: nothing fits, not unresolvable, and the message says why', () => {
  const d = schedule(makeCluster(), makePod('p').epc('1Mi').build(), makeProfile('spread'), makeContext());
  assert.equal(d.node, undefined);
  assert.equal(d.unresolvable, false);
  assert.equal(formatUnschedulable(d.unschedulable), 'no nodes in the cluster');
});

test('reasons read like kube-scheduler messages', () => {
  assert.equal(
    formatReason({ kind: 'insufficient', resource: 'cpu', requested: 2000, used: 7500, capacity: 8000 }),
    'insufficient CPU (requested 2 cores, free 500m of 8 cores)',
  );
  assert.equal(
    formatReason({ kind: 'taint-not-tolerated', taint: 'k=v:NoSchedule' }),
    'untolerated taint k=v:NoSchedule',
  );
  assert.equal(
    formatUnschedulable([
      {
        reason: {
          kind: 'insufficient',
          resource: 'epc',
          requested: 40 * 1024 * 1024,
          used: 81.5 * 1024 * 1024,
          capacity: 93.5 * 1024 * 1024,
        },
        nodes: 2,
      },
      { reason: { kind: 'no-sgx' }, nodes: 3 },
    ]),
    '2 nodes: insufficient EPC (requested 40 MiB, free 12 MiB of 93.5 MiB); 3 nodes: no SGX',
  );
});

test('the pending reasons count cordoned, tainted and short nodes separately', () => {
  const snapshot = makeCluster(
    sgx('sgx-a').unschedulable(),
    sgx('sgx-b').taint('dedicated', 'NoSchedule', 'x'),
    sgx('sgx-c'),
    sgx('sgx-d'),
    makeNode('std-a').unschedulable(),
    makeNode('std-b'),
  );
  snapshot.assume(makePod('x').epc('90Mi').build(), 'sgx-c');
  snapshot.assume(makePod('y').epc('80Mi').build(), 'sgx-d');
  const d = schedule(snapshot, makePod('p').epc('16Mi').build(), makeProfile('binpack'), makeContext());
  assert.equal(
    formatUnschedulable(d.unschedulable),
    '2 nodes: insufficient EPC (requested 16 MiB, free 13.5 MiB of 93.5 MiB); 2 nodes: node is unschedulable (cordoned); 1 node: no SGX; 1 node: untolerated taint dedicated=x:NoSchedule',
  );
  assert.equal(d.unresolvable, false);
});

test('a pod with impossible data is an error naming the pod and field, on every path', () => {
  const snapshot = makeCluster(makeNode('a'));
  const profile = makeProfile('binpack');
  const pod = { ...makePod('p').build(), request: { cpuMillis: -1, memoryBytes: 0, epcBytes: 0 } };
  const d = schedule(snapshot, pod, profile, makeContext());
  assert.equal(d.node, undefined);
  assert.equal(d.error, 'pod default/p: request.cpuMillis must be a whole number from 0 to 2^53 - 1, got -1');
  // Whole, but beyond the exact range of a double.
  const huge = { ...makePod('h').build(), request: { cpuMillis: 0, memoryBytes: 0, epcBytes: 1e30 } };
  assert.equal(
    schedule(snapshot, huge, profile, makeContext()).error,
    'pod default/h: request.epcBytes must be a whole number from 0 to 2^53 - 1, got 1e+30',
  );
  const f = filterCandidates(snapshot, pod, profile, makeContext(), ['a']);
  assert.equal(f.failed[0]?.status.code, 'Error');
  const unmarked = { ...makePod('q').build(), request: { cpuMillis: 0, memoryBytes: 0, epcBytes: 4096 } };
  assert.match(
    schedule(snapshot, unmarked, profile, makeContext()).error ?? '',
    /requests EPC but is not marked as an SGX pod/,
  );
});

test('memory and EPC samples go stale separately, each at its own age limit', () => {
  const snapshot = makeCluster(sgx('sgx-a'), sgx('sgx-b'));
  snapshot.setMeasured('sgx-a', { epcBytes: 80 * 1024 * 1024, epcAt: 3, memoryBytes: 0, memoryAt: 0 });
  const profile = makeProfile('binpack', { measuredMaxAge: 5 });
  const pod = makePod('p').epc('32Mi').build();
  const at = (now: number): ReturnType<typeof schedule> =>
    schedule(snapshot, pod, profile, makeContext(1, now));
  assert.equal(at(2).node, 'sgx-b'); // both samples fresh
  const six = at(6); // memory sample stale, EPC sample (taken at 3) still counts
  assert.equal(six.node, 'sgx-b');
  assert.deepEqual(six.notes, ['measured usage older than 5 on 1 node: requests used there instead']);
  assert.equal(at(8).node, 'sgx-b'); // 3 + 5 = 8: still within the limit
  assert.equal(at(9).node, 'sgx-a'); // now the EPC sample is ignored too
  assert.equal(at(4).node, 'sgx-b'); // time going backwards makes the samples count again
});

test('weighted plugin scores come back on the 0..100 scale for the extender', () => {
  const base = makeProfile('least-allocated');
  const weighted: Profile = {
    ...base,
    scorers: [
      { plugin: { name: 'Ninety', score: () => 90 }, weight: 2 },
      { plugin: { name: 'Thirty', score: () => 30 }, weight: 1 },
    ],
  };
  const scores = scoreCandidates(
    makeCluster(makeNode('a')),
    makePod('p').memory('1Mi').build(),
    weighted,
    makeContext(),
    ['a'],
  );
  assert.deepEqual(scores, [{ node: 'a', score: 70 }]);
});

test("a sampled search stops at the share it looks for and the next starts where it stopped, as kube-scheduler's", () => {
  const base = makeProfile('least-allocated');
  // One feasible node per search (the 100-node floor lowered so that five nodes sample).
  const sampled: Profile = { ...base, sampling: { percentage: 1, minNodes: 1 } };
  const snapshot = makeCluster(makeNode('a'), makeNode('b'), makeNode('c').unschedulable(), makeNode('d'));
  const cursor = { next: 0 };
  const picks: (string | undefined)[] = [];
  const seen: number[] = [];
  for (let i = 0; i < 5; i++) {
    const pod = makePod(`p${i}`).memory('1Mi').build();
    const node = schedule(snapshot, pod, sampled, { ...makeContext(), cursor }).node;
    if (node !== undefined) snapshot.assume(pod, node);
    picks.push(node);
    seen.push(cursor.next);
  }
  // Least-allocated would put every pod on the emptiest node; the search sees one node at a time
  // and skips the cordoned one (it counts among the nodes looked at).
  assert.deepEqual(picks, ['a', 'b', 'd', 'a', 'b']);
  assert.deepEqual(seen, [1, 2, 0, 1, 2]);
  // Without sampling the cursor does not move and the emptiest node wins.
  const free = { next: 3 };
  const d = schedule(snapshot, makePod('q').memory('1Mi').build(), base, { ...makeContext(), cursor: free });
  assert.equal(free.next, 3);
  assert.equal(d.node, 'd');
});
