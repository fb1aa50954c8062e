import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explain } from '../index.js';
import { makeCluster, makeContext, makeNode, makePod, makeProfile } from '../../testing/builders.js';
import { policyTable } from '../../testing/policy-table.js';
import { brokenLinear } from './requested-to-capacity-ratio.js';

const sgx = (name: string): ReturnType<typeof makeNode> => makeNode(name).sgx('93.5Mi');

policyTable('requested-to-capacity-ratio', [
  {
    name: 'with the bin-packing shape the fuller node wins',
    nodes: [sgx('sgx-a'), sgx('sgx-b')],
    running: [[makePod('p1').epc('40Mi'), 'sgx-b']],
    config: { resources: [{ resource: 'epc', weight: 1 }] },
    pod: makePod('p').epc('8Mi'),
    want: 'sgx-b',
  },
  {
    name: 'with a falling shape the emptier node wins',
    nodes: [sgx('sgx-a'), sgx('sgx-b')],
    running: [[makePod('p1').epc('40Mi'), 'sgx-b']],
    config: {
      resources: [{ resource: 'epc', weight: 1 }],
      shape: [
        { utilization: 0, score: 10 },
        { utilization: 100, score: 0 },
      ],
    },
    pod: makePod('p').epc('8Mi'),
    want: 'sgx-a',
  },
]);

test('requested-to-capacity-ratio: the broken-linear shape interpolates with integer division', () => {
  const f = brokenLinear([
    { utilization: 0, score: 0 },
    { utilization: 100, score: 10 },
  ]);
  assert.deepEqual([f(0), f(37), f(75), f(100), f(120)], [0, 37, 75, 100, 100]);
  const g = brokenLinear([
    { utilization: 20, score: 10 },
    { utilization: 50, score: 3 },
  ]);
  // Below the first point: its score; above the last: the last score; between: truncated line.
  assert.deepEqual([g(0), g(20), g(35), g(50), g(90)], [100, 100, 65, 30, 30]);
});

test('requested-to-capacity-ratio: the Kubernetes documentation example scores 60 on the 0..100 scale', () => {
  // resource-bin-packing.md: foo weight 5 (3 of 4 -> 75), memory weight 1 (512Mi of 1Gi -> 50),
  // cpu weight 3 (3 of 8 cores -> 37): round((75*5 + 50 + 37*3) / 9) = round(59.6) = 60 (5 on 0..10).
  const snapshot = makeCluster(makeNode('node-1').sgx('4Mi').memory('1Gi').cpu('8'));
  snapshot.assume(makePod('running').epc('1Mi').memory('256Mi').cpu('1').build(), 'node-1');
  const profile = makeProfile('requested-to-capacity-ratio', {
    resources: [
      { resource: 'epc', weight: 5 },
      { resource: 'memory', weight: 1 },
      { resource: 'cpu', weight: 3 },
    ],
    tolerance: 2,
  });
  const [v] = explain(
    snapshot,
    makePod('p').epc('2Mi').memory('256Mi').cpu('2').build(),
    profile,
    makeContext(),
  );
  assert.equal(v?.status.code, 'Success');
  assert.equal(v?.score, 60);
});
