import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explain } from '../index.js';
import { makeCluster, makeContext, makeNode, makePod, makeProfile } from '../../testing/builders.js';
import { policyTable } from '../../testing/policy-table.js';
import { mostAllocatedScore } from './most-allocated.js';

const sgx = (name: string): ReturnType<typeof makeNode> => makeNode(name).sgx('93.5Mi');
const EPC_ONLY = { resources: [{ resource: 'epc', weight: 1 }] };

policyTable('most-allocated', [
  {
    name: 'on EPC, the fuller SGX node that still fits wins',
    nodes: [sgx('sgx-a'), sgx('sgx-b'), sgx('sgx-c')],
    running: [
      [makePod('p1').epc('40Mi'), 'sgx-a'],
      [makePod('p2').epc('10Mi'), 'sgx-b'],
      [makePod('p3').epc('90Mi'), 'sgx-c'],
    ],
    config: EPC_ONLY,
    pod: makePod('p').epc('8Mi'),
    want: 'sgx-a',
  },
]);

test('most-allocated: exact integer scores', () => {
  assert.equal(mostAllocatedScore(48, 93.5), 51);
  assert.equal(mostAllocatedScore(20, 10), 100);
  const snapshot = makeCluster(sgx('sgx-a'), sgx('sgx-b'));
  snapshot.assume(makePod('p1').epc('40Mi').build(), 'sgx-a');
  snapshot.assume(makePod('p2').epc('10Mi').build(), 'sgx-b');
  const verdicts = explain(
    snapshot,
    makePod('p').epc('8Mi').build(),
    makeProfile('most-allocated', EPC_ONLY),
    makeContext(),
  );
  // 48 * 100 / 93.5 = 51.3 -> 51; 18 * 100 / 93.5 = 19.25 -> 19
  assert.deepEqual(
    verdicts.map((v) => v.score),
    [51, 19],
  );
});
