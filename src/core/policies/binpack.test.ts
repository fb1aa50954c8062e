import assert from 'node:assert/strict';
import { makeNode, makePod, measured } from '../../testing/builders.js';
import { policyTable } from '../../testing/policy-table.js';

const sgx = (name: string): ReturnType<typeof makeNode> => makeNode(name).sgx('93.5Mi');
const std = (name: string): ReturnType<typeof makeNode> => makeNode(name).memory('4Gi');

policyTable('binpack', [
  {
    name: 'an SGX pod goes to the first SGX node by name',
    nodes: [sgx('sgx-b'), sgx('sgx-a'), std('std-a')],
    pod: makePod('p').epc('32Mi'),
    want: 'sgx-a',
  },
  {
    name: 'a node without room is skipped for the next one by name',
    nodes: [sgx('sgx-a'), sgx('sgx-b')],
    running: [[makePod('big').epc('80Mi'), 'sgx-a']],
    pod: makePod('p').epc('32Mi'),
    want: 'sgx-b',
  },
  {
    name: 'measured EPC above the requests counts (max of measured and requested)',
    nodes: [sgx('sgx-a'), sgx('sgx-b')],
    running: [[makePod('liar').epc('1Mi'), 'sgx-a']],
    measured: { 'sgx-a': measured('80Mi') },
    pod: makePod('p').epc('32Mi'),
    want: 'sgx-b',
  },
  {
    name: 'with usage "requests" the measured EPC is ignored',
    nodes: [sgx('sgx-a'), sgx('sgx-b')],
    running: [[makePod('liar').epc('1Mi'), 'sgx-a']],
    measured: { 'sgx-a': measured('80Mi') },
    config: { usage: 'requests' },
    pod: makePod('p').epc('32Mi'),
    want: 'sgx-a',
  },
  {
    name: 'requests above the measured EPC count too',
    nodes: [sgx('sgx-a'), sgx('sgx-b')],
    running: [[makePod('reserved').epc('80Mi'), 'sgx-a']],
    measured: { 'sgx-a': measured('1Mi') },
    pod: makePod('p').epc('32Mi'),
    want: 'sgx-b',
  },
  {
    name: 'the admission rule is strict: a pod exactly filling the free EPC does not fit',
    nodes: [sgx('sgx-a')],
    running: [[makePod('half').epc('61.5Mi'), 'sgx-a']],
    pod: makePod('p').epc('32Mi'),
    want: undefined,
    check: (d, m) => {
      assert.equal(d.unresolvable, false, m);
      assert.equal(m, '1 node: insufficient EPC (requested 32 MiB, free 32 MiB of 93.5 MiB)');
    },
  },
  {
    name: 'one byte less than the free EPC fits',
    nodes: [sgx('sgx-a')],
    running: [[makePod('half').epc('61.5Mi'), 'sgx-a']],
    pod: makePod('p').epc(32 * 1024 * 1024 - 1),
    want: 'sgx-a',
  },
  {
    name: 'tolerance 0.8 keeps a fifth of the EPC free (the paper offline setting)',
    nodes: [sgx('sgx-a'), sgx('sgx-b')],
    running: [[makePod('p1').epc('50Mi'), 'sgx-a']],
    config: { tolerance: 0.8 },
    pod: makePod('p').epc('25Mi'),
    want: 'sgx-b',
  },
  {
    name: 'a standard pod prefers a standard node even when SGX nodes come first by name',
    nodes: [sgx('a-sgx'), std('z-std')],
    pod: makePod('p').memory('1Gi'),
    want: 'z-std',
  },
  {
    name: 'a standard pod goes to an SGX node only when no standard node fits',
    nodes: [sgx('a-sgx'), std('z-std')],
    running: [[makePod('big').memory('3.5Gi'), 'z-std']],
    pod: makePod('p').memory('1Gi'),
    want: 'a-sgx',
  },
  {
    name: 'measured memory counts for standard pods',
    nodes: [std('std-a'), std('std-b')],
    measured: { 'std-a': measured(0, '3.5Gi') },
    pod: makePod('p').memory('1Gi'),
    want: 'std-b',
  },
  {
    name: 'an SGX pod never lands on a standard node, and that cannot be resolved by waiting',
    nodes: [std('std-a'), std('std-b')],
    pod: makePod('p').epc('1Mi'),
    want: undefined,
    check: (d, m) => {
      assert.equal(d.unresolvable, true);
      assert.equal(m, '2 nodes: no SGX');
    },
  },
  {
    name: 'a cordoned node is skipped',
    nodes: [sgx('sgx-a').unschedulable(), sgx('sgx-b')],
    pod: makePod('p').epc('1Mi'),
    want: 'sgx-b',
  },
  {
    name: 'a NoSchedule taint keeps pods off unless they tolerate it',
    nodes: [sgx('sgx-a').taint('dedicated', 'NoSchedule', 'ml'), sgx('sgx-b')],
    pod: makePod('p').epc('1Mi'),
    want: 'sgx-b',
  },
  {
    name: 'a pod tolerating the taint may use the node',
    nodes: [sgx('sgx-a').taint('dedicated', 'NoSchedule', 'ml'), sgx('sgx-b')],
    pod: makePod('p').epc('1Mi').tolerate({ key: 'dedicated', value: 'ml', effect: 'NoSchedule' }),
    want: 'sgx-a',
  },
  {
    name: 'PreferNoSchedule is not a filter',
    nodes: [sgx('sgx-a').taint('soft', 'PreferNoSchedule'), sgx('sgx-b')],
    pod: makePod('p').epc('1Mi'),
    want: 'sgx-a',
  },
  {
    name: 'a nodeSelector restricts the candidates',
    nodes: [sgx('sgx-a').label('zone', 'west'), sgx('sgx-b').label('zone', 'east')],
    pod: makePod('p').epc('1Mi').nodeSelector('zone', 'east'),
    want: 'sgx-b',
  },
  {
    name: 'stale measured usage is ignored and the decision says so',
    nodes: [sgx('sgx-a'), sgx('sgx-b')],
    measured: { 'sgx-a': measured('80Mi', 0, 0) },
    config: { measuredMaxAge: 25 },
    now: 30,
    pod: makePod('p').epc('32Mi'),
    want: 'sgx-a',
    check: (d) =>
      assert.deepEqual(d.notes, ['measured usage older than 25 on 1 node: requests used there instead']),
  },
  {
    name: 'measured usage exactly at its age limit still counts',
    nodes: [sgx('sgx-a'), sgx('sgx-b')],
    measured: { 'sgx-a': measured('80Mi', 0, 0) },
    config: { measuredMaxAge: 25 },
    now: 25,
    pod: makePod('p').epc('32Mi'),
    want: 'sgx-b',
  },
  {
    name: 'reasons are grouped across nodes when nothing fits',
    nodes: [sgx('sgx-a'), sgx('sgx-b'), std('std-a'), std('std-b'), std('std-c')],
    running: [
      [makePod('p1').epc('80Mi'), 'sgx-a'],
      [makePod('p2').epc('60Mi'), 'sgx-b'],
    ],
    pod: makePod('p').epc('40Mi'),
    want: undefined,
    check: (d, m) => {
      assert.equal(d.unresolvable, false);
      assert.equal(
        m,
        '3 nodes: no SGX; 2 nodes: insufficient EPC (requested 40 MiB, free 33.5 MiB of 93.5 MiB)',
      );
    },
  },
]);
