import { createRng, shuffle } from '../../core/index.js';
import {
  IssueLog,
  TraceInputError,
  issueTotal,
  readMachineEvents,
  skippedNote,
  sortedSkipped,
} from '../../trace/index.js';
import type { IssueSummary, MachineEvent } from '../../trace/index.js';
import { sortByName } from './cluster.js';
import type { Cluster, SimNode, UnreadableLines } from './cluster.js';

export interface BorgClusterOptions {
  /** Share of machines given SGX, in [0, 1], drawn with `seed` (exactly round(share * machines)). */
  readonly sgxNodeShare: number;
  readonly seed: number;
  /** Usable EPC of an SGX machine, bytes. */
  readonly epcBytes: number;
  readonly epcReservedMiB: number | null;
  /** Bytes of memory for a normalised capacity of 1.0 (the workload's scale: 32 GiB by default). */
  readonly memoryBytesPerUnit: number;
  /** Millicores for a normalised CPU capacity of 1.0 (0 = CPU not modelled). */
  readonly cpuMillisPerUnit: number;
}

export interface BorgMachines {
  /** The machine_events files or folders, as given. */
  readonly sources: readonly string[];
  /** Machine id -> first capacities seen (the ADD, or the first UPDATE that gives them). */
  readonly machines: ReadonlyMap<number, { cpus: number; memory: number }>;
  /** Machines seen without any capacity (left out). */
  readonly withoutCapacity: number;
  /** Lines that could not be read (skipped), by reason, with their first `file:line` examples. */
  readonly issues: IssueSummary;
}

/** What a machine_events row holds, for messages about input that has none. */
const MACHINE_EVENTS_ROW =
  'a machine_events row has 6 comma-separated fields: time, machine ID, event type (0 ADD, 1 REMOVE, ' +
  '2 UPDATE), platform ID, CPUs, memory (e.g. 0,5,0,HofLGzk1Or/8Ildj2+Lqv0UGGvY82NLoni8+J/Yy0RU=,0.5,0.2493)';

/**
 * Reads every machine ever added in `machine_events` with its capacities. Malformed lines are
 * skipped and counted in `issues`; input without a single machine with a capacity is a
 * `TraceInputError`, since it would make a cluster without nodes where no pod can run.
 */
export async function readBorgMachines(sources: readonly string[]): Promise<BorgMachines> {
  const log = new IssueLog();
  const machines = new Map<number, { cpus: number; memory: number }>();
  const seen = new Set<number>();
  for await (const e of readMachineEvents(sources, { issues: log }) as AsyncIterable<MachineEvent>) {
    seen.add(e.machineId);
    if (e.eventType === 1 || machines.has(e.machineId)) continue;
    if (Number.isNaN(e.memory) || e.memory <= 0) continue;
    machines.set(e.machineId, { cpus: Number.isNaN(e.cpus) ? 0 : e.cpus, memory: e.memory });
  }
  const issues = log.summary();
  if (machines.size === 0) throw noMachineError(sources, seen.size, issues);
  return { sources, machines, withoutCapacity: seen.size - machines.size, issues };
}

/** Names the input and says why it gave no machine: its lines were unreadable, or had no capacity. */
function noMachineError(sources: readonly string[], seen: number, issues: IssueSummary): TraceInputError {
  const where = sources.join(', ');
  if (seen > 0) {
    return new TraceInputError(
      `${where}: no machine with a capacity: none of the ${plural(seen, 'machine')} listed is given a ` +
        `memory capacity above 0 (field 6); give the trace's machine_events table, whose ADD rows have one`,
    );
  }
  return new TraceInputError(
    `${where}: no machine could be read: ${skippedNote(issues)}; ${MACHINE_EVENTS_ROW}: ` +
      `is this the trace's machine_events table?`,
  );
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * The Borg cell as a cluster: one node per machine (`m-<id>`), capacities scaled from the trace's
 * normalised units, a seeded choice of SGX machines. The cluster is static: every machine that ever
 * appears is present for the whole run (machine removals are not replayed).
 */
export function borgCluster(m: BorgMachines, o: BorgClusterOptions): Cluster {
  if (!(o.sgxNodeShare >= 0 && o.sgxNodeShare <= 1)) {
    throw new RangeError(`SGX node share must be in [0, 1], got ${o.sgxNodeShare}`);
  }
  const ids = [...m.machines.keys()].sort((a, b) => a - b);
  const sgxCount = Math.round(o.sgxNodeShare * ids.length);
  const chosen = new Set(shuffle([...ids], createRng(o.seed)).slice(0, sgxCount));
  const nodes: SimNode[] = ids.map((id) => {
    const cap = m.machines.get(id)!;
    const sgx = chosen.has(id);
    return {
      name: `m-${id}`,
      sgx,
      epcBytes: sgx ? o.epcBytes : 0,
      epcReservedMiB: sgx ? o.epcReservedMiB : null,
      memoryBytes: Math.floor((cap.memory * o.memoryBytesPerUnit) / 4096) * 4096,
      cpuMillis: Math.round(cap.cpus * o.cpuMillisPerUnit),
      labels: {},
      taints: [],
    };
  });
  return {
    name: 'borg',
    description: `Borg cell from machine_events: ${ids.length} machines, ${sgxCount} with SGX (${Math.round(o.sgxNodeShare * 100)} %)`,
    nodes: sortByName(nodes),
    ...(issueTotal(m.issues) === 0 ? {} : { machineEvents: unreadableLines(m) }),
  };
}

/** The lines `readBorgMachines` skipped, per reason, keyed as a trace's `skipped` counts are. */
function unreadableLines(m: BorgMachines): UnreadableLines {
  const skipped: Record<string, number> = {};
  for (const [reason, count] of Object.entries(m.issues)) if (count.count > 0) skipped[reason] = count.count;
  return { sources: m.sources, skipped: sortedSkipped(skipped) };
}
