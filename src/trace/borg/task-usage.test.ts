import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readTaskUsage } from './task-usage.js';
import { IssueLog } from '../issues.js';
import { collectWorkload } from '../workload/load.js';
import { repoPath } from '../../testing/paths.js';

const USAGE = repoPath('src/trace/fixtures/borg/task_usage/part-00000-of-00001.csv');

test('reads measurement periods with assigned and maximum memory; bad rows counted', async () => {
  const issues = new IssueLog();
  const rows = [];
  for await (const u of readTaskUsage([USAGE], { issues })) rows.push(u);
  assert.deepEqual(
    rows.map((u) => [u.line, u.jobId, u.taskIndex, u.startUs, u.endUs, u.assignedMemory, u.maxMemory]),
    [
      [1, 3418309, 0, 600e6, 900e6, 0.015, 0.018],
      [2, 3418309, 1, 600e6, 900e6, 0.0111, 0.012],
      [3, 3418309, 0, 900e6, 1200e6, 0.015, 0.0179],
      [4, 6251812952, 1761, 900e6, 1150e6, 0.0061, NaN],
    ],
  );
  const s = issues.summary();
  assert.equal(s['end-before-start']?.count, 1);
  assert.equal(s['not-a-number']?.count, 1);
  assert.equal(s['column-count']?.count, 1);
  assert.match(
    s['not-a-number']!.examples[0]!,
    /part-00000-of-00001\.csv:6: field 8: expected an assigned memory usage >= 0, got "abc"/,
  );
});

test('as a workload: one record per period, usage measured, the model only where it is missing', async () => {
  const { records, provenance } = await collectWorkload([USAGE], { usage: { kind: 'ratio', ratio: 0.5 } });
  assert.equal(provenance.format, 'task_usage');
  assert.deepEqual(
    records.map((r) => [r.id, r.submit, r.duration, r.requestFraction, r.usedFraction]),
    [
      ['3418309-0-600000000', 600, 300, 0.015, 0.018],
      ['3418309-1-600000000', 600, 300, 0.0111, 0.012],
      ['3418309-0-900000000', 900, 300, 0.015, 0.0179],
      ['6251812952-1761-900000000', 900, 250, 0.0061, 0.00305],
    ],
  );
  assert.match(provenance.usageModel, /^measured/);
});
