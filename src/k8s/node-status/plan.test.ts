import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  epcQuantity,
  escapeJsonPointer,
  OWNED_LABEL_ANNOTATION,
  OWNED_RESOURCE_ANNOTATION,
  planNodeSgx,
  type DesiredNodeSgx,
} from './plan.js';

const GIB = 1024 ** 3;
const LABEL = { key: 'sgx.intel.com/capable', value: 'true' };
const desired: DesiredNodeSgx = {
  resourceName: 'sgx.intel.com/epc',
  epcBytes: 128 * GIB,
  capable: true,
  label: LABEL,
};
const bare = { capacity: { cpu: '4' }, allocatable: { cpu: '4' }, labels: {}, annotations: {} };

describe('planNodeSgx', () => {
  it('escapes the resource name in JSON pointers', () => {
    assert.equal(escapeJsonPointer('sgx.intel.com/epc'), 'sgx.intel.com~1epc');
    assert.equal(escapeJsonPointer('a~b/c'), 'a~0b~1c');
  });

  it('converts bytes to the unit of the resource name', () => {
    assert.equal(epcQuantity('sgx.intel.com/epc', 98041856), '98041856');
    assert.equal(epcQuantity('intel.com/sgx', 98041856), '23936');
    assert.equal(epcQuantity('kubernetes.azure.com/sgx_epc_mem_in_MiB', 98041856), '93');
  });

  it('advertises capacity and allocatable, label and ownership on a bare node', () => {
    const plan = planNodeSgx(bare, desired);
    assert.deepEqual(plan.statusOps, [
      { op: 'add', path: '/status/capacity/sgx.intel.com~1epc', value: String(128 * GIB) },
      { op: 'add', path: '/status/allocatable/sgx.intel.com~1epc', value: String(128 * GIB) },
    ]);
    assert.deepEqual(plan.metadataPatch, {
      metadata: {
        labels: { 'sgx.intel.com/capable': 'true' },
        annotations: {
          [OWNED_LABEL_ANNOTATION]: 'sgx.intel.com/capable=true',
          [OWNED_RESOURCE_ANNOTATION]: 'sgx.intel.com/epc',
        },
      },
    });
  });

  it('creates capacity and allocatable maps a node status lacks before adding to them', () => {
    const plan = planNodeSgx(
      { capacity: undefined, allocatable: undefined, labels: {}, annotations: {} },
      desired,
    );
    assert.deepEqual(plan.statusOps, [
      { op: 'add', path: '/status/capacity', value: {} },
      { op: 'add', path: '/status/capacity/sgx.intel.com~1epc', value: String(128 * GIB) },
      { op: 'add', path: '/status/allocatable', value: {} },
      { op: 'add', path: '/status/allocatable/sgx.intel.com~1epc', value: String(128 * GIB) },
    ]);
  });

  it('does nothing when the node is already right', () => {
    const v = String(128 * GIB);
    const plan = planNodeSgx(
      {
        capacity: { cpu: '4', 'sgx.intel.com/epc': v },
        allocatable: { cpu: '4', 'sgx.intel.com/epc': v },
        labels: { 'sgx.intel.com/capable': 'true' },
        annotations: {
          [OWNED_LABEL_ANNOTATION]: 'sgx.intel.com/capable=true',
          [OWNED_RESOURCE_ANNOTATION]: 'sgx.intel.com/epc',
        },
      },
      desired,
    );
    assert.deepEqual(plan, { statusOps: [], metadataPatch: undefined });
  });

  it('does not claim a label it found in place', () => {
    const plan = planNodeSgx({ ...bare, labels: { 'sgx.intel.com/capable': 'true' } }, desired);
    assert.deepEqual(plan.metadataPatch, {
      metadata: { annotations: { [OWNED_RESOURCE_ANNOTATION]: 'sgx.intel.com/epc' } },
    });
  });

  it('moves from a resource it owned to the newly configured one, leaving others alone', () => {
    const plan = planNodeSgx(
      {
        capacity: { 'sgx.intel.com/epc': '1', 'alibabacloud.com/sgx_epc_MiB': '93' },
        allocatable: { 'sgx.intel.com/epc': '1' },
        labels: { 'sgx.intel.com/capable': 'true' },
        annotations: { [OWNED_RESOURCE_ANNOTATION]: 'sgx.intel.com/epc' },
      },
      { ...desired, resourceName: 'intel.com/sgx', epcBytes: 98041856 },
    );
    assert.deepEqual(plan.statusOps, [
      { op: 'remove', path: '/status/capacity/sgx.intel.com~1epc' },
      { op: 'add', path: '/status/capacity/intel.com~1sgx', value: '23936' },
      { op: 'remove', path: '/status/allocatable/sgx.intel.com~1epc' },
      { op: 'add', path: '/status/allocatable/intel.com~1sgx', value: '23936' },
    ]);
    assert.deepEqual(plan.metadataPatch, {
      metadata: { annotations: { [OWNED_RESOURCE_ANNOTATION]: 'intel.com/sgx' } },
    });
  });

  it('withdraws what it advertised when the node lost SGX', () => {
    const plan = planNodeSgx(
      {
        capacity: { 'sgx.intel.com/epc': '5' },
        allocatable: { 'sgx.intel.com/epc': '5' },
        labels: { 'sgx.intel.com/capable': 'true' },
        annotations: {
          [OWNED_LABEL_ANNOTATION]: 'sgx.intel.com/capable=true',
          [OWNED_RESOURCE_ANNOTATION]: 'sgx.intel.com/epc',
        },
      },
      { ...desired, capable: false, epcBytes: 0 },
    );
    assert.deepEqual(plan.statusOps, [
      { op: 'remove', path: '/status/capacity/sgx.intel.com~1epc' },
      { op: 'remove', path: '/status/allocatable/sgx.intel.com~1epc' },
    ]);
    assert.deepEqual(plan.metadataPatch, {
      metadata: {
        labels: { 'sgx.intel.com/capable': null },
        annotations: { [OWNED_LABEL_ANNOTATION]: null, [OWNED_RESOURCE_ANNOTATION]: null },
      },
    });
  });

  it('never removes a label it did not set (by hand or by NFD: the DaemonSet may select on it)', () => {
    const plan = planNodeSgx(
      { ...bare, labels: { 'sgx.intel.com/capable': 'true' } },
      { ...desired, capable: false, epcBytes: 0 },
    );
    assert.deepEqual(plan, { statusOps: [], metadataPatch: undefined });
  });

  it('leaves a label it set alone once someone gave it another value', () => {
    const plan = planNodeSgx(
      {
        ...bare,
        labels: { 'sgx.intel.com/capable': 'yes' },
        annotations: { [OWNED_LABEL_ANNOTATION]: 'sgx.intel.com/capable=true' },
      },
      { ...desired, capable: false, epcBytes: 0 },
    );
    assert.deepEqual(plan.metadataPatch, { metadata: { annotations: { [OWNED_LABEL_ANNOTATION]: null } } });
  });

  it('moves from a label it set to the newly configured one', () => {
    const plan = planNodeSgx(
      {
        ...bare,
        labels: { 'sgx.intel.com/capable': 'true' },
        annotations: {
          [OWNED_LABEL_ANNOTATION]: 'sgx.intel.com/capable=true',
          [OWNED_RESOURCE_ANNOTATION]: 'sgx.intel.com/epc',
        },
      },
      { ...desired, label: { key: 'example.com/sgx', value: 'yes' } },
    );
    assert.deepEqual(plan.metadataPatch, {
      metadata: {
        labels: { 'example.com/sgx': 'yes', 'sgx.intel.com/capable': null },
        annotations: { [OWNED_LABEL_ANNOTATION]: 'example.com/sgx=yes' },
      },
    });
  });

  it('never removes an EPC resource advertised by someone else (no ownership annotation)', () => {
    const plan = planNodeSgx(
      { capacity: { 'sgx.intel.com/epc': '5' }, allocatable: {}, labels: {}, annotations: {} },
      { ...desired, capable: false, epcBytes: 0 },
    );
    assert.deepEqual(plan, { statusOps: [], metadataPatch: undefined });
  });
});
