/**
 * The cluster as the scheduler and the extender see it: informers on nodes and on every
 * non-terminal pod (bound pods count on their node; the scheduler's own pending pods are among them),
 * applied to the core's `ClusterSnapshot`. Also the "assume" half of the scheduler's assume/bind
 * cycle: a pod assumed on a node counts there at once and stays counted, whatever the informer says
 * about it meanwhile, until its binding is seen (confirmed) or the scheduler forgets it (bind failed).
 * Every handler is idempotent: a relist after 410 re-delivers every object and changes nothing.
 */
import { CoreV1Api } from '@kubernetes/client-node';
import type { KubeConfig, V1Node, V1Pod } from '@kubernetes/client-node';
import { ClusterSnapshot } from '../../core/index.js';
import type { MeasuredUsage, PodView } from '../../core/index.js';
import { Informer } from './informer.js';
import {
  type ConvertOptions,
  type PodState,
  isTerminal,
  nodeSpecOf,
  podStateOf,
  tryPodView,
} from './convert.js';
import { type Logger, errorText } from './log.js';

/** kube-scheduler's own pod informer selector: everything not finished. */
export const NON_TERMINAL_PODS = 'status.phase!=Succeeded,status.phase!=Failed';

export type PodEvent = 'add' | 'update' | 'delete';

export interface ClusterCacheOptions {
  readonly kc: KubeConfig;
  readonly convert: ConvertOptions;
  readonly log: Logger;
  /** Watch pods too (default true); the extender in full-NodeList mode may not need them. */
  readonly pods?: boolean;
  /** Called after the cache applied a pod event. */
  readonly onPod?: (state: PodState, pod: V1Pod, event: PodEvent) => void;
  /** Called after the cache applied a node event (capacity may have changed). */
  readonly onNode?: (name: string, event: PodEvent) => void;
  readonly initialBackoffMs?: number;
}

interface Placement {
  readonly view: PodView;
  readonly node: string;
}

export class ClusterCache {
  readonly snapshot = new ClusterSnapshot();
  private readonly nodeInformer: Informer<V1Node>;
  private readonly podInformer: Informer<V1Pod> | undefined;
  /** Bound (or assumed) pods by uid, kept even while their node is unknown. */
  private readonly placements = new Map<string, Placement>();
  private readonly byNode = new Map<string, Set<string>>();
  /** Assumed and not yet seen bound by the informer. */
  private readonly assumed = new Set<string>();
  private readonly badPods = new Set<string>();
  /** Node names in the snapshot (a cheap membership test; `snapshot.node()` builds a view). */
  private readonly nodeNames = new Set<string>();

  constructor(private readonly opts: ClusterCacheOptions) {
    const core = opts.kc.makeApiClient(CoreV1Api);
    const common = {
      kc: opts.kc,
      log: opts.log,
      ...(opts.initialBackoffMs === undefined ? {} : { initialBackoffMs: opts.initialBackoffMs }),
    };
    this.nodeInformer = new Informer<V1Node>({
      ...common,
      name: 'nodes',
      path: '/api/v1/nodes',
      list: () => core.listNode(),
    });
    this.nodeInformer.on({
      add: (n) => this.upsertNode(n, 'add'),
      update: (n) => this.upsertNode(n, 'update'),
      delete: (n) => this.removeNode(n),
    });
    if (opts.pods !== false) {
      this.podInformer = new Informer<V1Pod>({
        ...common,
        name: 'pods',
        path: '/api/v1/pods',
        fieldSelector: NON_TERMINAL_PODS,
        list: () => core.listPodForAllNamespaces({ fieldSelector: NON_TERMINAL_PODS }),
      });
      this.podInformer.on({
        add: (p) => this.applyPod(p, 'add'),
        update: (p) => this.applyPod(p, 'update'),
        delete: (p) => this.applyPod(p, 'delete'),
      });
    }
  }

  /** Lists nodes, then pods (so bound pods find their nodes), then watches both. */
  async start(): Promise<void> {
    await this.nodeInformer.start();
    await this.podInformer?.start();
  }

  async stop(): Promise<void> {
    await Promise.all([this.nodeInformer.stop(), this.podInformer?.stop()]);
  }

