import assert from 'node:assert/strict';
import { makeNode, makePod, measured } from '../../testing/builders.js';
import { policyTable } from '../../testing/policy-table.js';

const sgx = (name: string): ReturnType<typeof makeNode> => makeNode(name).sgx('93.5Mi').memory('4Gi');
const std = (name: string): ReturnType<typeof makeNode> => makeNode(name).memory('4Gi');

policyTable('sgx-unaware', [
  {
    name: 'a standard pod lands on an emptier SGX node (no preference for standard nodes)',
    nodes: [std('std-a'), sgx('sgx-a')],
    running: [[makePod('p1').memory('2Gi').cpu('1'), 'std-a']],
    pod: makePod('p').memory('1Gi'),
    want: 'sgx-a',
  },
  {
    name: 'measured EPC is ignored: only requests count',
    nodes: [sgx('sgx-a')],
    running: [[makePod('liar').epc('1Mi'), 'sgx-a']],
    measured: { 'sgx-a': measured('90Mi') },
    pod: makePod('p').epc('32Mi'),
    want: 'sgx-a',
  },
  {
    name: 'the fit is inclusive like the stock scheduler: a pod exactly filling the node fits',
    nodes: [sgx('sgx-a')],
    running: [[makePod('half').epc('61.5Mi'), 'sgx-a']],
    pod: makePod('p').epc('32Mi'),
    want: 'sgx-a',
  },
  {
    name: 'an SGX pod still needs an SGX node (extended-resource fit)',
    nodes: [std('std-a')],
    pod: makePod('p').epc('1Mi'),
    want: undefined,
    check: (d) => assert.equal(d.unresolvable, true),
  },
]);
