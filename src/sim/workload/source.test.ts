import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCachedWorkload } from './source.js';
import { bundledTaskEvents } from '../experiment/bundled.js';

test('a workload spec thins by record unless it says job, as simulate does', async () => {
  const spec = { sources: [bundledTaskEvents()], from: 6480, to: 10080, keepOneIn: 20 };
  const byDefault = await loadCachedWorkload(spec);
  const byRecord = await loadCachedWorkload({ ...spec, thinBy: 'record' });
  const byJob = await loadCachedWorkload({ ...spec, thinBy: 'job' });
  // The paper's hour: about 900 pods by record (the main job's 890), fewer by job.
  assert.equal(byDefault.records.length, 890);
  assert.deepEqual(
    byDefault.records.map((r) => r.id),
    byRecord.records.map((r) => r.id),
  );
  assert.equal(byDefault.provenance.thinBy, 'record');
  assert.equal(byJob.provenance.thinBy, 'job');
  assert.notEqual(byJob.records.length, 890);
});
