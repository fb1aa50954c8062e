import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, PatchError } from './patch.js';
import {
  SelectorError,
  fieldMatcher,
  labelMatcher,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors.js';

test('JSON patch: RFC 6901 escapes, every operation, failures', () => {
  const doc = { status: { capacity: { cpu: '4' } }, list: [1, 2] };
  const out = applyJsonPatch(doc, [
    { op: 'add', path: '/status/capacity/sgx.intel.com~1epc', value: '1' },
    { op: 'add', path: '/status/capacity/a~0b', value: '2' },
    { op: 'replace', path: '/status/capacity/cpu', value: '8' },
    { op: 'add', path: '/list/-', value: 3 },
    { op: 'remove', path: '/list/0' },
    { op: 'copy', from: '/list/0', path: '/first' },
    { op: 'move', from: '/first', path: '/moved' },
    { op: 'test', path: '/moved', value: 2 },
  ]);
  assert.deepEqual(out, {
    status: { capacity: { cpu: '8', 'sgx.intel.com/epc': '1', 'a~b': '2' } },
    list: [2, 3],
    moved: 2,
  });
  assert.deepEqual(doc.list, [1, 2], 'the input is not changed');
  assert.throws(() => applyJsonPatch(doc, [{ op: 'test', path: '/list/0', value: 9 }]), PatchError);
  assert.throws(() => applyJsonPatch(doc, [{ op: 'replace', path: '/nothing', value: 1 }]), PatchError);
  assert.throws(() => applyJsonPatch(doc, { op: 'add' }), PatchError);
});

test('merge patch replaces lists; strategic merge patch merges them by key', () => {
  const pod = {
    status: {
      conditions: [
        { type: 'Ready', status: 'True' },
        { type: 'PodScheduled', status: 'True' },
      ],
    },
    metadata: { finalizers: ['a'] },
  };
  const patch = {
    status: { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] },
  };
  assert.deepEqual(applyMergePatch(pod, patch), { ...pod, ...patch });
  assert.deepEqual(applyStrategicMergePatch(pod, patch), {
    status: {
      conditions: [
        { type: 'Ready', status: 'True' },
        { type: 'PodScheduled', status: 'False', reason: 'Unschedulable' },
      ],
    },
    metadata: { finalizers: ['a'] },
  });
  const deleted = applyStrategicMergePatch(pod, {
    status: { conditions: [{ type: 'Ready', $patch: 'delete' }] },
    metadata: { finalizers: ['b'] },
  });
  assert.deepEqual(deleted, {
    status: { conditions: [{ type: 'PodScheduled', status: 'True' }] },
    metadata: { finalizers: ['a', 'b'] },
  });
  assert.deepEqual(applyMergePatch({ a: 1, b: 2 }, { a: null }), { b: 2 });
});

test('field selectors: =, ==, != and unsupported fields', () => {
  const fields = new Set(['spec.nodeName', 'status.phase']);
  const m = fieldMatcher(parseFieldSelector('spec.nodeName=,status.phase!=Failed', fields));
  const get = (o: Record<string, string>) => (k: string) => o[k];
  assert.equal(m(get({ 'status.phase': 'Pending' })), true);
  assert.equal(m(get({ 'spec.nodeName': 'n1', 'status.phase': 'Pending' })), false);
  assert.equal(m(get({ 'status.phase': 'Failed' })), false);
  assert.equal(
    fieldMatcher(parseFieldSelector('spec.nodeName==n\\,1', fields))(get({ 'spec.nodeName': 'n,1' })),
    true,
  );
  assert.throws(() => parseFieldSelector('spec.other=x', fields), SelectorError);
  assert.throws(() => parseFieldSelector('spec.nodeName', fields), SelectorError);
});

test('label selectors: equality, sets, existence', () => {
  const m = (s: string, labels: Record<string, string>) => labelMatcher(parseLabelSelector(s))(labels);
  assert.equal(m('a=1,b!=2', { a: '1', b: '3' }), true);
  assert.equal(m('a=1,b!=2', { a: '1', b: '2' }), false);
  assert.equal(m('env in (prod, stage),!legacy', { env: 'stage' }), true);
  assert.equal(m('env notin (prod)', {}), true);
  assert.equal(m('sgx.intel.com/capable', { 'sgx.intel.com/capable': 'true' }), true);
  assert.throws(() => parseLabelSelector('a b c'), SelectorError);
});
