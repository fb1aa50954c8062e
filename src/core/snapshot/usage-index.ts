/**
 * The indexes of one usage view (a profile's way of counting usage: measured or requests, tolerance,
 * strict or inclusive fit, staleness bound) over a snapshot: per node, the used and free amounts in
 * each dimension, and one `GroupTree` per node group. The snapshot keeps every view it has handed
 * out up to date on each mutation; a view advances to `now` lazily (measured samples expire).
 */
import type { UsageParams } from '../framework/fit.js';
import { CPU, EPC, MEMORY, freeAmount, hasStaleMeasurement, isFresh, usedAmount } from '../framework/fit.js';
import { GroupTree, LEAF_USED_EPC, LEAF_USED_MEM } from './group-tree.js';
import type { NodeEntry } from './node-entry.js';

/** Min-heap of (expiry time, slot) for measured samples that will go stale. */
class ExpiryHeap {
  private keys: number[] = [];
  private slots: number[] = [];

  get size(): number {
    return this.keys.length;
  }

  clear(): void {
    this.keys = [];
    this.slots = [];
  }

  push(key: number, slot: number): void {
    const k = this.keys;
    const s = this.slots;
    let i = k.length;
    k.push(key);
    s.push(slot);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (k[p]! <= key) break;
      k[i] = k[p]!;
      s[i] = s[p]!;
      i = p;
    }
    k[i] = key;
    s[i] = slot;
  }

  peek(): number {
    return this.keys[0] ?? Infinity;
  }

  /** Removes the smallest entry and returns its slot. */
  pop(): number {
    const k = this.keys;
    const s = this.slots;
    const top = s[0]!;
    const lastKey = k.pop()!;
    const lastSlot = s.pop()!;
    const n = k.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && k[c + 1]! < k[c]!) c++;
        if (k[c]! >= lastKey) break;
        k[i] = k[c]!;
        s[i] = s[c]!;
        i = c;
      }
      k[i] = lastKey;
      s[i] = lastSlot;
    }
    return top;
  }
}

/** Doubles per node in `UsageIndex.scoringRows`: 6 used, padded to one 64-byte cache line. */
export const SCORING_STRIDE = 8;

/** Which node groups a search covers: 0 = standard nodes, 1 = SGX nodes, 2 = both. */
export type TierId = 0 | 1 | 2;

export class UsageIndex {
  /** Group 0: standard nodes; group 1: SGX nodes. */
  readonly trees: [GroupTree, GroupTree];
  /** The trees of each `TierId`, in candidate order. */
  readonly tierTrees: readonly [readonly GroupTree[], readonly GroupTree[], readonly GroupTree[]];
  /** Used amounts per slot, dimension-major: used[d][slot]. */
  readonly used: [Float64Array, Float64Array, Float64Array];
  readonly free: [Float64Array, Float64Array, Float64Array];
  private stale: Uint8Array;
  /** Key of the node's entry in `expiries` (Infinity: none). */
  private readonly pendingExpiry: Float64Array;
  private staleNodes = 0;
  private now = -Infinity;
  private readonly expiries = new ExpiryHeap();
  /** The leaf vector of the node last computed: free per dimension, then used memory and EPC. */
  private readonly scratch = new Float64Array(5);
  /**
   * What kube-style scorers read of each node, one 64-byte row per slot (`SCORING_STRIDE`):
   * allocatable CPU, memory, EPC, then the non-zero requests counted under this view (max(measured,
   * non-zero requests) while a sample is fresh). Kept only once a scored decision asked for it
   * (`scoringRows`), so that indexed policies pay nothing for it.
   */
  private scoring: Float64Array | undefined = undefined;

  constructor(
    readonly params: UsageParams,
    private readonly entries: readonly (NodeEntry | undefined)[],
    groups: readonly [readonly NodeEntry[], readonly NodeEntry[]],
  ) {
    const n = Math.max(1, entries.length);
    const arr = (): Float64Array => new Float64Array(n);
    this.used = [arr(), arr(), arr()];
    this.free = [arr(), arr(), arr()];
    this.stale = new Uint8Array(n);
    this.pendingExpiry = new Float64Array(n).fill(Infinity);
    this.trees = [new GroupTree(groups[0].map((e) => e.slot)), new GroupTree(groups[1].map((e) => e.slot))];
    this.tierTrees = [[this.trees[0]], [this.trees[1]], this.trees];
    this.recomputeAll();
  }

  /** Number of nodes whose measurement is present but too old to be used. */
  get staleCount(): number {
    return this.staleNodes;
  }

  private recomputeAll(): void {
    this.staleNodes = 0;
    this.stale.fill(0);
    this.expiries.clear();
    this.pendingExpiry.fill(Infinity);
    for (const tree of this.trees) {
      for (let pos = 0; pos < tree.length; pos++) {
        const entry = this.entries[tree.slots[pos]!]!;
        this.computeSlot(entry);
        this.scheduleExpiry(entry);
        tree.setLeafRaw(pos, this.scratch, entry.blocked);
      }
      tree.rebuild();
    }
  }

