import {
  CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
  type V1Node,
} from '@kubernetes/client-node';
import { errorText, type Logger } from '../client/index.js';
import { planNodeSgx, type CurrentNodeSgx, type DesiredNodeSgx } from './plan.js';

export interface NodeStatusObserver {
  nodeStatusPatch(ok: boolean): void;
}

/**
 * Keeps the node's EPC capacity, SGX label and ownership annotation right: reads the node, patches
 * only what differs (metadata with a merge patch on the node, capacity with a JSON patch on
 * `nodes/status`), and does it again periodically, so that a restarted agent, a changed
 * configuration or a re-registered node (the kubelet recreates it without extended resources) all
 * converge. Errors are logged and retried at the next round.
 */
export class NodeStatusReconciler {
  private readonly core: CoreV1Api;
  private readonly nodeName: string;
  private readonly desired: () => DesiredNodeSgx;
  private readonly log: Logger;
  private readonly observer: NodeStatusObserver | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(options: {
    kc: KubeConfig;
    nodeName: string;
    desired: () => DesiredNodeSgx;
    log: Logger;
    observer?: NodeStatusObserver;
  }) {
    this.core = options.kc.makeApiClient(CoreV1Api);
    this.nodeName = options.nodeName;
    this.desired = options.desired;
    this.log = options.log;
    this.observer = options.observer;
  }

  /** One round; resolves to whether the node was already right or was patched successfully. */
  async reconcileOnce(): Promise<{ ok: boolean; patched: boolean }> {
    let node: V1Node;
    try {
      node = await this.core.readNode({ name: this.nodeName });
    } catch (err) {
      // A round cut short by stop() (its connections closed as the agent exits) is no API error.
      if (this.stopped) return { ok: false, patched: false };
      this.observer?.nodeStatusPatch(false);
      this.log('warn', 'cannot read the node', { node: this.nodeName, error: errorText(err) });
      return { ok: false, patched: false };
    }
    // Stopped while reading: the agent is exiting, and patches sent now would land after it said so.
    if (this.stopped) return { ok: true, patched: false };
    const desired = this.desired();
    const plan = planNodeSgx(currentOf(node), desired);
    let patched = false;
    try {
      if (plan.metadataPatch !== undefined) {
        await this.core.patchNode(
          { name: this.nodeName, body: plan.metadataPatch },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        );
        patched = true;
      }
      if (plan.statusOps.length > 0) {
        await this.core.patchNodeStatus(
          { name: this.nodeName, body: plan.statusOps },
          setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
        );
        patched = true;
      }
    } catch (err) {
      if (this.stopped) return { ok: false, patched };
      this.observer?.nodeStatusPatch(false);
      this.log('warn', 'cannot patch the node', { node: this.nodeName, error: errorText(err) });
      return { ok: false, patched };
    }
    if (patched) {
      this.observer?.nodeStatusPatch(true);
      this.log('info', 'node SGX status updated', {
        node: this.nodeName,
        resource: desired.resourceName,
        epcBytes: desired.epcBytes,
        capable: desired.capable,
      });
    }
    return { ok: true, patched };
  }

  /** Reconciles now and every `intervalMs`. */
  start(intervalMs: number): Promise<{ ok: boolean; patched: boolean }> {
    this.stopped = false;
    this.timer = setInterval(() => void this.reconcileOnce(), intervalMs);
    return this.reconcileOnce();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}

function currentOf(node: V1Node): CurrentNodeSgx {
  return {
    capacity: node.status?.capacity,
    allocatable: node.status?.allocatable,
    labels: node.metadata?.labels ?? {},
    annotations: node.metadata?.annotations ?? {},
  };
}
