import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { epcBytesFromResource, isEpcResourceName, parseQuantity, quantityToBytes } from '../../core/index.js';
import type { NodePod, NodePodContainer } from '../../node-agent/index.js';
import { tryPodView } from '../client/index.js';

/**
 * A pod of this node as the node agent needs it. The pod's EPC limit is its effective EPC request as
 * the scheduler computes it (the same conversion), so that the limit the kernel enforces is the
 * amount the scheduler reserved.
 */
export function nodePodOf(
  pod: V1Pod,
  enclaveResource: string,
): { ok: true; pod: NodePod } | { ok: false; error: string } {
  const view = tryPodView(pod);
  const where = `pod ${pod.metadata?.namespace ?? 'default'}/${pod.metadata?.name ?? '?'}`;
  if (!view.ok) return { ok: false, error: `${where}: ${view.error}` };
  const containers: NodePodContainer[] = [];
  try {
    for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
      const entry = containerOf(c, enclaveResource);
      if (entry.enclaveSlots > 0 || entry.epcLimitBytes > 0) containers.push(entry);
    }
  } catch (err) {
    return { ok: false, error: `${where}: ${err instanceof Error ? err.message : String(err)}` };
  }
  return {
    ok: true,
    pod: {
      uid: pod.metadata?.uid ?? '',
      namespace: pod.metadata?.namespace ?? 'default',
      name: pod.metadata?.name ?? '',
      phase: pod.status?.phase ?? 'Pending',
      epcLimitBytes: view.view.request.epcBytes,
      containers,
    },
  };
}

function containerOf(c: V1Container, enclaveResource: string): NodePodContainer {
  // Extended resources: a limit alone means request = limit (API server defaulting).
  const amounts: Record<string, string> = {
    ...(c.resources?.limits ?? {}),
    ...(c.resources?.requests ?? {}),
  };
  let epc = 0;
  let slots = 0;
  for (const [name, text] of Object.entries(amounts)) {
    if (isEpcResourceName(name)) epc += epcBytesFromResource(name, String(text));
    else if (name === enclaveResource) slots = quantityToBytes(parseQuantity(String(text)));
  }
  return { name: c.name, enclaveSlots: slots, epcLimitBytes: epc };
}
