import type { PlacementEnd } from '../borg/placements.js';
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

const CENSORED_INDEX = PLACEMENT_ENDS.indexOf('CENSORED');

/** Index of an end in `PLACEMENT_ENDS`; the names are interned constants, so each test is a pointer compare. */
function endIndex(end: PlacementEnd): number {
  switch (end) {
    case 'EVICT':
      return 0;
    case 'FAIL':
      return 1;
    case 'FINISH':
      return 2;
    case 'KILL':
      return 3;
    case 'LOST':
      return 4;
    case 'CENSORED':
      return 5;
  }
}

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
  /** Placements per end, indexed like `PLACEMENT_ENDS` (a typed array: a string-keyed object costs a megamorphic keyed access per placement). */
  private readonly byEnd = new Float64Array(PLACEMENT_ENDS.length);
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
    this.tracker = new PlacementTracker(() => {}, {
      timeZero: 'initial',
      onSummary: (startUs, end, submitSeen, memory) => this.placement(startUs, end, submitSeen, memory),
    });
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
    const censored = byEnd[CENSORED_INDEX]!;
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
        censored,
        censoredAt: censored > 0 ? this.tracker.lastTimeUs / 1e6 : null,
        byEnd: Object.fromEntries(PLACEMENT_ENDS.map((k, i) => [k, byEnd[i]!])) as Record<
          PlacementEnd,
          number
        >,
        withoutSubmit: this.withoutSubmit,
        atTimeZero: this.atTimeZero,
        neverScheduled: this.tracker.counts.endedWhilePending + this.tracker.counts.pendingAtEnd,
      },
      memoryRequest: distributionOf(this.memory),
    };
  }

  private placement(startUs: number, end: PlacementEnd, submitSeen: boolean, memory: number): void {
    if (startUs < this.fromUs || startUs >= this.toUs) return;
    this.derived++;
    this.byEnd[endIndex(end)]!++;
    if (!submitSeen) this.withoutSubmit++;
    if (startUs === 0) this.atTimeZero++;
    if (!Number.isNaN(memory)) this.memory.push(memory);
  }
}
