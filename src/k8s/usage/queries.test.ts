import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_EPC_QUERY,
  DEFAULT_TIMESTAMP_QUERY,
  epcUsageQuery,
  memoryUsageQuery,
  promDuration,
  sampleTimeQuery,
} from './queries.js';

test('the default queries use the paper windows: 25 s for EPC, 2 min for memory', () => {
  assert.equal(
    DEFAULT_EPC_QUERY,
    'sum by (node) (max by (node, uid) (max_over_time(sgx_pod_epc_usage_bytes[25s])))' +
      ' or max by (node) (max_over_time(sgx_node_epc_usage_bytes[25s]))',
  );
  assert.equal(
    DEFAULT_TIMESTAMP_QUERY,
    'max by (node) (max_over_time(sgx_usage_sample_timestamp_seconds[25s]))',
  );
  assert.match(memoryUsageQuery(), /\[120s\]/);
});

test('windows and the node label are configurable, in whole seconds or milliseconds', () => {
  assert.match(epcUsageQuery({ epcWindowSeconds: 3 }), /\[3s\]/);
  assert.match(sampleTimeQuery({ epcWindowSeconds: 1.5 }), /\[1500ms\]/);
  assert.match(
    memoryUsageQuery({ memoryWindowSeconds: 60, nodeLabel: 'instance' }),
    /^sum by \(instance\) .*\[60s\]/,
  );
  assert.equal(promDuration(0.25), '250ms');
  assert.throws(() => promDuration(0), /positive number of seconds/);
  assert.throws(() => promDuration(Number.NaN), /positive number of seconds/);
  assert.throws(() => promDuration(0.0001), /at least 1 ms/);
  assert.throws(() => epcUsageQuery({ nodeLabel: 'node name' }), /not a Prometheus label name/);
});
