import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeNode, makePod, measured } from '../../testing/builders.js';
import { decideCase, policyTable } from '../../testing/policy-table.js';

const sgx = (name: string): ReturnType<typeof makeNode> => makeNode(name).sgx('93.5Mi');
const std = (name: string): ReturnType<typeof makeNode> => makeNode(name).memory('4Gi');

policyTable('spread', [
  {
    name: 'an SGX pod goes to the SGX node with the least EPC used',
    nodes: [sgx('sgx-a'), sgx('sgx-b'), sgx('sgx-c')],
    running: [
      [makePod('p1').epc('30Mi'), 'sgx-a'],
      [makePod('p2').epc('10Mi'), 'sgx-b'],
      [makePod('p3').epc('20Mi'), 'sgx-c'],
    ],
    pod: makePod('p').epc('8Mi'),
    want: 'sgx-b',
  },
  {
    name: 'measured EPC above the requests makes a node look fuller',
    nodes: [sgx('sgx-a'), sgx('sgx-b')],
    running: [[makePod('p1').epc('10Mi'), 'sgx-a']],
    measured: { 'sgx-b': measured('40Mi') },
    pod: makePod('p').epc('8Mi'),
    want: 'sgx-a',
  },
  {
    name: 'the least-used node is skipped when it is too small (heterogeneous EPC)',
    nodes: [makeNode('tiny').sgx('8Mi'), sgx('sgx-b')],
    running: [[makePod('p1').epc('40Mi'), 'sgx-b']],
    pod: makePod('p').epc('16Mi'),
    want: 'sgx-b',
  },
  {
    name: 'a standard pod goes to the standard node with the least memory used',
    nodes: [std('std-a'), std('std-b'), sgx('sgx-a')],
    running: [[makePod('p1').memory('1Gi'), 'std-a']],
    pod: makePod('p').memory('1Gi'),
    want: 'std-b',
  },
  {
    name: 'a standard pod stays off an empty SGX node while a standard node fits',
    nodes: [std('std-a'), sgx('sgx-a')],
    running: [[makePod('p1').memory('2Gi'), 'std-a']],
    pod: makePod('p').memory('1Gi'),
    want: 'std-a',
  },
  {
    name: 'a standard pod goes to an SGX node when no standard node fits',
    nodes: [std('std-a'), sgx('sgx-a')],
    running: [[makePod('p1').memory('3.5Gi'), 'std-a']],
    pod: makePod('p').memory('1Gi'),
    want: 'sgx-a',
  },
  {
    name: 'no node fits: the closest one is named in the reason',
    nodes: [sgx('sgx-a'), sgx('sgx-b')],
    running: [
      [makePod('p1').epc('90Mi'), 'sgx-a'],
      [makePod('p2').epc('70Mi'), 'sgx-b'],
    ],
    pod: makePod('p').epc('40Mi'),
    want: undefined,
    check: (_d, m) =>
      assert.equal(m, '2 nodes: insufficient EPC (requested 40 MiB, free 23.5 MiB of 93.5 MiB)'),
  },
]);

test('spread: ties go to a seeded random node among the least used, every tie reachable', () => {
  const seen = new Set<string>();
  for (let seed = 0; seed < 64; seed++) {
    const c = {
      name: 'tie',
      nodes: [sgx('sgx-a'), sgx('sgx-b'), sgx('sgx-c'), sgx('sgx-d')],
      running: [[makePod('p1').epc('10Mi'), 'sgx-d']] as const,
      pod: makePod('p').epc('8Mi'),
      seed,
      want: undefined,
    };
    const first = decideCase('spread', c).node;
    assert.equal(decideCase('spread', c).node, first, 'same seed, same node');
    assert.notEqual(first, 'sgx-d');
    seen.add(first!);
  }
  assert.deepEqual([...seen].sort(), ['sgx-a', 'sgx-b', 'sgx-c']);
});
