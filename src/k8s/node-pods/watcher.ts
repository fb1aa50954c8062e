import { CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import type { NodePod } from '../../node-agent/index.js';
import { Informer, type Logger } from '../client/index.js';
import { nodePodOf } from './convert.js';

/**
 * The non-terminal pods bound to one node, from a list+watch with a field selector (the kubelet's own
 * view of "my pods"). `pods()` converts on demand: the agent asks once per sample.
 */
export class NodePodsWatcher {
  private readonly informer: Informer<V1Pod>;
  private readonly enclaveResource: string;
  private readonly log: Logger;
  /** Pods already reported as unreadable, so that each is logged once. */
  private readonly reported = new Set<string>();

  constructor(options: { kc: KubeConfig; nodeName: string; enclaveResource: string; log: Logger }) {
    const core = options.kc.makeApiClient(CoreV1Api);
    const fieldSelector = `spec.nodeName=${options.nodeName},status.phase!=Succeeded,status.phase!=Failed`;
    this.enclaveResource = options.enclaveResource;
    this.log = options.log;
    this.informer = new Informer<V1Pod>({
      kc: options.kc,
      name: 'node-pods',
      path: '/api/v1/pods',
      fieldSelector,
      list: () => core.listPodForAllNamespaces({ fieldSelector }),
      log: options.log,
    });
  }

  /** Lists and starts watching; resolves after the first list. */
  start(): Promise<void> {
    return this.informer.start();
  }

  get synced(): boolean {
    return this.informer.synced;
  }

  /** Pods of the node now; a pod whose resources cannot be read is left out (and logged once). */
  pods(): NodePod[] {
    const out: NodePod[] = [];
    for (const p of this.informer.list()) {
      const r = nodePodOf(p, this.enclaveResource);
      if (r.ok) out.push(r.pod);
      else if (!this.reported.has(r.error)) {
        this.reported.add(r.error);
        this.log('warn', 'pod resources unreadable: its EPC limit is not enforced', { error: r.error });
      }
    }
    return out;
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }
}
