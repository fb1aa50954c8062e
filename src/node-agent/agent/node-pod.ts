/**
 * A pod bound to this node, as the agent needs it: plain data, converted from the Kubernetes Pod at
 * the k8s boundary.
 */
export interface NodePod {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  /** The pod's EPC limit in bytes from its spec; 0 when it asks for no EPC. */
  readonly epcLimitBytes: number;
}

/**
 * What limit a pod that asks for no EPC gets: `zero` (no enclave memory at all, as the paper's
 * driver refused enclaves without a registered limit) or `unlimited` (left alone).
 */
export type UnrequestedEpcPolicy = 'zero' | 'unlimited';

export const UNREQUESTED_EPC_POLICIES: readonly UnrequestedEpcPolicy[] = ['zero', 'unlimited'];
