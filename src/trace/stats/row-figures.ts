import { BORG_EVENT_NAMES } from '../borg/schema.js';
import type { EventBatch } from '../borg/event-batch.js';
import type { JobTaskSetData } from '../columns/job-task-set.js';
import { JobTaskSet } from '../columns/job-task-set.js';
import { NumberSet } from '../columns/number-set.js';

/** `RowFigures` as plain data, to cross from a parser thread. */
export interface RowFiguresData {
  readonly kept: number;
  readonly first: number;
  readonly last: number;
  readonly counts: Float64Array;
  readonly tasks: JobTaskSetData;
  readonly machines: Float64Array;
}

/**
 * What `trace stats` counts of each task_events row by itself, in the window [fromUs, toUs): rows,
 * first and last time, events per type, distinct jobs, tasks and machines. None of it depends on the
 * order of the rows, so parser threads count their own files and the figures merge (`absorb`) into
 * exactly what one pass over all rows gives.
 */
export class RowFigures {
  kept = 0;
  first = Infinity;
  last = -Infinity;
  readonly counts = new Float64Array(BORG_EVENT_NAMES.length);
  readonly tasks = new JobTaskSet();
  readonly machineIds = new NumberSet();
  private lastMachine = -1;

  constructor(
    private readonly fromUs: number,
    private readonly toUs: number,
  ) {}

  add(t: number, type: number, jobId: number, taskIndex: number, machineId: number): void {
    if (t < this.fromUs || t >= this.toUs) return;
    this.kept++;
    if (t < this.first) this.first = t;
    if (t > this.last) this.last = t;
    this.counts[type]!++;
    this.tasks.add(jobId, taskIndex);
    // Rows of one machine come in runs: skip the set for a repeat.
    if (machineId !== this.lastMachine && !Number.isNaN(machineId)) {
      this.machineIds.add(machineId);
      this.lastMachine = machineId;
    }
  }

  /** `add` for rows [from, batch.n) of a batch. */
  addBatch(batch: EventBatch, from = 0): void {
    const f = batch.f64;
    const k = batch.i32;
    const R = batch.rows;
    for (let i = from, n = batch.n; i < n; i++) this.add(f[i]!, k[R + i]!, f[R + i]!, k[i]!, f[2 * R + i]!);
  }

  export(): RowFiguresData {
    return {
      kept: this.kept,
      first: this.first,
      last: this.last,
      counts: this.counts,
      tasks: this.tasks.export(),
      machines: this.machineIds.values(),
    };
  }

  absorb(data: RowFiguresData): void {
    this.kept += data.kept;
    if (data.first < this.first) this.first = data.first;
    if (data.last > this.last) this.last = data.last;
    for (let i = 0; i < this.counts.length; i++) this.counts[i]! += data.counts[i]!;
    this.tasks.absorb(data.tasks);
    for (const m of data.machines) this.machineIds.add(m);
  }
}
