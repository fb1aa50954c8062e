import { IssueLog } from '../issues.js';
import type { BorgReadOptions } from './task-events.js';
import type { MachineEvent } from './machine-events.js';
import { readMachineEvents } from './machine-events.js';
import { MACHINE_EVENT } from './schema.js';

/** One machine with its capacity, normalised to the largest machine of the cell (1.0). */
export interface Machine {
  readonly machineId: number;
  readonly platformId: string;
  readonly cpus: number;
  readonly memory: number;
}

/**
 * Node capacities over time, from machine_events: machines are added (ADD), removed (REMOVE) and
 * resized (UPDATE). Holds the events of one cell (37,780 for the month of clusterdata-2011-2), sorted
 * by time, and answers "which machines, with which capacity, at time t" for the simulator.
 *
 * An ADD or UPDATE with an empty capacity keeps the machine's last known capacity; a machine whose
 * capacity was never given is left out of every list and counted in `unknownCapacity`.
 */
export class MachineTimeline {
  private constructor(
    private readonly events: readonly MachineEvent[],
    /** Machines never given a capacity. */
    readonly unknownCapacity: number,
  ) {}

  /** Builds the timeline from machine_events rows (any order; sorted by time, then as given). */
  static fromEvents(events: readonly MachineEvent[]): MachineTimeline {
    const sorted = events.map((e, i) => ({ e, i })).sort((a, b) => a.e.timeUs - b.e.timeUs || a.i - b.i);
    const known = new Set<number>();
    const all = new Set<number>();
    for (const { e } of sorted) {
      all.add(e.machineId);
      if (!Number.isNaN(e.cpus) && !Number.isNaN(e.memory)) known.add(e.machineId);
    }
    return new MachineTimeline(
      sorted.map((x) => x.e),
      all.size - known.size,
    );
  }

  /** Reads machine_events files (plain or gzip) into a timeline. */
  static async load(files: readonly string[], options: BorgReadOptions = {}): Promise<MachineTimeline> {
    const log = options.issues ?? new IssueLog({ strict: options.strict ?? false });
    const events: MachineEvent[] = [];
    for await (const e of readMachineEvents(files, { ...options, issues: log })) events.push(e);
    return MachineTimeline.fromEvents(events);
  }

  /** Number of events read. */
  get eventCount(): number {
    return this.events.length;
  }

  /** The machines present at trace time `seconds` (events at exactly that time applied), by id. */
  at(seconds: number): Machine[] {
    return this.replay(seconds * 1e6, false);
  }

  /**
   * Every machine that ever appears, with the first capacity it was given: the cell as a whole
   * (12,583 machines for clusterdata-2011-2), for a cluster that does not follow additions and removals.
   */
  all(): Machine[] {
    return this.replay(Infinity, true);
  }

  /** Events in trace seconds [from, to), for a simulator that replays machine changes. */
  changes(from: number, to: number): MachineEvent[] {
    const a = from * 1e6;
    const b = to * 1e6;
    return this.events.filter((e) => e.timeUs >= a && e.timeUs < b);
  }

  private replay(untilUs: number, everSeen: boolean): Machine[] {
    const current = new Map<number, Machine>();
    const removed = new Set<number>();
    for (const e of this.events) {
      if (e.timeUs > untilUs) break;
      const before = current.get(e.machineId);
      if (e.eventType === MACHINE_EVENT.REMOVE) {
        if (!everSeen) removed.add(e.machineId);
        continue;
      }
      removed.delete(e.machineId);
      // all(): keep the first capacity given.
      if (everSeen && before !== undefined && !Number.isNaN(before.cpus) && !Number.isNaN(before.memory))
        continue;
      const cpus = Number.isNaN(e.cpus) ? (before?.cpus ?? NaN) : e.cpus;
      const memory = Number.isNaN(e.memory) ? (before?.memory ?? NaN) : e.memory;
      current.set(e.machineId, {
        machineId: e.machineId,
        platformId: e.platformId || (before?.platformId ?? ''),
        cpus,
        memory,
      });
    }
    const out: Machine[] = [];
    for (const m of current.values()) {
      if (removed.has(m.machineId) || Number.isNaN(m.cpus) || Number.isNaN(m.memory)) continue;
      out.push(m);
    }
    return out.sort((a, b) => a.machineId - b.machineId);
  }
}

/** Machines grouped by capacity, largest groups first: `(0.5 CPU, 0.4995 memory) x 6,672`. */
export function capacityGroups(
  machines: readonly Machine[],
): { cpus: number; memory: number; count: number }[] {
  const groups = new Map<string, { cpus: number; memory: number; count: number }>();
  for (const m of machines) {
    const key = `${m.cpus}/${m.memory}`;
    const g = groups.get(key);
    if (g === undefined) groups.set(key, { cpus: m.cpus, memory: m.memory, count: 1 });
    else g.count++;
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.cpus - b.cpus || a.memory - b.memory);
}
