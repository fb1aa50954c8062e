import type { MeasuredUsage, NodeSpec, NodeView } from '../model/node.js';
import type { PodView } from '../model/pod.js';
import type { UsageParams } from '../framework/fit.js';
import { NodeEntry } from './node-entry.js';
import { UsageIndex } from './usage-index.js';

function byName(a: NodeEntry, b: NodeEntry): number {
  const x = a.spec.name;
  const y = b.spec.name;
  return x < y ? -1 : x > y ? 1 : 0;
}

const keys = new WeakMap<UsageParams, string>();

/** Profiles with equal usage parameters share one index. */
function paramsKey(p: UsageParams): string {
  let key = keys.get(p);
  if (key === undefined) {
    key = `${p.measured ? 'm' : 'r'}|${p.tolerance}|${p.strict ? 's' : 'i'}|${p.maxAge ?? ''}`;
    keys.set(p, key);
  }
  return key;
}

/**
 * The cluster as the scheduler sees it: nodes, the pods bound or assumed on them, measured usage.
 * Mutable and indexed: the caller applies each decision (`assume`) and each change it observes
 * (`forget`, `setMeasured`, `upsertNode`, `removeNode`), and the snapshot keeps, incrementally, the
 * indexes that let `schedule` select a node in about O(log n).
 *
 * Node views returned by `node()` / `nodes()` are immutable pictures of the node when they were
 * taken; ask again after a change.
 */
export class ClusterSnapshot {
  private readonly entries: (NodeEntry | undefined)[] = [];
  private readonly freeSlots: number[] = [];
  private readonly byNodeName = new Map<string, NodeEntry>();
  /** Node of each pod by uid; out of date while `podNodeStale` (see `assumeNewAt`). */
  private readonly podNode = new Map<string, NodeEntry>();
  private podNodeStale = false;
  private podTotal = 0;
  /** Entries per group in name order; undefined when nodes were added, removed or regrouped. */
  private groups: [NodeEntry[], NodeEntry[]] | undefined = undefined;
  private sortedEntries: NodeEntry[] | undefined = undefined;
  private sortedViews: readonly NodeView[] | undefined = undefined;
  /** Cordoned or tainted nodes per group, in name order; undefined after a spec change. */
  private blocked: [NodeEntry[], NodeEntry[]] | undefined = undefined;
  private readonly indexes = new Map<string, UsageIndex>();
  /** The same indexes as a list, iterated on every change without allocating an iterator. */
  private indexList: UsageIndex[] = [];

  constructor(nodes: readonly NodeSpec[] = []) {
    for (const spec of nodes) this.upsertNode(spec);
  }

  /** Number of nodes. */
  get size(): number {
    return this.byNodeName.size;
  }

  /** Number of pods bound or assumed. */
  get podCount(): number {
    return this.podTotal;
  }

  /** Adds a node or replaces its spec (its pods and measured usage stay). */
  upsertNode(spec: NodeSpec): void {
    const existing = this.byNodeName.get(spec.name);
    if (existing === undefined) {
      const slot = this.freeSlots.pop() ?? this.entries.length;
      const entry = new NodeEntry(spec, slot);
      this.entries[slot] = entry;
      this.byNodeName.set(spec.name, entry);
      this.structureChanged();
      return;
    }
    const group = existing.group;
    const wasBlocked = existing.blocked;
    existing.setSpec(spec);
    this.sortedViews = undefined;
    if (existing.blocked !== wasBlocked) this.blocked = undefined;
    if (existing.group !== group) this.structureChanged();
    else this.touch(existing, false);
  }

  /** Removes a node and forgets its pods; returns false when it was not there. */
  removeNode(name: string): boolean {
    const entry = this.byNodeName.get(name);
    if (entry === undefined) return false;
    if (!this.podNodeStale) for (const uid of entry.uids()) this.podNode.delete(uid);
    this.podTotal -= entry.podCount;
    this.byNodeName.delete(name);
    this.entries[entry.slot] = undefined;
    this.freeSlots.push(entry.slot);
    this.structureChanged();
    return true;
  }

  node(name: string): NodeView | undefined {
    return this.byNodeName.get(name)?.view();
  }

  /** All nodes ordered by name (code-point order, the same on every platform). */
  nodes(): readonly NodeView[] {
    if (this.sortedViews === undefined) {
      this.sortedEntries ??= [...this.byNodeName.values()].sort(byName);
      // Views are cached per node, so only the nodes that changed are rebuilt.
      this.sortedViews = Object.freeze(this.sortedEntries.map((e) => e.view()));
    }
    return this.sortedViews;
  }

  /**
   * Counts `pod` on `nodeName` from now on (a bound pod, or one assumed before its binding lands).
   * Idempotent for the same node; a pod already on another node is moved. Throws for an unknown node.
   */
  assume(pod: PodView, nodeName: string): void {
    const entry = this.byNodeName.get(nodeName);
    if (entry === undefined) throw new Error(`cannot place pod ${pod.uid} on unknown node ${nodeName}`);
    const podNode = this.podIndex();
    const current = podNode.get(pod.uid);
    if (current !== undefined) {
      current.removeUid(pod.uid);
      this.podTotal--;
      if (current !== entry) this.touch(current, false);
    }
    entry.add(pod);
    this.podTotal++;
    podNode.set(pod.uid, entry);
    this.touch(entry, false);
  }

  /**
   * The slot of a node: a number that stands for it in `assumeNewAt`, `forgetAt` and
   * `setMeasuredAt` until it is removed (-1 for an unknown node). For a caller that tracks its own
   * nodes, such as a simulator: no lookup by name on each change.
   */
  slotOf(nodeName: string): number {
    return this.byNodeName.get(nodeName)?.slot ?? -1;
  }