  /** Recomputes used/free of one node into the arrays (and `scratch` = its leaf vector). */
  private computeSlot(e: NodeEntry): void {
    const p = this.params;
    const slot = e.slot;
    const alloc = e.spec.allocatable;
    const m = e.measured;
    const uc = usedAmount(CPU, e.reqCpu, m, p, this.now);
    const um = usedAmount(MEMORY, e.reqMem, m, p, this.now);
    const ue = usedAmount(EPC, e.reqEpc, m, p, this.now);
    const fc = freeAmount(alloc.cpuMillis, uc, p);
    const fm = freeAmount(alloc.memoryBytes, um, p);
    const fe = freeAmount(alloc.epcBytes, ue, p);
    const used = this.used;
    const free = this.free;
    used[CPU][slot] = uc;
    used[MEMORY][slot] = um;
    used[EPC][slot] = ue;
    this.scratch[CPU] = free[CPU][slot] = fc;
    this.scratch[MEMORY] = free[MEMORY][slot] = fm;
    this.scratch[EPC] = free[EPC][slot] = fe;
    this.scratch[LEAF_USED_MEM] = um;
    this.scratch[LEAF_USED_EPC] = ue;
    if (this.scoring !== undefined) this.writeScoringRow(e);
    const isStale = hasStaleMeasurement(m, p, this.now) ? 1 : 0;
    this.staleNodes += isStale - this.stale[slot]!;
    this.stale[slot] = isStale;
  }

  /**
   * Keeps at most one pending expiry per node: the earliest moment one of its fresh samples goes
   * stale. When it fires, the node is recomputed and its next expiry (if any) scheduled, so the
   * heap stays as small as the cluster however often probes report.
   */
  private scheduleExpiry(e: NodeEntry): void {
    const p = this.params;
    const m = e.measured;
    if (!p.measured || m === undefined || p.maxAge === undefined) return;
    // Only samples that are fresh now can expire later; `isFresh` is the one definition.
    let next = Infinity;
    if (isFresh(m.epcAt, this.now, p.maxAge)) next = m.epcAt + p.maxAge;
    if (isFresh(m.memoryAt, this.now, p.maxAge)) next = Math.min(next, m.memoryAt + p.maxAge);
    if (next === Infinity) return;
    const pending = this.pendingExpiry[e.slot]!;
    if (pending <= next) return; // fires first, and reschedules then
    this.expiries.push(next, e.slot);
    this.pendingExpiry[e.slot] = next;
  }

  /** The scorers' rows (see `scoring`), switched on and filled on first use; indexed by slot. */
  scoringRows(): Float64Array {
    if (this.scoring === undefined) {
      this.scoring = new Float64Array(this.stale.length * SCORING_STRIDE);
      for (const e of this.entries) if (e !== undefined) this.writeScoringRow(e);
    }
    return this.scoring;
  }

  private writeScoringRow(e: NodeEntry): void {
    const rows = this.scoring!;
    const p = this.params;
    const m = e.measured;
    const alloc = e.spec.allocatable;
    const at = e.slot * SCORING_STRIDE;
    rows[at] = alloc.cpuMillis;
    rows[at + 1] = alloc.memoryBytes;
    rows[at + 2] = alloc.epcBytes;
    rows[at + 3] = usedAmount(CPU, e.nzCpu, m, p, this.now);
    rows[at + 4] = usedAmount(MEMORY, e.nzMem, m, p, this.now);
    rows[at + 5] = usedAmount(EPC, e.reqEpc, m, p, this.now);
  }

  /** Called by the snapshot after any change to a node's pods, spec or measurement. */
  update(e: NodeEntry, measurementChanged: boolean): void {
    this.computeSlot(e);
    if (measurementChanged) this.scheduleExpiry(e);
    this.trees[e.group].setLeaf(e.pos, this.scratch, e.blocked);
  }

  /** Moves the view's clock to `now`: samples that expired meanwhile stop counting. */
  advance(now: number): void {
    if (now === this.now) return;
    if (now < this.now) {
      // Time went backwards (a caller replaying, or clocks disagreeing): samples may be fresh again.
      this.now = now;
      this.recomputeAll();
      return;
    }
    this.now = now;
    while (this.expiries.size > 0 && this.expiries.peek() < now) {
      const key = this.expiries.peek();
      const slot = this.expiries.pop();
      if (this.pendingExpiry[slot] === key) this.pendingExpiry[slot] = Infinity;
      const e = this.entries[slot];
      if (e !== undefined && e.slot === slot) this.update(e, true);
    }
  }
}
