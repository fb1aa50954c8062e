import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { MachineTimeline, capacityGroups } from './machines.js';
import { repoPath, SHARED_TRACES } from '../../testing/paths.js';

const FIXTURE = repoPath('src/trace/fixtures/borg/machine_events/part-00000-of-00001.csv');

const brief = (ms: { machineId: number; cpus: number; memory: number }[]): string[] =>
  ms.map((m) => `${m.machineId}:${m.cpus}/${m.memory}`);

test('machines present at a time, with removals, re-additions and resizes', async () => {
  const t = await MachineTimeline.load([FIXTURE]);
  assert.equal(t.eventCount, 9);
  // machine 4 has no capacity yet at time 0
  assert.deepEqual(brief(t.at(0)), ['1:0.5/0.2493', '2:0.5/0.4995', '3:1/1']);
  assert.deepEqual(brief(t.at(1000)), ['1:0.5/0.2493', '3:1/1']);
  // re-added without a capacity: keeps its last known one; machine 3 resized
  assert.deepEqual(brief(t.at(2000)), ['1:0.5/0.2493', '2:0.5/0.4995', '3:1/0.5']);
  assert.deepEqual(brief(t.at(3000)), [
    '1:0.5/0.2493',
    '2:0.5/0.4995',
    '3:1/0.5',
    '4:0.25/0.2498',
    '5:0.5/0.749',
  ]);
  assert.equal(t.unknownCapacity, 0);
  assert.deepEqual(brief(t.all()), ['1:0.5/0.2493', '2:0.5/0.4995', '3:1/1', '4:0.25/0.2498', '5:0.5/0.749']);
  assert.equal(t.changes(1000, 2000).length, 2);
});

test('the real cell: 12,477 machines at time 0, 12,583 over the month, the documented capacity mix', async () => {
  const t = await MachineTimeline.load([join(SHARED_TRACES, 'machine_events')]);
  assert.equal(t.eventCount, 37_780);
  const atZero = t.at(0);
  assert.equal(atZero.length, 12_477);
  assert.equal(t.all().length, 12_583);
  assert.deepEqual(capacityGroups(atZero).slice(0, 5), [
    { cpus: 0.5, memory: 0.4995, count: 6672 },
    { cpus: 0.5, memory: 0.2493, count: 3835 },
    { cpus: 0.5, memory: 0.749, count: 992 },
    { cpus: 1, memory: 1, count: 788 },
    { cpus: 0.25, memory: 0.2498, count: 123 },
  ]);
});
