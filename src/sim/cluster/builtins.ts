import { USABLE_EPC_128MIB_BYTES, usableEpcBytes } from '../../core/index.js';
import type { ClusterSpec, NodeGroupSpec } from './spec.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

function group(
  name: string,
  count: number,
  memoryBytes: number,
  cpuMillis: number,
  epc?: { usableBytes: number; reservedMiB: number | null },
): NodeGroupSpec {
  return {
    name,
    count,
    sgx: epc !== undefined,
    epcBytes: epc?.usableBytes ?? 0,
    epcReservedMiB: epc?.reservedMiB ?? null,
    memoryBytes,
    cpuMillis,
    labels: {},
    taints: [],
  };
}

/**
 * The paper's cluster (Vaucher et al., ICDCS 2018): two SGX nodes with a 128 MiB PRM, hence 93.5 MiB
 * = 23,936 pages of usable EPC, and two standard nodes. **Assumption:** every node has 32 GiB of
 * memory (the paper's runner maps a standard job's memory fraction onto 32 GiB) and 8 CPUs (a
 * 4-core, 8-thread desktop part of the SGX1 generation); the paper's scheduler ignored CPU.
 */
export const PAPER_CLUSTER: ClusterSpec = {
  name: 'paper',
  description: '2 SGX nodes (93.5 MiB usable EPC, PRM 128 MiB) + 2 standard nodes, 32 GiB and 8 CPUs each',
  groups: [
    group('sgx', 2, 32 * GiB, 8000, { usableBytes: USABLE_EPC_128MIB_BYTES, reservedMiB: 128 }),
    group('std', 2, 32 * GiB, 8000),
  ],
};

/**
 * Azure DCsv3 / DCdsv3 sizes (3rd-gen Xeon Scalable 8370C): EPC from Microsoft's `dcv3-series.md`
 * (reference/sgx.md §4.1); memory 8 GiB per vCPU as listed on the same page. Each preset is four
 * SGX VMs of that size plus four standard VMs with the same vCPUs and memory.
 */
const DCSV3: readonly [string, number, number][] = [
  // [size, vCPUs, EPC GiB]
  ['dc1s-v3', 1, 4],
  ['dc2s-v3', 2, 8],
  ['dc4s-v3', 4, 16],
  ['dc8s-v3', 8, 32],
  ['dc16s-v3', 16, 64],
  ['dc24s-v3', 24, 128],
  ['dc32s-v3', 32, 192],
  ['dc48s-v3', 48, 256],
];

function azure(size: string, vcpus: number, epcGiB: number): ClusterSpec {
  return {
    name: `azure-${size}`,
    description: `4 Azure ${size.toUpperCase().replace(/-V3$/, '_v3')} VMs (${epcGiB} GiB EPC, ${vcpus} vCPUs, ${vcpus * 8} GiB) + 4 standard VMs of the same size`,
    groups: [
      group('sgx', 4, vcpus * 8 * GiB, vcpus * 1000, { usableBytes: epcGiB * GiB, reservedMiB: null }),
      group('std', 4, vcpus * 8 * GiB, vcpus * 1000),
    ],
  };
}

/**
 * Bare-metal Xeon Scalable servers. Intel KB 000059614 (reference/sgx.md §5.1): 3rd-gen (Ice Lake-SP)
 * "up to 512 GB EPC per socket, up to 1 TB on a two-socket platform"; some 4th-gen (Sapphire Rapids)
 * SKUs 128 GB. **Assumption:** 2 sockets, 64 cores and 1 TiB of memory per server.
 */
function xeon(name: string, epcGiBPerSocket: number, description: string): ClusterSpec {
  return {
    name,
    description,
    groups: [
      group('sgx', 4, 1024 * GiB, 64_000, { usableBytes: 2 * epcGiBPerSocket * GiB, reservedMiB: null }),
      group('std', 4, 1024 * GiB, 64_000),
    ],
  };
}

/** The SGX1 desktop generation with a 256 MiB PRM (pre-Ice-Lake Xeon E3: "maximum EPC 256 MB"). */
const SGX1_256: ClusterSpec = {
  name: 'xeon-e3-256m',
  description:
    '2 SGX nodes with a 256 MiB PRM (usable EPC by the paper formula) + 2 standard nodes, 32 GiB each',
  groups: [
    group('sgx', 2, 32 * GiB, 8000, { usableBytes: usableEpcBytes(256), reservedMiB: 256 }),
    group('std', 2, 32 * GiB, 8000),
  ],
};

/** Every built-in cluster except `borg` (which is built from the trace's machine table). */
export const BUILTIN_CLUSTERS: ReadonlyMap<string, ClusterSpec> = new Map(
  [
    PAPER_CLUSTER,
    SGX1_256,
    ...DCSV3.map(([s, c, e]) => azure(s, c, e)),
    xeon(
      'xeon-icelake-2s',
      512,
      '4 two-socket Ice Lake-SP servers (512 GiB EPC per socket) + 4 standard servers, 1 TiB memory each',
    ),
    xeon(
      'xeon-sapphire-2s-128g',
      128,
      '4 two-socket Sapphire Rapids servers with 128 GiB EPC SKUs + 4 standard servers, 1 TiB memory each',
    ),
  ].map((c) => [c.name, c]),
);

/** For messages: the names a user can give to `--cluster`. */
export function builtinClusterNames(): string[] {
  return [...BUILTIN_CLUSTERS.keys(), 'borg'];
}

export { MiB as MIB_BYTES, GiB as GIB_BYTES };
