import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explain } from '../index.js';
import { makeCluster, makeContext, makeNode, makePod, makeProfile } from '../../testing/builders.js';
import { policyTable } from '../../testing/policy-table.js';
import { leastAllocatedScore } from './least-allocated.js';

const sgx = (name: string): ReturnType<typeof makeNode> => makeNode(name).sgx('93.5Mi');
const EPC_ONLY = { resources: [{ resource: 'epc', weight: 1 }] };

policyTable('least-allocated', [
  {
    name: 'on EPC, the emptier SGX node wins',
    nodes: [sgx('sgx-a'), sgx('sgx-b')],
    running: [
      [makePod('p1').epc('40Mi'), 'sgx-a'],
      [makePod('p2').epc('10Mi'), 'sgx-b'],
    ],
    config: EPC_ONLY,
    pod: makePod('p').epc('8Mi'),
    want: 'sgx-b',
  },
  {
    name: 'standard pods still prefer standard nodes (the profile keeps them off SGX nodes)',
    nodes: [sgx('sgx-a'), makeNode('std-a').memory('4Gi')],
    running: [[makePod('p1').memory('3Gi'), 'std-a']],
    pod: makePod('p').memory('512Mi'),
    want: 'std-a',
  },
]);

test('least-allocated: exact integer scores, as kube-scheduler computes them', () => {
  assert.equal(leastAllocatedScore(48, 93.5), 48);
  assert.equal(leastAllocatedScore(0, 10), 100);
  assert.equal(leastAllocatedScore(11, 10), 0);
  const snapshot = makeCluster(sgx('sgx-a'), sgx('sgx-b'));
  snapshot.assume(makePod('p1').epc('40Mi').build(), 'sgx-a');
  snapshot.assume(makePod('p2').epc('10Mi').build(), 'sgx-b');
  const verdicts = explain(
    snapshot,
    makePod('p').epc('8Mi').build(),
    makeProfile('least-allocated', EPC_ONLY),
    makeContext(),
  );
  // (93.5 - 48) * 100 / 93.5 = 48.66 -> 48; (93.5 - 18) * 100 / 93.5 = 80.7 -> 80
  assert.deepEqual(
    verdicts.map((v) => [v.node, v.score]),
    [
      ['sgx-a', 48],
      ['sgx-b', 80],
    ],
  );
});

test('least-allocated: pods without cpu or memory requests count 100m and 200 MiB (non-zero defaults)', () => {
  const snapshot = makeCluster(makeNode('n').cpu('1').memory('1Gi').sgx('93.5Mi'));
  const [v] = explain(
    snapshot,
    makePod('p').epc('8Mi').build(),
    makeProfile('least-allocated'),
    makeContext(),
  );
  // cpu: (1000 - 100) * 100 / 1000 = 90; memory: (1024 - 200) * 100 / 1024 = 80.4 -> 80; mean 85
  assert.equal(v?.score, 85);
});
