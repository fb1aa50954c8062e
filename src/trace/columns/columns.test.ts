import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { NumberMap } from './number-map.js';
import { NumberSet, DoubleColumn } from './number-set.js';
import { JobTaskSet } from './job-task-set.js';
import { TaskTable } from '../borg/task-table.js';

// Keys like the trace's: job IDs around 6e9 (above 2^31), small task indexes, and a few collisions.
const jobArb = fc.oneof(
  fc.integer({ min: 0, max: 40 }),
  fc.constantFrom(6251812952, 6251812953, 3418309, 2 ** 40),
);
const taskArb = fc.integer({ min: 0, max: 70 });

test('NumberMap agrees with Map under random sets and deletes (backward-shift deletion)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.boolean(), jobArb, fc.integer({ min: 0, max: 1000 })), { maxLength: 400 }),
      (ops) => {
        const m = new NumberMap(4);
        const ref = new Map<number, number>();
        for (const [del, k, v] of ops) {
          if (del) {
            m.delete(k);
            ref.delete(k);
          } else {
            m.set(k, v);
            ref.set(k, v);
          }
          assert.equal(m.size, ref.size);
        }
        for (const [, k] of ops) assert.equal(m.get(k), ref.get(k) ?? -1);
      },
    ),
    { numRuns: 300 },
  );
});

test('NumberSet, JobTaskSet and DoubleColumn count and sort like the built-ins', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(jobArb, taskArb), { maxLength: 500 }), (pairs) => {
      const s = new NumberSet(2);
      const jt = new JobTaskSet();
      const col = new DoubleColumn();
      for (const [j, t] of pairs) {
        s.add(j);
        jt.add(j, t);
        col.push(t / 7);
      }
      assert.equal(s.size, new Set(pairs.map(([j]) => j)).size);
      assert.equal(jt.jobCount, s.size);
      assert.equal(jt.tasks, new Set(pairs.map(([j, t]) => `${j}/${t}`)).size);
      assert.deepEqual(
        [...col.sorted()],
        pairs.map(([, t]) => t / 7).sort((a, b) => a - b),
      );
    }),
    { numRuns: 300 },
  );
});

test('TaskTable finds, inserts and removes like a Map keyed by (job, task)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.boolean(), jobArb, fc.oneof(taskArb, fc.constant(2 ** 21))), { maxLength: 400 }),
      (ops) => {
        const table = new TaskTable(2);
        const ref = new Map<string, number>();
        for (const [del, j, t] of ops) {
          const key = `${j}/${t}`;
          const slot = table.find(j, t);
          assert.equal(slot, ref.get(key) ?? -1);
          if (del && slot >= 0) {
            table.remove(j, t, slot);
            ref.delete(key);
          } else if (!del && slot < 0) {
            const s = table.insert(j, t);
            assert.equal(table.jobId[s], j);
            assert.equal(table.taskIndex[s], t);
            ref.set(key, s);
          }
          assert.equal(table.size, ref.size);
        }
        assert.deepEqual(
          table.heldSlots().sort((a, b) => a - b),
          [...ref.values()].sort((a, b) => a - b),
        );
      },
    ),
    { numRuns: 300 },
  );
});

test('JobTaskSet: sets merged with absorb count what one set of all pairs counts', () => {
  const pairs = fc.array(fc.tuple(jobArb, fc.oneof(taskArb, fc.constant(2 ** 21))), { maxLength: 200 });
  fc.assert(
    fc.property(fc.array(pairs, { minLength: 1, maxLength: 4 }), (parts) => {
      const all = new JobTaskSet();
      const merged = new JobTaskSet();
      for (const part of parts) {
        const one = new JobTaskSet();
        for (const [job, task] of part) {
          all.add(job, task);
          one.add(job, task);
        }
        merged.absorb(one.export());
      }
      assert.equal(merged.jobCount, all.jobCount);
      assert.equal(merged.tasks, all.tasks);
    }),
  );
});
