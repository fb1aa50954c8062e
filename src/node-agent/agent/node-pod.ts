/**
 * A pod bound to this node, as the agent needs it: plain data, converted from the Kubernetes Pod at
 * the k8s boundary.
 */
export interface NodePod {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  /** `Pending`, `Running`, ... (terminal pods are not listed). */
  readonly phase: string;
  /**
   * The pod's EPC limit in bytes from its spec (the effective request, as the scheduler counts it:
   * request equals limit for extended resources); 0 when it asks for no EPC.
   */
  readonly epcLimitBytes: number;
  /** Containers (init containers included) that ask for SGX device slots or EPC. */
  readonly containers: readonly NodePodContainer[];
}

export interface NodePodContainer {
  readonly name: string;
  /** Slots of the enclave device resource (e.g. `sgx.intel.com/enclave`) the container asks for. */
  readonly enclaveSlots: number;
  /** The container's own EPC limit, bytes. */
  readonly epcLimitBytes: number;
}

/**
 * What limit a pod that asks for no EPC gets: `zero` (no enclave memory at all, as the paper's
 * driver refused enclaves without a registered limit) or `unlimited` (left alone).
 */
export type UnrequestedEpcPolicy = 'zero' | 'unlimited';

export const UNREQUESTED_EPC_POLICIES: readonly UnrequestedEpcPolicy[] = ['zero', 'unlimited'];
