import { test } from 'node:test';
import assert from 'node:assert/strict';
import { derivePlacements } from './placements.js';
import type { Placement, PlacementCounts } from './placements.js';
import { repoPath } from '../../testing/paths.js';

const EVENTS = repoPath('src/trace/fixtures/borg/task_events/part-00000-of-00001.csv');

async function derive(timeZero: 'drop' | 'initial'): Promise<{ ps: Placement[]; counts: PlacementCounts }> {
  const ps: Placement[] = [];
  let counts: PlacementCounts | undefined;
  for await (const p of derivePlacements([EVENTS], { timeZero, onCounts: (c) => (counts = c) })) ps.push(p);
  return { ps, counts: counts! };
}

const brief = (p: Placement): string =>
  `${p.jobId}/${p.taskIndex} submit=${p.submitUs / 1e6} start=${p.startUs / 1e6} end=${p.endUs / 1e6} ${p.end} mem=${p.memoryRequest} cpu=${p.cpuRequest} machine=${p.machineId}`;

test('pairs each SCHEDULE with the next ending event of the same task', async () => {
  const { ps, counts } = await derive('drop');
  assert.deepEqual(ps.map(brief), [
    // requests left empty on the SCHEDULE row come from the SUBMIT
    '200/0 submit=600 start=601 end=650 FINISH mem=0.01 cpu=0.05 machine=7',
    '300/0 submit=660 start=661 end=662 KILL mem=0 cpu=0.01 machine=9',
    '200/1 submit=602 start=603 end=670 EVICT mem=0.03 cpu=0.05 machine=8',
    // resubmitted after the eviction, still running at the end: censored at the last timestamp
    '200/1 submit=671 start=680 end=700 CENSORED mem=0.03 cpu=0.05 machine=9',
  ]);
  assert.equal(ps[3]!.censored, true);
  assert.equal(ps[0]!.line, 3);
  assert.deepEqual(counts, {
    placements: 4,
    censored: 1,
    scheduleWithoutSubmit: 0,
    staysWithoutEnd: 0,
    endedWhilePending: 1,
    endWithoutSchedule: 1,
    pendingAtEnd: 1,
    timeZeroDropped: 1,
  });
});

test('time-0 rows can be kept: the task running before the trace becomes a placement from 0', async () => {
  const { ps, counts } = await derive('initial');
  const initial = ps.find((p) => p.jobId === 100)!;
  assert.equal(brief(initial), '100/0 submit=0 start=0 end=700 CENSORED mem=0.02 cpu=0.1 machine=5');
  assert.equal(initial.submitSeen, false);
  assert.equal(counts.scheduleWithoutSubmit, 1);
  assert.equal(counts.timeZeroDropped, 0);
});
