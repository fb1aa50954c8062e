import type { NodePod } from './node-pod.js';

/** The environment variable that tells a container its EPC limit in bytes (for sizing enclaves). */
export const EPC_LIMIT_ENV = 'SGX_EPC_LIMIT_BYTES';

/**
 * The EPC limit to hand a container at device allocation, or undefined when it cannot be known.
 *
 * The kubelet's Allocate call names device slots, not the pod. So the value is given only when it
 * is certain: every container that could be the one being admitted (in a Pending pod of this node,
 * asking for exactly this many enclave slots) has the same EPC limit. Otherwise nothing is set,
 * rather than a guess that could size an enclave wrongly.
 */
export function epcLimitForAllocation(pods: readonly NodePod[], enclaveSlots: number): number | undefined {
  const values = new Set<number>();
  for (const p of pods) {
    if (p.phase !== 'Pending') continue;
    for (const c of p.containers) if (c.enclaveSlots === enclaveSlots) values.add(c.epcLimitBytes);
  }
  if (values.size !== 1) return undefined;
  const [only] = values;
  return only;
}

/** Per-container environment for an Allocate call (one entry per container request). */
export function allocationEnv(
  pods: readonly NodePod[],
  requests: readonly { readonly devicesIds: readonly string[] }[],
): Record<string, string>[] {
  return requests.map((r) => {
    const limit = epcLimitForAllocation(pods, r.devicesIds.length);
    return limit === undefined || limit === 0 ? {} : { [EPC_LIMIT_ENV]: String(limit) };
  });
}
