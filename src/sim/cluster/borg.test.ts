import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TraceInputError } from '../../trace/index.js';
import { makeTempDir } from '../../testing/temp-dir.js';
import { bundledMachineEvents } from '../experiment/bundled.js';
import { borgCluster, readBorgMachines } from './borg.js';

const OPTIONS = {
  sgxNodeShare: 0.5,
  seed: 1,
  epcBytes: 93.5 * 2 ** 20,
  epcReservedMiB: 128,
  memoryBytesPerUnit: 32 * 2 ** 30,
  cpuMillisPerUnit: 0,
};

function file(name: string, text: string): string {
  const path = join(makeTempDir('borg-machines-'), name);
  writeFileSync(path, text);
  return path;
}

test('malformed machine_events lines are skipped and counted by reason, with file:line examples', async () => {
  const path = file(
    'machines.csv',
    [
      '0,1,0,p,0.5,0.25',
      'x,2,0,p,0.5,0.5', // time not a number
      '0,3,0,p', // too few fields
      '0,4,7,p,0.5,0.5', // no such event type
      '0,5,0,p,1,1',
    ].join('\n') + '\n',
  );
  const m = await readBorgMachines([path]);
  assert.deepEqual([...m.machines.keys()], [1, 5]);
  assert.deepEqual(Object.fromEntries(Object.entries(m.issues).map(([r, c]) => [r, c.count])), {
    'column-count': 1,
    'not-a-number': 1,
    'unknown-event': 1,
  });
  assert.match(m.issues['not-a-number']!.examples[0]!, /machines\.csv:2: field 1: expected a time/);
  assert.match(m.issues['column-count']!.examples[0]!, /machines\.csv:3: expected 6 comma-separated fields/);

  // The cluster keeps the count, for the run's metadata and the CLI's warning.
  const cluster = borgCluster(m, OPTIONS);
  assert.equal(cluster.nodes.length, 2);
  assert.deepEqual(cluster.machineEvents, {
    sources: [path],
    skipped: { 'column-count': 1, 'not-a-number': 1, 'unknown-event': 1 },
  });
});

test('input without a machine is an error naming the file and what a machine_events row holds', async () => {
  // A task_events row (13 fields): every line unreadable.
  const taskEvents = file('te.csv', '0,1,2,3,4,5,6,7,8,9,10,11,12\n');
  await assert.rejects(readBorgMachines([taskEvents]), (err: unknown) => {
    assert.ok(err instanceof TraceInputError);
    assert.ok(
      err.message.startsWith(`${taskEvents}: no machine could be read: 1 line skipped as unreadable`),
    );
    assert.match(
      err.message,
      /\(column-count 1; first: .*te\.csv:1: expected 6 comma-separated fields, got 13/,
    );
    assert.match(err.message, /a machine_events row has 6 comma-separated fields: time, machine ID,/);
    return true;
  });
  // Readable rows, but no machine is given a capacity.
  const noCapacity = file('bare.csv', '0,5,0,p,,\n10,6,1,p,,\n');
  const other = file('other.csv', '0,7,2,p,0.5,\n');
  await assert.rejects(
    readBorgMachines([noCapacity, other]),
    (err: unknown) =>
      err instanceof TraceInputError &&
      err.message.startsWith(`${noCapacity}, ${other}: no machine with a capacity: none of the 3 machines`),
  );
});

test('the bundled machine table reads without a skipped line: its cluster carries no count', async () => {
  const m = await readBorgMachines([bundledMachineEvents()]);
  assert.equal(m.machines.size, 12_583);
  assert.deepEqual(m.issues, {});
  assert.equal(borgCluster(m, OPTIONS).machineEvents, undefined);
  assert.equal('machineEvents' in borgCluster(m, OPTIONS), false);
});
