import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  effectiveRequest,
  epcBytesFromResource,
  EPC_RESOURCE_NAMES,
  isEpcResourceName,
  QuantityError,
  usableEpcBytes,
  usableEpcPages,
  USABLE_EPC_128MIB_BYTES,
} from '../index.js';

const MI = 1024 * 1024;

test('each EPC resource name is read in its own unit and normalised to bytes', () => {
  assert.equal(epcBytesFromResource('intel.com/sgx', '23936'), 98041856);
  assert.equal(epcBytesFromResource('sgx.intel.com/epc', '512Ki'), 512 * 1024);
  assert.equal(epcBytesFromResource('sgx.intel.com/epc', '10Mi'), 10 * MI);
  assert.equal(epcBytesFromResource('kubernetes.azure.com/sgx_epc_mem_in_MiB', '10'), 10 * MI);
  assert.equal(epcBytesFromResource('alibabacloud.com/sgx_epc_MiB', '4'), 4 * MI);
  assert.deepEqual([...EPC_RESOURCE_NAMES].sort(), [
    'alibabacloud.com/sgx_epc_MiB',
    'intel.com/sgx',
    'kubernetes.azure.com/sgx_epc_mem_in_MiB',
    'sgx.intel.com/epc',
  ]);
  assert.ok(isEpcResourceName('intel.com/sgx'));
  assert.ok(!isEpcResourceName('sgx.intel.com/enclave'));
});

test('a bad EPC quantity is a QuantityError naming the value', () => {
  assert.throws(() => epcBytesFromResource('intel.com/sgx', 'lots'), QuantityError);
});

test('a 128 MiB part leaves 93.5 MiB = 23,936 pages usable; the paper formula for other sizes', () => {
  assert.equal(usableEpcBytes(128), USABLE_EPC_128MIB_BYTES);
  assert.equal(usableEpcBytes(128), 93.5 * MI);
  assert.equal(usableEpcPages(128), 23936);
  assert.equal(usableEpcPages(64), 11648);
  assert.equal(usableEpcPages(256), 48512);
  assert.equal(usableEpcBytes(2), 0);
  assert.throws(() => usableEpcBytes(-1), RangeError);
});

test('effective request: containers add up, init containers take the max, overhead adds once', () => {
  const r = (
    cpuMillis: number,
    memoryBytes: number,
    epcBytes = 0,
  ): { request: { cpuMillis: number; memoryBytes: number; epcBytes: number } } => ({
    request: { cpuMillis, memoryBytes, epcBytes },
  });
  assert.deepEqual(
    effectiveRequest({
      containers: [r(100, 10, 4096), r(200, 20)],
      initContainers: [r(500, 5), r(50, 25, 8192)],
      overhead: { cpuMillis: 10, memoryBytes: 1, epcBytes: 0 },
    }),
    { cpuMillis: 510, memoryBytes: 31, epcBytes: 8192 },
  );
  assert.deepEqual(effectiveRequest({ containers: [] }), { cpuMillis: 0, memoryBytes: 0, epcBytes: 0 });
});