  /**
   * `assume` for a pod the caller knows is on no node (a simulator binding a fresh pod), on the node
   * in `slot` (see `slotOf`): the same effect without the uid index, which is rebuilt the next time
   * a lookup by uid needs it (over a long run with a hundred thousand pods alive, that index cost two
   * random accesses per bind). Returns the pod's position there, which `forgetAt` takes back: a
   * removal with no lookup by uid either.
   */
  assumeNewAt(pod: PodView, slot: number): number {
    const entry = this.entryOrThrow(slot, 'cannot place pod', pod);
    const pos = entry.add(pod);
    this.podTotal++;
    this.podNodeStale = true;
    this.touch(entry, false);
    return pos;
  }

  /**
   * Takes `pod` off the node in `slot`, where `assumeNewAt` gave it position `pos`; returns false,
   * changing nothing, when that position does not hold this pod.
   */
  forgetAt(pod: PodView, slot: number, pos: number): boolean {
    const entry = this.entryOrThrow(slot, 'cannot forget pod', pod);
    if (!entry.removeAt(pos, pod)) return false;
    this.podTotal--;
    if (!this.podNodeStale) this.podNode.delete(pod.uid);
    this.touch(entry, false);
    return true;
  }

  /** Removes the pod wherever it is; returns the node it was on, undefined if none (idempotent). */
  forget(uid: string): string | undefined {
    const podNode = this.podIndex();
    const entry = podNode.get(uid);
    if (entry === undefined) return undefined;
    entry.removeUid(uid);
    this.podTotal--;
    podNode.delete(uid);
    this.touch(entry, false);
    return entry.spec.name;
  }

  /** The node a pod is bound or assumed on. */
  nodeOf(uid: string): string | undefined {
    return this.podIndex().get(uid)?.spec.name;
  }

  /** The pod with this uid, if bound or assumed somewhere. */
  pod(uid: string): PodView | undefined {
    return this.podIndex().get(uid)?.get(uid);
  }

  /** Sets (or clears, with undefined) a node's measured usage. Throws for an unknown node. */
  setMeasured(nodeName: string, usage: MeasuredUsage | undefined): void {
    const entry = this.byNodeName.get(nodeName);
    if (entry === undefined) throw new Error(`cannot set measured usage of unknown node ${nodeName}`);
    entry.setMeasured(usage);
    this.touch(entry, true);
  }

  /** `setMeasured` of the node in `slot` (see `slotOf`), field by field: no object per sample. */
  setMeasuredAt(slot: number, epcBytes: number, epcAt: number, memoryBytes: number, memoryAt: number): void {
    const entry = this.entryOrThrow(slot, 'cannot set measured usage');
    entry.setSample(epcBytes, epcAt, memoryBytes, memoryAt);
    this.touch(entry, true);
  }

  // ---- for the scheduling functions of this package (not part of the public surface) ----

  /** @internal The node record by name. */
  entryOf(name: string): NodeEntry | undefined {
    return this.byNodeName.get(name);
  }

  /** @internal The node record in a slot. */
  entryAt(slot: number): NodeEntry | undefined {
    return this.entries[slot];
  }

  /** @internal Both groups (standard, SGX) in name order. */
  groupEntries(): readonly [readonly NodeEntry[], readonly NodeEntry[]] {
    if (this.groups === undefined) {
      const groups: [NodeEntry[], NodeEntry[]] = [[], []];
      for (const e of this.byNodeName.values()) groups[e.group].push(e);
      for (const g of groups) {
        g.sort(byName);
        g.forEach((e, pos) => (e.pos = pos));
      }
      this.groups = groups;
    }
    return this.groups;
  }

  /** @internal Cordoned or tainted nodes of a group, in name order (usually few). */
  blockedEntries(group: 0 | 1): readonly NodeEntry[] {
    if (this.blocked === undefined) {
      const groups = this.groupEntries();
      this.blocked = [groups[0].filter((e) => e.blocked), groups[1].filter((e) => e.blocked)];
    }
    return this.blocked[group];
  }

  /** @internal The index of a usage view, created on first use, advanced to `now`. */
  usageIndex(params: UsageParams, now: number): UsageIndex {
    const groups = this.groupEntries();
    const key = paramsKey(params);
    let index = this.indexes.get(key);
    if (index === undefined) {
      index = new UsageIndex(params, this.entries, groups);
      this.indexes.set(key, index);
      this.indexList.push(index);
    }
    index.advance(now);
    return index;
  }

  /** The node in `slot`; throws for an empty slot (the message is built only then: hot path). */
  private entryOrThrow(slot: number, what: string, pod?: PodView): NodeEntry {
    const entry = this.entries[slot];
    if (entry === undefined)
      throw new Error(`${what}${pod === undefined ? '' : ` ${pod.uid}`}: no node in slot ${slot}`);
    return entry;
  }

  /** The uid index, rebuilt from the nodes' pods if `assumeNewAt` has left it out of date. */
  private podIndex(): Map<string, NodeEntry> {
    if (this.podNodeStale) {
      this.podNode.clear();
      for (const e of this.entries) if (e !== undefined) for (const uid of e.uids()) this.podNode.set(uid, e);
      this.podNodeStale = false;
    }
    return this.podNode;
  }

  private structureChanged(): void {
    this.groups = undefined;
    this.sortedEntries = undefined;
    this.blocked = undefined;
    this.sortedViews = undefined;
    // Views are rebuilt on next use: node churn is rare next to pod churn.
    this.indexes.clear();
    this.indexList = [];
  }

  private touch(entry: NodeEntry, measurementChanged: boolean): void {
    this.sortedViews = undefined;
    if (this.groups === undefined) return;
    const list = this.indexList;
    for (let i = 0; i < list.length; i++) list[i]!.update(entry, measurementChanged);
  }
}
