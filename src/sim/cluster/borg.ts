import { createRng, shuffle } from '../../core/index.js';
import { readMachineEvents } from '../../trace/index.js';
import type { MachineEvent } from '../../trace/index.js';
import { sortByName } from './cluster.js';
import type { Cluster, SimNode } from './cluster.js';

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
  /** Machine id -> first capacities seen (the ADD, or the first UPDATE that gives them). */
  readonly machines: ReadonlyMap<number, { cpus: number; memory: number }>;
  /** Machines seen without any capacity (left out). */
  readonly withoutCapacity: number;
}

/** Reads every machine ever added in `machine_events` with its capacities. */
export async function readBorgMachines(files: readonly string[]): Promise<BorgMachines> {
  const machines = new Map<number, { cpus: number; memory: number }>();
  const seen = new Set<number>();
  for await (const e of readMachineEvents(files) as AsyncIterable<MachineEvent>) {
    seen.add(e.machineId);
    if (e.eventType === 1 || machines.has(e.machineId)) continue;
    if (Number.isNaN(e.memory) || e.memory <= 0) continue;
    machines.set(e.machineId, { cpus: Number.isNaN(e.cpus) ? 0 : e.cpus, memory: e.memory });
  }
  return { machines, withoutCapacity: seen.size - machines.size };
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
  };
}
