import { usableEpcBytes } from '../../core/index.js';
import type { Taint } from '../../core/index.js';
import type { ClusterSpec } from './spec.js';

/** One node of a materialised cluster. */
export interface SimNode {
  readonly name: string;
  readonly sgx: boolean;
  /** Usable EPC in bytes (0 on a standard node). */
  readonly epcBytes: number;
  /** PRM size it was derived from, when known (an `epcMiB` sweep replaces it). */
  readonly epcReservedMiB: number | null;
  readonly memoryBytes: number;
  readonly cpuMillis: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
}

/** A cluster as the simulation uses it: every node listed, sorted by name. */
export interface Cluster {
  readonly name: string;
  readonly description: string;
  readonly nodes: readonly SimNode[];
  /** A cluster read from machine_events: the lines skipped as unreadable; absent when none was. */
  readonly machineEvents?: UnreadableLines;
}

/** Input files of which some lines could not be read, and how many per reason. */
export interface UnreadableLines {
  readonly sources: readonly string[];
  readonly skipped: Readonly<Record<string, number>>;
}

/** Lists the nodes of a spec: group `sgx` with count 2 gives `sgx-1`, `sgx-2`. */
export function expandCluster(spec: ClusterSpec): Cluster {
  const nodes: SimNode[] = [];
  for (const g of spec.groups) {
    for (let i = 1; i <= g.count; i++) {
      nodes.push({
        name: `${g.name}-${i}`,
        sgx: g.sgx,
        epcBytes: g.epcBytes,
        epcReservedMiB: g.epcReservedMiB,
        memoryBytes: g.memoryBytes,
        cpuMillis: g.cpuMillis,
        labels: g.labels,
        taints: g.taints,
      });
    }
  }
  return { name: spec.name, description: spec.description, nodes: sortByName(nodes) };
}

export function sortByName(nodes: SimNode[]): SimNode[] {
  return nodes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The same cluster with every SGX node's EPC set from a processor reserved memory (PRM) size by the
 * paper's formula `MiB * 2^20 * 3/4 - 2,621,440` bytes (an experiment's `epcMiB` axis).
 */
export function withEpcReservedMiB(cluster: Cluster, mib: number): Cluster {
  const epcBytes = usableEpcBytes(mib);
  return {
    ...cluster,
    nodes: cluster.nodes.map((n) => (n.sgx ? { ...n, epcReservedMiB: mib, epcBytes } : n)),
  };
}

/** Facts about a cluster for the run metadata. */
export function describeCluster(cluster: Cluster): {
  nodes: number;
  sgxNodes: number;
  epcBytesPerSgxNode: number | null;
  totalEpcBytes: number;
  totalMemoryBytes: number;
} {
  let sgxNodes = 0;
  let totalEpcBytes = 0;
  let totalMemoryBytes = 0;
  let common: number | null | undefined;
  for (const n of cluster.nodes) {
    totalMemoryBytes += n.memoryBytes;
    if (!n.sgx) continue;
    sgxNodes++;
    totalEpcBytes += n.epcBytes;
    common = common === undefined ? n.epcBytes : common === n.epcBytes ? common : null;
  }
  return {
    nodes: cluster.nodes.length,
    sgxNodes,
    epcBytesPerSgxNode: common ?? null,
    totalEpcBytes,
    totalMemoryBytes,
  };
}
