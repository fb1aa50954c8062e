import type { MeasuredUsage, NodeSpec, NodeView } from '../model/node.js';
import type { PodView } from '../model/pod.js';

/**
 * The cluster as the scheduler sees it: nodes, the pods bound or assumed on them, measured usage.
 * Mutable and indexed: the caller applies each decision (`assume`) and each change it observes
 * (`forget`, `setMeasured`, `upsertNode`, `removeNode`), and the snapshot keeps, incrementally, the
 * indexes that let `schedule` select a node in about O(log n).
 *
 * Node views returned by `node()` / `nodes()` are live: they reflect later mutations.
 */
export class ClusterSnapshot {
  constructor(nodes: readonly NodeSpec[] = []) {
    void nodes;
    throw new Error('not implemented');
  }

  /** Number of nodes. */
  get size(): number {
    throw new Error('not implemented');
  }

  /** Adds a node or replaces its spec (its pods and measured usage stay). */
  upsertNode(spec: NodeSpec): void {
    void spec;
    throw new Error('not implemented');
  }

  /** Removes a node and forgets its pods; returns false when it was not there. */
  removeNode(name: string): boolean {
    void name;
    throw new Error('not implemented');
  }

  node(name: string): NodeView | undefined {
    void name;
    throw new Error('not implemented');
  }

  /** All nodes ordered by name (code-point order, the same on every platform). */
  nodes(): readonly NodeView[] {
    throw new Error('not implemented');
  }

  /**
   * Counts `pod` on `nodeName` from now on (a bound pod, or one assumed before its binding lands).
   * Idempotent for the same node; a pod already on another node is moved. Throws for an unknown node.
   */
  assume(pod: PodView, nodeName: string): void {
    void pod;
    void nodeName;
    throw new Error('not implemented');
  }

  /** Removes the pod wherever it is; returns the node it was on, undefined if none (idempotent). */
  forget(uid: string): string | undefined {
    void uid;
    throw new Error('not implemented');
  }

  /** The node a pod is bound or assumed on. */
  nodeOf(uid: string): string | undefined {
    void uid;
    throw new Error('not implemented');
  }

  /** The pod with this uid, if bound or assumed somewhere. */
  pod(uid: string): PodView | undefined {
    void uid;
    throw new Error('not implemented');
  }

  /** Number of pods bound or assumed. */
  get podCount(): number {
    throw new Error('not implemented');
  }

  /** Sets (or clears, with undefined) a node's measured usage. Throws for an unknown node. */
  setMeasured(nodeName: string, usage: MeasuredUsage | undefined): void {
    void nodeName;
    void usage;
    throw new Error('not implemented');
  }
}