  get synced(): boolean {
    return this.nodeInformer.synced && (this.podInformer?.synced ?? true);
  }

  get informerRestarts(): number {
    return this.nodeInformer.restarts + (this.podInformer?.restarts ?? 0);
  }

  /** The pod as last seen by the informer. */
  pod(namespace: string, name: string): V1Pod | undefined {
    return this.podInformer?.get(name, namespace);
  }

  pods(): readonly V1Pod[] {
    return this.podInformer?.list() ?? [];
  }

  /** Counts `view` on `node` now, before its binding is confirmed. */
  assume(view: PodView, node: string): void {
    this.assumed.add(view.uid);
    this.place(view, node);
  }

  /** Undoes `assume` after a failed bind (a no-op once the binding was observed). */
  forgetAssumed(uid: string): void {
    if (!this.assumed.delete(uid)) return;
    this.unplace(uid);
  }

  isAssumed(uid: string): boolean {
    return this.assumed.has(uid);
  }

  get assumedCount(): number {
    return this.assumed.size;
  }

  /** Sets measured usage of a node the cache knows; unknown nodes are ignored (returns false). */
  setMeasured(node: string, usage: MeasuredUsage | undefined): boolean {
    if (!this.nodeNames.has(node)) return false;
    this.snapshot.setMeasured(node, usage);
    return true;
  }

  private place(view: PodView, node: string): void {
    const old = this.placements.get(view.uid);
    if (old !== undefined && old.node !== node) this.byNode.get(old.node)?.delete(view.uid);
    this.placements.set(view.uid, { view, node });
    let set = this.byNode.get(node);
    if (set === undefined) {
      set = new Set();
      this.byNode.set(node, set);
    }
    set.add(view.uid);
    if (this.nodeNames.has(node)) this.snapshot.assume(view, node);
    else this.snapshot.forget(view.uid);
  }

  private unplace(uid: string): void {
    const old = this.placements.get(uid);
    if (old === undefined) return;
    this.placements.delete(uid);
    this.byNode.get(old.node)?.delete(uid);
    this.snapshot.forget(uid);
  }

  private upsertNode(node: V1Node, event: PodEvent): void {
    const name = node.metadata?.name ?? '';
    let spec;
    try {
      spec = nodeSpecOf(node, this.opts.convert);
    } catch (err) {
      this.opts.log('warn', 'node skipped: cannot read it', { node: name, error: errorText(err) });
      return;
    }
    const known = this.nodeNames.has(name);
    this.snapshot.upsertNode(spec);
    this.nodeNames.add(name);
    if (!known) {
      // Pods seen bound to this node before the node itself: count them now.
      for (const uid of this.byNode.get(name) ?? []) {
        const p = this.placements.get(uid);
        if (p !== undefined) this.snapshot.assume(p.view, name);
      }
    }
    this.opts.onNode?.(name, event);
  }

  private removeNode(node: V1Node): void {
    const name = node.metadata?.name ?? '';
    this.snapshot.removeNode(name);
    this.nodeNames.delete(name);
    this.opts.onNode?.(name, 'delete');
  }

  private applyPod(pod: V1Pod, event: PodEvent): void {
    const state = podStateOf(pod);
    if (event === 'delete' || isTerminal(state.phase)) {
      this.assumed.delete(state.uid);
      this.badPods.delete(state.uid);
      this.unplace(state.uid);
    } else if (state.nodeName !== undefined) {
      const assumedThere = this.assumed.has(state.uid) ? this.placements.get(state.uid) : undefined;
      if (assumedThere !== undefined && assumedThere.node === state.nodeName) {
        // Our own binding observed: the assumed view is already counted there.
        this.assumed.delete(state.uid);
        this.opts.onPod?.(state, pod, event);
        return;
      }
      const converted = tryPodView(pod);
      if (converted.ok) {
        this.assumed.delete(state.uid);
        this.place(converted.view, state.nodeName);
      } else if (!this.badPods.has(state.uid)) {
        this.badPods.add(state.uid);
        this.opts.log('warn', 'bound pod not counted: cannot read its requests', {
          pod: state.key,
          error: converted.error,
        });
      }
    }
    // An unbound pod changes nothing here: if it is assumed, its binding is in flight.
    this.opts.onPod?.(state, pod, event);
  }
}
