/**
 * Resource vectors and EPC resource names.
 *
 * Every amount in the core is a JavaScript number holding an exact integer in the smallest unit we
 * account: millicores for CPU, bytes for memory and EPC. Integers below 2^53 add exactly, so summing
 * 10,000 pods never drifts (2^53 bytes is 8 PiB, far above any node).
 */

/** A page of EPC (and of memory): 4 KiB. */
export const PAGE_BYTES = 4096;

export interface Resources {
  /** CPU in millicores. */
  readonly cpuMillis: number;
  /** Standard memory in bytes. */
  readonly memoryBytes: number;
  /** Enclave Page Cache in bytes (normalised from whichever EPC resource name the pod used). */
  readonly epcBytes: number;
}

export const ZERO_RESOURCES: Resources = Object.freeze({ cpuMillis: 0, memoryBytes: 0, epcBytes: 0 });

/** Which dimension of a `Resources` vector a reason or a scorer talks about. */
export type ResourceKind = 'cpu' | 'memory' | 'epc';

/** The EPC resource names the product understands, and the size in bytes of one unit of each. */
export const EPC_RESOURCE_UNITS = {
  /** Intel's device plugin stack: a byte quantity. */
  'sgx.intel.com/epc': 1,
  /** The paper's research device plugin: one device = one 4 KiB page. */
  'intel.com/sgx': PAGE_BYTES,
  /** AKS confidential computing add-on. */
  'kubernetes.azure.com/sgx_epc_mem_in_MiB': 1024 * 1024,
  /** Alibaba Cloud. */
  'alibabacloud.com/sgx_epc_MiB': 1024 * 1024,
} as const satisfies Record<string, number>;

export type EpcResourceName = keyof typeof EPC_RESOURCE_UNITS;

export const EPC_RESOURCE_NAMES = Object.keys(EPC_RESOURCE_UNITS) as readonly EpcResourceName[];

export function isEpcResourceName(name: string): name is EpcResourceName {
  return Object.prototype.hasOwnProperty.call(EPC_RESOURCE_UNITS, name);
}
