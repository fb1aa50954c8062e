import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filterNode } from '../index.js';
import type { Status, Toleration } from '../index.js';
import {
  makeCluster,
  makeContext,
  makeNode,
  makePod,
  makeProfile,
  measured,
} from '../../testing/builders.js';

function statusOn(
  node: ReturnType<typeof makeNode>,
  pod: ReturnType<typeof makePod>,
  policy = 'binpack' as const,
): Status {
  const snapshot = makeCluster(node);
  const view = snapshot.nodes()[0]!;
  return filterNode(view, pod.build(), makeProfile(policy), makeContext());
}

const tolerationCases: [string, Toleration, boolean][] = [
  ['matching key, value and effect', { key: 'k', value: 'v', effect: 'NoSchedule' }, true],
  ['matching key and value, any effect', { key: 'k', value: 'v' }, true],
  ['key with Exists', { key: 'k', operator: 'Exists' }, true],
  ['empty key with Exists tolerates everything', { operator: 'Exists' }, true],
  ['wrong value', { key: 'k', value: 'w' }, false],
  ['wrong effect', { key: 'k', value: 'v', effect: 'NoExecute' }, false],
  ['other key', { key: 'other', operator: 'Exists' }, false],
];

for (const [name, toleration, passes] of tolerationCases) {
  test(`taint k=v:NoSchedule, toleration with ${name}: ${passes ? 'passes' : 'rejected'}`, () => {
    const s = statusOn(makeNode('n').taint('k', 'NoSchedule', 'v'), makePod('p').tolerate(toleration));
    assert.equal(s.code, passes ? 'Success' : 'UnschedulableAndUnresolvable');
    if (!passes) assert.deepEqual(s.reasons, [{ kind: 'taint-not-tolerated', taint: 'k=v:NoSchedule' }]);
  });
}

test('NoExecute filters like NoSchedule; PreferNoSchedule does not', () => {
  assert.equal(
    statusOn(makeNode('n').taint('k', 'NoExecute'), makePod('p')).code,
    'UnschedulableAndUnresolvable',
  );
  assert.equal(statusOn(makeNode('n').taint('k', 'PreferNoSchedule'), makePod('p')).code, 'Success');
});

test('the first failing filter decides: a cordoned node says so even when the pod is too big', () => {
  const s = statusOn(makeNode('n').unschedulable(), makePod('p').memory('1Ti'));
  assert.deepEqual(s, { code: 'UnschedulableAndUnresolvable', reasons: [{ kind: 'node-unschedulable' }] });
});

test('an SGX pod on a standard node: no SGX, unresolvable', () => {
  const s = statusOn(makeNode('n'), makePod('p').epc('1Mi'));
  assert.deepEqual(s, { code: 'UnschedulableAndUnresolvable', reasons: [{ kind: 'no-sgx' }] });
});

test('a nodeSelector mismatch names the label', () => {
  const s = statusOn(makeNode('n').label('zone', 'a'), makePod('p').nodeSelector('zone', 'b'));
  assert.deepEqual(s.reasons, [{ kind: 'node-selector-mismatch', label: 'zone=b' }]);
});

test('every short resource is listed with requested, used and capacity', () => {
  const snapshot = makeCluster(makeNode('n').sgx('93.5Mi').cpu('1').memory('1Gi'));
  snapshot.setMeasured('n', measured('90Mi', '512Mi'));
  const s = filterNode(
    snapshot.node('n')!,
    makePod('p').epc('8Mi').cpu('2').memory('256Mi').build(),
    makeProfile('binpack'),
    makeContext(),
  );
  assert.equal(s.code, 'Unschedulable');
  assert.deepEqual(s.reasons, [
    { kind: 'insufficient', resource: 'cpu', requested: 2000, used: 0, capacity: 1000 },
    {
      kind: 'insufficient',
      resource: 'epc',
      requested: 8 * 1024 * 1024,
      used: 90 * 1024 * 1024,
      capacity: 98041856,
    },
  ]);
});

test('a zero request is not checked, even on a full node (as kube-scheduler)', () => {
  const snapshot = makeCluster(makeNode('n').sgx('93.5Mi'));
  snapshot.assume(makePod('full').epc('93.5Mi').build(), 'n');
  const s = filterNode(
    snapshot.node('n')!,
    makePod('p').memory('1Mi').build(),
    makeProfile('binpack'),
    makeContext(),
  );
  assert.equal(s.code, 'Success');
});
