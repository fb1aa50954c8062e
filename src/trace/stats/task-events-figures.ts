import type { Placement, PlacementEnd } from '../borg/placements.js';
import { PlacementTracker } from '../borg/placements.js';
import { BORG_EVENT_NAMES } from '../borg/schema.js';
import type { TaskEvent } from '../borg/task-events.js';
import { JobTaskSet } from '../columns/job-task-set.js';
import { DoubleColumn, NumberSet } from '../columns/number-set.js';
import type { Distribution } from './summary.js';
import { distributionOf } from './summary.js';

/** The task_events part of `TraceStats`, computed from valid rows. Plain data (crosses threads). */
export interface TaskEventsFigures {
  readonly inWindow: number;
  readonly firstUs: number;
  readonly lastUs: number;
  readonly events: Record<string, number>;
  readonly jobs: number;
  readonly tasks: number;
  readonly machines: number;
  readonly placements: {
    readonly derived: number;
    readonly censored: number;
    readonly censoredAt: number | null;
    readonly byEnd: Record<PlacementEnd, number>;
    readonly withoutSubmit: number;
    readonly atTimeZero: number;
    readonly neverScheduled: number;
  };
  readonly memoryRequest: Distribution | null;
}

export const PLACEMENT_ENDS: readonly PlacementEnd[] = [
  'EVICT',
  'FAIL',
  'FINISH',
  'KILL',
  'LOST',
  'CENSORED',
];

/**
 * Everything `trace stats` counts over task_events, one valid row at a time: events per type,
 * distinct jobs, tasks and machines in the window, and placements paired over all rows (those
 * scheduled in the window are counted). Runs on the main thread for small inputs and in a worker
 * thread beside the parser for large ones (see `task-events-worker.ts`).
 */
export class TaskEventsAccumulator {
  private readonly counts = new Float64Array(BORG_EVENT_NAMES.length);
  private readonly tasks = new JobTaskSet();
  private readonly machineIds = new NumberSet();
  private lastMachine = -1;
  private readonly memory = new DoubleColumn();
  private readonly byEnd: Record<PlacementEnd, number> = {
    EVICT: 0,
    FAIL: 0,
    FINISH: 0,
    KILL: 0,
    LOST: 0,
    CENSORED: 0,
  };
  private derived = 0;
  private withoutSubmit = 0;
  private atTimeZero = 0;
  private kept = 0;
  private first = Infinity;
  private last = -Infinity;
  private readonly tracker: PlacementTracker;

  constructor(
    private readonly fromUs: number,
    private readonly toUs: number,
  ) {
    this.tracker = new PlacementTracker((p) => this.placement(p), { timeZero: 'initial' });
  }

  add(e: TaskEvent): void {
    this.tracker.event(e);
    const t = e.timeUs;
    if (t < this.fromUs || t >= this.toUs) return;
    this.kept++;
    if (t < this.first) this.first = t;
    if (t > this.last) this.last = t;
    this.counts[e.eventType]!++;
    this.tasks.add(e.jobId, e.taskIndex);
    const m = e.machineId;
    if (m !== this.lastMachine && !Number.isNaN(m)) {
      this.machineIds.add(m);
      this.lastMachine = m;
    }
  }

  finish(): TaskEventsFigures {
    this.tracker.finish();
    const byEnd = this.byEnd;
    return {
      inWindow: this.kept,
      firstUs: this.first,
      lastUs: this.last,
      events: Object.fromEntries(BORG_EVENT_NAMES.map((name, i) => [name, this.counts[i]!])),
      jobs: this.tasks.jobCount,
      tasks: this.tasks.tasks,
      machines: this.machineIds.size,
      placements: {
        derived: this.derived,
        censored: byEnd.CENSORED,
        censoredAt: byEnd.CENSORED > 0 ? this.tracker.lastTimeUs / 1e6 : null,
        byEnd: Object.fromEntries(PLACEMENT_ENDS.map((k) => [k, byEnd[k]])) as Record<PlacementEnd, number>,
        withoutSubmit: this.withoutSubmit,
        atTimeZero: this.atTimeZero,
        neverScheduled: this.tracker.counts.endedWhilePending + this.tracker.counts.pendingAtEnd,
      },
      memoryRequest: distributionOf(this.memory),
    };
  }

  private placement(p: Placement): void {
    if (p.startUs < this.fromUs || p.startUs >= this.toUs) return;
    this.derived++;
    this.byEnd[p.end]++;
    if (!p.submitSeen) this.withoutSubmit++;
    if (p.startUs === 0) this.atTimeZero++;
    if (!Number.isNaN(p.memoryRequest)) this.memory.push(p.memoryRequest);
  }
}
