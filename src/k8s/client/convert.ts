/**
 * Pods and nodes from client-node objects to the core's views, at the k8s boundary. The reading of
 * requests, EPC resources and SGX nodes is the one the extender uses on its wire JSON (client-node's
 * model classes carry the same camelCase fields), so the scheduler and the extender cannot disagree.
 */
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { NodeSpec, PodView } from '../../core/index.js';
import { nodeFromJson, podFromJson, ConversionError } from '../extender/convert.js';
import type { ConvertOptions } from '../extender/convert.js';
import type { JsonObject } from '../extender/wire.js';

export { ConversionError, parseEpcResource } from '../extender/convert.js';
export type { ConvertOptions } from '../extender/convert.js';

export function podViewOf(pod: V1Pod): PodView {
  return podFromJson(pod as unknown as JsonObject);
}

export function nodeSpecOf(node: V1Node, opts: ConvertOptions): NodeSpec {
  return nodeFromJson(node as unknown as JsonObject, opts, `Node ${node.metadata?.name ?? '?'}`);
}

/** What the scheduling loop needs to know about a pod besides its view. */
export interface PodState {
  /** `namespace/name`, the informer key. */
  readonly key: string;
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  readonly nodeName: string | undefined;
  readonly schedulerName: string;
  readonly phase: string;
  readonly deleting: boolean;
  readonly gated: boolean;
  readonly priority: number;
  readonly resourceVersion: string;
}

export function podKey(pod: V1Pod): string {
  return `${pod.metadata?.namespace ?? 'default'}/${pod.metadata?.name ?? ''}`;
}

export function podStateOf(pod: V1Pod): PodState {
  const ns = pod.metadata?.namespace ?? 'default';
  const name = pod.metadata?.name ?? '';
  const nodeName = pod.spec?.nodeName;
  return {
    key: `${ns}/${name}`,
    uid: pod.metadata?.uid ?? `${ns}/${name}`,
    namespace: ns,
    name,
    nodeName: nodeName === undefined || nodeName === '' ? undefined : nodeName,
    schedulerName: pod.spec?.schedulerName ?? 'default-scheduler',
    phase: pod.status?.phase ?? 'Pending',
    // Watch events carry strings, lists carry Dates: presence is what counts.
    deleting: pod.metadata?.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null,
    gated: (pod.spec?.schedulingGates?.length ?? 0) > 0,
    priority: pod.spec?.priority ?? 0,
    resourceVersion: pod.metadata?.resourceVersion ?? '',
  };
}

export function isTerminal(phase: string): boolean {
  return phase === 'Succeeded' || phase === 'Failed';
}

/** Converts, or explains in one line why a pod cannot be read (bad quantity, ...). */
export function tryPodView(pod: V1Pod): { ok: true; view: PodView } | { ok: false; error: string } {
  try {
    return { ok: true, view: podViewOf(pod) };
  } catch (err) {
    return { ok: false, error: err instanceof ConversionError ? err.message : String(err) };
  }
}
