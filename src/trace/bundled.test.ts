import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundledTracePath } from './bundled.js';
import { GOOGLE_TRACE_ATTRIBUTION } from './workload/record.js';

test('the bundled slice is found from the package, with its attribution', () => {
  assert.deepEqual(readdirSync(bundledTracePath('task_events')).sort(), [
    'part-00001-of-00500.csv.gz',
    'part-00002-of-00500.csv.gz',
    'part-00003-of-00500.csv.gz',
    'part-00004-of-00500.csv.gz',
  ]);
  assert.equal(readdirSync(bundledTracePath('job_events')).length, 4);
  assert.deepEqual(readdirSync(bundledTracePath('machine_events')), ['part-00000-of-00001.csv.gz']);
  const readme = readFileSync(join(bundledTracePath(), '..', 'README.md'), 'utf8').replace(/\s+/g, ' ');
  for (const part of [
    'C. Reiss, J. Wilkes, J. L. Hellerstein',
    'CC-BY 4.0',
    'https://github.com/google/cluster-data',
  ]) {
    assert.ok(readme.includes(part), part);
    assert.ok(GOOGLE_TRACE_ATTRIBUTION.includes(part), part);
  }
});
