import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeNode, makePod } from '../../testing/builders.js';
import { decideCase, policyTable } from '../../testing/policy-table.js';

const sgx = (name: string): ReturnType<typeof makeNode> => makeNode(name).sgx('93.5Mi');

policyTable('random', [
  {
    name: 'the only feasible node is chosen',
    nodes: [sgx('sgx-a'), sgx('sgx-b'), makeNode('std-a')],
    running: [[makePod('big').epc('90Mi'), 'sgx-a']],
    pod: makePod('p').epc('8Mi'),
    want: 'sgx-b',
  },
  {
    name: 'nothing feasible: the pod stays pending',
    nodes: [sgx('sgx-a').unschedulable(), makeNode('std-a')],
    pod: makePod('p').epc('8Mi'),
    want: undefined,
    check: (d, m) => {
      assert.equal(d.unresolvable, true);
      assert.equal(m, '1 node: no SGX; 1 node: node is unschedulable (cordoned)');
    },
  },
]);

test('random: every feasible node is drawn, about equally often, and only feasible ones', () => {
  const counts = new Map<string, number>();
  for (let seed = 0; seed < 600; seed++) {
    const node = decideCase('random', {
      name: 'uniform',
      nodes: [makeNode('std-a'), makeNode('std-b'), sgx('sgx-a'), sgx('sgx-b').unschedulable()],
      pod: makePod('p').memory('1Gi'),
      seed,
      want: undefined,
    }).node!;
    counts.set(node, (counts.get(node) ?? 0) + 1);
  }
  assert.deepEqual([...counts.keys()].sort(), ['sgx-a', 'std-a', 'std-b']);
  for (const c of counts.values()) assert.ok(c > 150 && c < 250, `count ${c}`);
});
