import type { MeasuredUsage, NodeSpec, NodeView } from '../model/node.js';
import type { PodView } from '../model/pod.js';
import { NON_ZERO_CPU_MILLIS, NON_ZERO_MEMORY_BYTES } from '../framework/fit.js';
import { isBlockedSpec } from '../policies/filters.js';

/** The snapshot's mutable record of one node. Views (`NodeView`) are built from it on demand. */
export class NodeEntry {
  spec: NodeSpec;
  /** Index in the snapshot's entry table; stable while the node exists. */
  readonly slot: number;
  /** 0 = standard node, 1 = SGX node. */
  group: 0 | 1;
  /** Position in its group's name order (valid when the snapshot's structure is clean). */
  pos = -1;
  blocked: boolean;
  /**
   * The pods here, each at a position that stays its own until it leaves (a freed position is
   * reused). A caller that keeps the position (`ClusterSnapshot.assumeNewAt`) removes its pod with
   * no lookup by uid, so the uid index below is built only on a first lookup by uid: a simulator
   * never needs it, and a hash table per node cost two cache misses per bind and per release.
   */
  private members: (PodView | undefined)[] = [];
  private freePositions: number[] = [];
  private byUid: Map<string, number> | undefined = undefined;
  /** Number of pods here. */
  podCount = 0;
  reqCpu = 0;
  reqMem = 0;
  reqEpc = 0;
  nzCpu = 0;
  nzMem = 0;
  /** The measured usage the indexes read: `sample` while the node has one, else undefined. */
  measured: MeasuredUsage | undefined = undefined;
  /**
   * The node's last sample, overwritten in place by each new one (a simulator sets one per node
   * every few seconds of a month: one object per node, not per sample). Views get a frozen copy.
   */
  private readonly sample = { epcBytes: 0, epcAt: 0, memoryBytes: 0, memoryAt: 0 };
  private cachedView: NodeView | undefined = undefined;

  constructor(spec: NodeSpec, slot: number) {
    this.spec = spec;
    this.slot = slot;
    this.group = spec.sgx ? 1 : 0;
    this.blocked = isBlockedSpec(spec);
  }

  setSpec(spec: NodeSpec): void {
    this.spec = spec;
    this.group = spec.sgx ? 1 : 0;
    this.blocked = isBlockedSpec(spec);
    this.cachedView = undefined;
  }

  /** Adds a pod (the caller knows it is not here); returns its position. */
  add(pod: PodView): number {
    const pos = this.freePositions.pop() ?? this.members.length;
    this.members[pos] = pod;
    this.byUid?.set(pod.uid, pos);
    this.podCount++;
    this.account(pod, 1);
    return pos;
  }

  /** Takes off the pod at `pos` if it is `pod`; false, changing nothing, otherwise. */
  removeAt(pos: number, pod: PodView): boolean {
    if (this.members[pos] !== pod) return false;
    this.members[pos] = undefined;
    this.freePositions.push(pos);
    this.byUid?.delete(pod.uid);
    this.podCount--;
    this.account(pod, -1);
    return true;
  }

  /** The pod with this uid, if it is here. */
  get(uid: string): PodView | undefined {
    const pos = this.uidIndex().get(uid);
    return pos === undefined ? undefined : this.members[pos];
  }

  /** Takes off the pod with this uid; returns it, or undefined when it is not here. */
  removeUid(uid: string): PodView | undefined {
    const pos = this.uidIndex().get(uid);
    if (pos === undefined) return undefined;
    const pod = this.members[pos]!;
    this.removeAt(pos, pod);
    return pod;
  }

  /** The uids of the pods here. */
  *uids(): IterableIterator<string> {
    for (const pod of this.members) if (pod !== undefined) yield pod.uid;
  }

  private uidIndex(): Map<string, number> {
    if (this.byUid === undefined) {
      this.byUid = new Map();
      this.members.forEach((pod, pos) => {
        if (pod !== undefined) this.byUid!.set(pod.uid, pos);
      });
    }
    return this.byUid;
  }

  setMeasured(usage: MeasuredUsage | undefined): void {
    if (usage === undefined) {
      this.measured = undefined;
      this.cachedView = undefined;
    } else this.setSample(usage.epcBytes, usage.epcAt, usage.memoryBytes, usage.memoryAt);
  }

  setSample(epcBytes: number, epcAt: number, memoryBytes: number, memoryAt: number): void {
    const m = this.sample;
    m.epcBytes = epcBytes;
    m.epcAt = epcAt;
    m.memoryBytes = memoryBytes;
    m.memoryAt = memoryAt;
    this.measured = m;
    this.cachedView = undefined;
  }

  private account(pod: PodView, sign: 1 | -1): void {
    const r = pod.request;
    this.reqCpu += sign * r.cpuMillis;
    this.reqMem += sign * r.memoryBytes;
    this.reqEpc += sign * r.epcBytes;
    this.nzCpu += sign * (r.cpuMillis === 0 ? NON_ZERO_CPU_MILLIS : r.cpuMillis);
    this.nzMem += sign * (r.memoryBytes === 0 ? NON_ZERO_MEMORY_BYTES : r.memoryBytes);
    this.cachedView = undefined;
  }

  /** An immutable view of the node as it is now (cached until the next change). */
  view(): NodeView {
    if (this.cachedView !== undefined) return this.cachedView;
    const s = this.spec;
    const base = {
      name: s.name,
      capacity: s.capacity,
      allocatable: s.allocatable,
      labels: s.labels,
      taints: s.taints,
      unschedulable: s.unschedulable,
      sgx: s.sgx,
      pods: Object.freeze(this.members.filter((p): p is PodView => p !== undefined)),
      requested: Object.freeze({ cpuMillis: this.reqCpu, memoryBytes: this.reqMem, epcBytes: this.reqEpc }),
      nonZeroRequested: Object.freeze({
        cpuMillis: this.nzCpu,
        memoryBytes: this.nzMem,
        epcBytes: this.reqEpc,
      }),
    };
    const m = this.measured;
    const view: NodeView = Object.freeze(
      m === undefined
        ? base
        : {
            ...base,
            measured: Object.freeze({
              epcBytes: m.epcBytes,
              epcAt: m.epcAt,
              memoryBytes: m.memoryBytes,
              memoryAt: m.memoryAt,
            }),
          },
    );
    this.cachedView = view;
    return view;
  }
}
