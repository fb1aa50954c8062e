import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocationEnv, epcLimitForAllocation } from './epc-env.js';
import type { NodePod } from './node-pod.js';

const MIB = 1024 * 1024;

function pod(name: string, phase: string, containers: [number, number][]): NodePod {
  return {
    uid: name,
    namespace: 'ns',
    name,
    phase,
    epcLimitBytes: containers.reduce((s, [, b]) => s + b, 0),
    containers: containers.map(([slots, bytes], i) => ({
      name: `c${i}`,
      enclaveSlots: slots,
      epcLimitBytes: bytes,
    })),
  };
}

describe('epcLimitForAllocation', () => {
  it('answers when the pending candidates agree', () => {
    const pods = [pod('a', 'Pending', [[1, 64 * MIB]]), pod('b', 'Running', [[1, 8 * MIB]])];
    assert.equal(epcLimitForAllocation(pods, 1), 64 * MIB);
    assert.deepEqual(allocationEnv(pods, [{ devicesIds: ['sgx-enclave-3'] }]), [
      { SGX_EPC_LIMIT_BYTES: String(64 * MIB) },
    ]);
  });
  it('stays silent when candidates disagree or none matches', () => {
    const pods = [pod('a', 'Pending', [[1, 64 * MIB]]), pod('b', 'Pending', [[1, 8 * MIB]])];
    assert.equal(epcLimitForAllocation(pods, 1), undefined);
    assert.equal(epcLimitForAllocation(pods, 2), undefined);
    assert.deepEqual(allocationEnv(pods, [{ devicesIds: ['x'] }]), [{}]);
  });
});
