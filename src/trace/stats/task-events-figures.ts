import type { PlacementEnd } from '../borg/placements.js';
import { PlacementTracker } from '../borg/placements.js';
import type { EventBatch } from '../borg/event-batch.js';
import { BORG_EVENT_NAMES } from '../borg/schema.js';
import type { TaskEvent } from '../borg/task-events.js';
import { DoubleColumn } from '../columns/number-set.js';
import type { RowFiguresData } from './row-figures.js';
import { RowFigures } from './row-figures.js';
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
    readonly endsWithoutSchedule: number;
    readonly staysWithoutEnd: number;
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
 * Everything `trace stats` counts over task_events: the figures of each row in the window (a
 * `RowFigures`) and placements paired over all rows (those scheduled in the window are counted).
 * Small inputs go through `add` on one thread; for large ones parser threads count their files' rows
 * (`absorbRows`) and this thread only pairs (`pairBatch`), see `parseInParallel`.
 */
export class TaskEventsAccumulator {
  private readonly rows: RowFigures;
  private readonly memory = new DoubleColumn();
  /** Placements per end, indexed like `PLACEMENT_ENDS` (a typed array: a string-keyed object costs a megamorphic keyed access per placement). */
  private readonly byEnd = new Float64Array(PLACEMENT_ENDS.length);
  private derived = 0;
  private withoutSubmit = 0;
  private atTimeZero = 0;
  private readonly tracker: PlacementTracker;

  constructor(
    private readonly fromUs: number,
    private readonly toUs: number,
  ) {
    this.rows = new RowFigures(fromUs, toUs);
    this.tracker = new PlacementTracker(() => {}, {
      timeZero: 'initial',
      onSummary: (slot, end) => this.placement(slot, end),
    });
  }

  add(e: TaskEvent): void {
    this.tracker.event(e);
    this.rows.add(e.timeUs, e.eventType, e.jobId, e.taskIndex, e.machineId);
  }

  /** Pairs every row of a batch from `file` (its row figures come separately, `absorbRows`). */
  pairBatch(batch: EventBatch, file: string): void {
    const tracker = this.tracker;
    const fileIndex = tracker.fileIndexOf(file);
    for (let i = 0, n = batch.n; i < n; i++) tracker.rowAt(batch, i, fileIndex);
  }

  /** `add` for every row of a batch from `file`: pairs them and counts their row figures. */
  addBatch(batch: EventBatch, file: string): void {
    this.pairBatch(batch, file);
    this.rows.addBatch(batch);
  }

  /** Adds the row figures a parser thread counted. */
  absorbRows(data: RowFiguresData): void {
    this.rows.absorb(data);
  }

  finish(): TaskEventsFigures {
    this.tracker.finish();
    const byEnd = this.byEnd;
    const censored = byEnd[CENSORED_INDEX]!;
    const rows = this.rows;
    return {
      inWindow: rows.kept,
      firstUs: rows.first,
      lastUs: rows.last,
      events: Object.fromEntries(BORG_EVENT_NAMES.map((name, i) => [name, rows.counts[i]!])),
      jobs: rows.tasks.jobCount,
      tasks: rows.tasks.tasks,
      machines: rows.machineIds.size,
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
        endsWithoutSchedule: this.tracker.counts.endWithoutSchedule,
        staysWithoutEnd: this.tracker.counts.staysWithoutEnd,
      },
      memoryRequest: distributionOf(this.memory),
    };
  }

  private placement(slot: number, end: PlacementEnd): void {
    const tracker = this.tracker;
    const startUs = tracker.startOf(slot);
    if (startUs < this.fromUs || startUs >= this.toUs) return;
    this.derived++;
    this.byEnd[endIndex(end)]!++;
    if (!tracker.submitSeenOf(slot)) this.withoutSubmit++;
    if (startUs === 0) this.atTimeZero++;
    const memory = tracker.memoryOf(slot);
    if (!Number.isNaN(memory)) this.memory.push(memory);
  }
}
