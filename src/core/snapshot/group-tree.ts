/**
 * A segment tree over one node group (SGX nodes, or standard nodes) in name order. Each leaf holds a
 * node's `free` amount per dimension (a request fits when `request < free`, see framework/fit.ts),
 * its used memory and EPC, and whether it needs a static check (cordon, taints). Each inner node
 * keeps max/min free per dimension, the minimum used memory/EPC with how many leaves reach it, the
 * number of leaves and of blocked leaves below it.
 *
 * That is enough to answer, without visiting every node:
 * - the first feasible node by name (binpack): skip subtrees whose max free is too small;
 * - the least-used feasible nodes (spread): branch and bound on min used, and subtrees whose min
 *   free fits the request are known feasible as a whole, so their tie counts are read, not walked;
 * - the k-th feasible node (random): the same "wholly feasible" subtrees count their leaves.
 * An update (pod bound, freed, usage measured) costs O(log n).
 */
import type { Dim } from '../framework/fit.js';

/**
 * CPU thresholds (millicores) of the "skyline" aggregates: for each level k, a subtree keeps the
 * largest free memory and free EPC among its nodes with more than `CPU_LEVELS[k]` CPU free. A pod
 * asking for CPU and memory (or EPC) can then skip a subtree where the nodes with enough CPU lack
 * memory, even though other nodes there have memory but no CPU: per-dimension maxima alone cannot
 * see that, and a full cluster would otherwise be walked node by node.
 */
export const CPU_LEVELS: readonly number[] = [0, 250, 1000, 4000, 16000];

/** Where a leaf vector (see `GroupTree.setLeaf`) holds the used memory and EPC, after the free amounts. */
export const LEAF_USED_MEM = 3;
export const LEAF_USED_EPC = 4;

/** The skyline level for a CPU request (-1: no CPU requested, the skyline does not apply). */
export function cpuLevelOf(cpuMillis: number): number {
  if (!(cpuMillis > 0)) return -1;
  let k = 0;
  while (k + 1 < CPU_LEVELS.length && CPU_LEVELS[k + 1]! <= cpuMillis) k++;
  return k;
}

/** What a query asks: the requested dimensions and amounts, and a static check for some leaves. */
export interface TreeQuery {
  /** Dimensions with a non-zero request. */
  readonly dims: readonly Dim[];
  /** Requested amount, indexed by `Dim`. */
  readonly req: ArrayLike<number>;
  /**
   * Index into `CPU_LEVELS` of the largest level not above the CPU request, or -1 when the pod
   * asks for no CPU (see `cpuLevelOf`).
   */
  readonly cpuLevel: number;
  /** True when every leaf needs `leafOk` (e.g. the pod has a nodeSelector). */
  readonly checkEveryLeaf: boolean;
  /** Static check of the node in `slot`; only called for blocked leaves or when `checkEveryLeaf`. */
  leafOk(slot: number): boolean;
  /** Name of the node in `slot` (to compare winners across groups). */
  nameOf(slot: number): string;
}

/** A run of consecutive tie/feasible leaves found by a query: a subtree root and how many it holds. */
export interface Piece {
  readonly tree: GroupTree;
  readonly index: number;
  readonly count: number;
}

/** The spread dimension: which used amount ranks nodes (memory or EPC). */
export type UsedDim = 0 | 1;

/*
 * Layout: a tree node's aggregates sit side by side in typed arrays, so that an update climbing the
 * tree touches a line or two per level instead of one line in each of thirty separate arrays. What
 * every update and every binpack query reads (free amounts, blocked and real leaves) is `t`, 64 bytes
 * per node: two siblings share 128 bytes, and the hot trees of the Borg cell's 12,583 nodes take
 * 2.5 MiB instead of 10. The families only some queries switch on (spread, skyline) are in `x`,
 * written only once switched on.
 */
/** Doubles per node in `t`. */
const STRIDE = 8;
/** Max free per dimension (3). */
const MAX_FREE = 0;
/** Min free per dimension (3). */
const MIN_FREE = 3;
/** Blocked leaves (cordoned, tainted) below. */
const BLOCKED = 6;
/** Real (non-padding) leaves below. */
const SIZE = 7;

/** Doubles per node in `x`. */
const XSTRIDE = 24;
/** Min used memory (u = 0) and EPC (u = 1). */
const MIN_USED = 0;
/** How many leaves reach MIN_USED[u]. */
const CNT_USED = 2;
/** Among the leaves reaching MIN_USED[u]: min free per dimension, at TIE_FREE + u * 3 + d. */
const TIE_FREE = 4;
/** Among the leaves reaching MIN_USED[u]: how many are blocked. */
const TIE_BLOCKED = 10;
/** Skyline: max free memory / EPC among leaves with CPU free above level k, at SKY_MEM + k. */
const SKY_MEM = 12;
const SKY_EPC = SKY_MEM + CPU_LEVELS.length;

export class GroupTree {
  readonly cap: number;
  /** Node slot at each position (name order). */
  readonly slots: Int32Array;
  /** Hot aggregates of tree node i at [i * STRIDE, (i + 1) * STRIDE) (see the layout above). */
  private readonly t: Float64Array;
  /** Spread and skyline aggregates of tree node i at [i * XSTRIDE, (i + 1) * XSTRIDE). */
  private readonly x: Float64Array;
  /** Used memory and EPC of the leaf at each position (at 2 * pos, 2 * pos + 1), always kept. */
  private readonly leafUsed: Float64Array;
  /** Scratch stack for iterative walks (depth-first, at most one pending sibling per level). */
  private readonly stack: Int32Array;
  /**
   * Aggregate families kept up to date above the leaves, switched on by the first query that needs
   * them (then rebuilt once): the spread family (min used, its ties) for least-used searches, the
   * skyline for pods that request CPU. A binpack run on pods without CPU requests maintains only
   * max/min free, blocked and size: a third of the work per update, in a quarter of the memory.
   * Leaves write `x` once either family is on; until then, what `x` needs is in `t` and `leafUsed`.
   */
  private spreadOn = false;
  private skyOn = false;

  constructor(slots: readonly number[]) {
    let cap = 1;
    while (cap < slots.length) cap *= 2;
    this.cap = cap;
    this.slots = Int32Array.from(slots);
    const t = new Float64Array(2 * cap * STRIDE);
    const x = new Float64Array(2 * cap * XSTRIDE);
    for (let i = 0; i < 2 * cap; i++) {
      const b = i * STRIDE;
      for (let d = 0; d < 3; d++) {
        t[b + MAX_FREE + d] = -Infinity;
        t[b + MIN_FREE + d] = Infinity;
      }
      const e = i * XSTRIDE;
      x[e + MIN_USED] = x[e + MIN_USED + 1] = Infinity;
      for (let k = 0; k < 6; k++) x[e + TIE_FREE + k] = Infinity;
      for (let k = 0; k < CPU_LEVELS.length; k++) x[e + SKY_MEM + k] = x[e + SKY_EPC + k] = -Infinity;
    }
    this.t = t;
    this.x = x;
    this.leafUsed = new Float64Array(2 * cap);
    this.stack = new Int32Array(2 * Math.log2(cap) + 4);
  }

  get length(): number {
    return this.slots.length;
  }

  /**
   * Sets a leaf without fixing its ancestors (call `rebuild` after a batch). `leaf` holds the free
   * amount per dimension (indexes 0-2) and the used memory and EPC (`LEAF_USED_MEM`,
   * `LEAF_USED_EPC`): one array, because doubles passed one by one were boxed on every update.
   */
  setLeafRaw(pos: number, leaf: ArrayLike<number>, blocked: boolean): void {
    const t = this.t;
    const b = (this.cap + pos) * STRIDE;
    for (let d = 0; d < 3; d++) {
      const v = leaf[d]!;
      t[b + MAX_FREE + d] = v;
      t[b + MIN_FREE + d] = v;
    }
    const blockedLeaf = blocked ? 1 : 0;
    t[b + BLOCKED] = blockedLeaf;
    t[b + SIZE] = 1;
    this.leafUsed[2 * pos] = leaf[LEAF_USED_MEM]!;
    this.leafUsed[2 * pos + 1] = leaf[LEAF_USED_EPC]!;
    if (this.spreadOn || this.skyOn) this.setExtraLeaf(pos);
  }

  /** Writes the spread and skyline values of leaf `pos` from its hot values and `leafUsed`. */
  private setExtraLeaf(pos: number): void {
    const t = this.t;
    const x = this.x;
    const b = (this.cap + pos) * STRIDE;
    const e = (this.cap + pos) * XSTRIDE;
    for (let d = 0; d < 3; d++) {
      const v = t[b + MAX_FREE + d]!;
      x[e + TIE_FREE + d] = v;
      x[e + TIE_FREE + 3 + d] = v;
    }
    x[e + MIN_USED] = this.leafUsed[2 * pos]!;
    x[e + MIN_USED + 1] = this.leafUsed[2 * pos + 1]!;
    x[e + CNT_USED] = 1;
    x[e + CNT_USED + 1] = 1;
    const blockedLeaf = t[b + BLOCKED]!;
    x[e + TIE_BLOCKED] = blockedLeaf;
    x[e + TIE_BLOCKED + 1] = blockedLeaf;
    const cpuFree = t[b + MAX_FREE]!;
    for (let k = 0; k < CPU_LEVELS.length; k++) {
      const above = cpuFree > CPU_LEVELS[k]!;
      x[e + SKY_MEM + k] = above ? t[b + MAX_FREE + 1]! : -Infinity;
      x[e + SKY_EPC + k] = above ? t[b + MAX_FREE + 2]! : -Infinity;
    }
  }

  /** True when leaf `pos` holds exactly `leaf` and `blocked` (everything else in it derives from them). */
  private leafHolds(pos: number, leaf: ArrayLike<number>, blocked: boolean): boolean {
    const t = this.t;
    const b = (this.cap + pos) * STRIDE;
    return (
      t[b + MAX_FREE] === leaf[0] &&
      t[b + MAX_FREE + 1] === leaf[1] &&
      t[b + MAX_FREE + 2] === leaf[2] &&
      this.leafUsed[2 * pos] === leaf[LEAF_USED_MEM] &&
      this.leafUsed[2 * pos + 1] === leaf[LEAF_USED_EPC] &&
      t[b + BLOCKED] === (blocked ? 1 : 0)
    );
  }

  /** Switches on the aggregate families `q` needs (and spread's when `spread`), rebuilding once. */
  private prepare(q: TreeQuery, spread: boolean): void {
    const sky = q.cpuLevel >= 0;
    if ((spread && !this.spreadOn) || (sky && !this.skyOn)) {
      // The first family switched on: the leaves' `x` values, not written until now.
      if (!this.spreadOn && !this.skyOn)
        for (let pos = 0; pos < this.slots.length; pos++) this.setExtraLeaf(pos);
      if (spread) this.spreadOn = true;
      if (sky) this.skyOn = true;
      this.rebuild();
    }
  }

  /** Recomputes every inner node: O(n). */
  rebuild(): void {
    for (let i = this.cap - 1; i >= 1; i--) this.pull(i);
  }

  /**
   * Sets a leaf and fixes its ancestors: O(log n). A leaf set to what it already holds (nearly half
   * the updates of a replay: a pod bound where measured usage exceeds the requests, a sample equal
   * to the last) is left alone, and so are its ancestors.
   */
  setLeaf(pos: number, leaf: ArrayLike<number>, blocked: boolean): void {
    if (this.leafHolds(pos, leaf, blocked)) return;
    this.setLeafRaw(pos, leaf, blocked);
    for (let i = (this.cap + pos) >> 1; i >= 1; i >>= 1) if (!this.pull(i)) break;
  }

  /**
   * Recomputes inner node `i` from its children; returns whether anything changed, so that an
   * update can stop climbing as soon as an ancestor is unaffected.
   */
  private pull(i: number): boolean {
    const t = this.t;
    const p = i * STRIDE;
    const l = 2 * p;
    const r = l + STRIDE;
    let changed = false;
    for (let d = 0; d < 3; d++) {
      const hi = Math.max(t[l + MAX_FREE + d]!, t[r + MAX_FREE + d]!);
      const lo = Math.min(t[l + MIN_FREE + d]!, t[r + MIN_FREE + d]!);
      if (t[p + MAX_FREE + d] !== hi || t[p + MIN_FREE + d] !== lo) {
        t[p + MAX_FREE + d] = hi;
        t[p + MIN_FREE + d] = lo;
        changed = true;
      }
    }
    const blocked = t[l + BLOCKED]! + t[r + BLOCKED]!;
    const size = t[l + SIZE]! + t[r + SIZE]!;
    if (t[p + BLOCKED] !== blocked || t[p + SIZE] !== size) {
      t[p + BLOCKED] = blocked;
      t[p + SIZE] = size;
      changed = true;
    }
    if ((this.spreadOn || this.skyOn) && this.pullExtra(i)) changed = true;
    return changed;
  }

  /** `pull` for the spread and skyline families (those switched on). */
  private pullExtra(i: number): boolean {
    const x = this.x;
    const p = i * XSTRIDE;
    const l = 2 * p;
    const r = l + XSTRIDE;
    let changed = false;
    for (let u = 0; u < (this.spreadOn ? 2 : 0); u++) {
      const a = x[l + MIN_USED + u]!;
      const b = x[r + MIN_USED + u]!;
      // Take the side(s) reaching the minimum: counts, tie free amounts and blocked ties follow.
      const from = a < b ? l : b < a ? r : -1;
      const value = from >= 0 ? x[from + MIN_USED + u]! : a;
      const count = from >= 0 ? x[from + CNT_USED + u]! : x[l + CNT_USED + u]! + x[r + CNT_USED + u]!;
      const blockedTies =
        from >= 0 ? x[from + TIE_BLOCKED + u]! : x[l + TIE_BLOCKED + u]! + x[r + TIE_BLOCKED + u]!;
      if (
        x[p + MIN_USED + u] !== value ||
        x[p + CNT_USED + u] !== count ||
        x[p + TIE_BLOCKED + u] !== blockedTies
      ) {
        x[p + MIN_USED + u] = value;
        x[p + CNT_USED + u] = count;
        x[p + TIE_BLOCKED + u] = blockedTies;
        changed = true;
      }
      const tf = TIE_FREE + u * 3;
      for (let d = 0; d < 3; d++) {
        const v = from >= 0 ? x[from + tf + d]! : Math.min(x[l + tf + d]!, x[r + tf + d]!);
        if (x[p + tf + d] !== v) {
          x[p + tf + d] = v;
          changed = true;
        }
      }
    }
    for (let k = 0; k < (this.skyOn ? CPU_LEVELS.length : 0); k++) {
      const m = Math.max(x[l + SKY_MEM + k]!, x[r + SKY_MEM + k]!);
      const e = Math.max(x[l + SKY_EPC + k]!, x[r + SKY_EPC + k]!);
      if (x[p + SKY_MEM + k] !== m || x[p + SKY_EPC + k] !== e) {
        x[p + SKY_MEM + k] = m;
        x[p + SKY_EPC + k] = e;
        changed = true;
      }
    }
    return changed;
  }

  /** Free amount of the leaf at `pos` in dimension `d`. */
  leafFree(pos: number, d: Dim): number {
    return this.t[(this.cap + pos) * STRIDE + MAX_FREE + d]!;
  }

  /** Could a feasible leaf be below `i`? (resources only) */
  private possible(i: number, q: TreeQuery): boolean {
    const t = this.t;
    const b = i * STRIDE;
    if (t[b + SIZE] === 0) return false;
    const dims = q.dims;
    const req = q.req;
    // Indexed loops: `for...of` here allocated an iterator per visited subtree.
    for (let j = 0; j < dims.length; j++) {
      const d = dims[j]!;
      if (!(req[d]! < t[b + MAX_FREE + d]!)) return false;
    }
    const k = q.cpuLevel;
    if (k >= 0) {
      // Among the nodes with enough CPU (a superset: CPU free above level k), is there memory/EPC?
      const e = i * XSTRIDE;
      if (req[1]! > 0 && !(req[1]! < this.x[e + SKY_MEM + k]!)) return false;
      if (req[2]! > 0 && !(req[2]! < this.x[e + SKY_EPC + k]!)) return false;
    }
    return true;
  }

  /** Is every leaf below `i` feasible? */
  private wholly(i: number, q: TreeQuery): boolean {
    const t = this.t;
    const b = i * STRIDE;
    if (q.checkEveryLeaf || t[b + BLOCKED] !== 0 || t[b + SIZE] === 0) return false;
    const dims = q.dims;
    for (let j = 0; j < dims.length; j++) {
      const d = dims[j]!;
      if (!(q.req[d]! < t[b + MIN_FREE + d]!)) return false;
    }
    return true;
  }

  /** Does every leaf below `i` that reaches `minUsed[u]` fit? */
  private tiesFit(i: number, q: TreeQuery, u: UsedDim): boolean {
    const x = this.x;
    const b = i * XSTRIDE;
    if (q.checkEveryLeaf || x[b + TIE_BLOCKED + u] !== 0 || x[b + CNT_USED + u] === 0) return false;
    const dims = q.dims;
    const tf = b + TIE_FREE + u * 3;
    for (let j = 0; j < dims.length; j++) {
      const d = dims[j]!;
      if (!(q.req[d]! < x[tf + d]!)) return false;
    }
    return true;
  }

  private leafFeasible(i: number, q: TreeQuery): boolean {
    const t = this.t;
    const b = i * STRIDE;
    if (t[b + SIZE] === 0) return false;
    const dims = q.dims;
    for (let j = 0; j < dims.length; j++) {
      const d = dims[j]!;
      if (!(q.req[d]! < t[b + MAX_FREE + d]!)) return false;
    }
    if (q.checkEveryLeaf || t[b + BLOCKED] !== 0) return q.leafOk(this.slots[i - this.cap]!);
    return true;
  }

  /** Is the node at `pos` feasible for `q`? */
  feasibleAt(pos: number, q: TreeQuery): boolean {
    return this.leafFeasible(this.cap + pos, q);
  }

  /** Position of the first feasible leaf in name order, or -1. */
  first(q: TreeQuery): number {
    this.prepare(q, false);
    const found = this.firstBelow(1, q);
    return found < 0 ? -1 : found - this.cap;
  }

  private firstBelow(i: number, q: TreeQuery): number {
    if (!this.possible(i, q)) return -1;
    if (i >= this.cap) return this.leafFeasible(i, q) ? i : -1;
    if (this.wholly(i, q)) {
      // Every leaf fits: the leftmost non-padding leaf.
      while (i < this.cap) i = this.t[2 * i * STRIDE + SIZE]! > 0 ? 2 * i : 2 * i + 1;
      return i;
    }
    const left = this.firstBelow(2 * i, q);
    return left >= 0 ? left : this.firstBelow(2 * i + 1, q);
  }

  /** Smallest used amount (memory u=0, EPC u=1) over feasible leaves, or `bound` if none is lower. */
  minFeasibleUsed(q: TreeQuery, u: UsedDim, bound: number): number {
    this.prepare(q, true);
    return this.minBelow(1, q, u, bound);
  }

  private minBelow(i: number, q: TreeQuery, u: UsedDim, best: number): number {
    const x = this.x;
    const mu = x[i * XSTRIDE + MIN_USED + u]!;
    if (!(mu < best) || !this.possible(i, q)) return best;
    if (i >= this.cap) return this.leafFeasible(i, q) ? mu : best;
    if (this.tiesFit(i, q, u)) return mu;
    const l = 2 * i;
    const r = l + 1;
    // Visit the more promising child first so the bound tightens early.
    if (x[r * XSTRIDE + MIN_USED + u]! < x[l * XSTRIDE + MIN_USED + u]!) {
      best = this.minBelow(r, q, u, best);
      return this.minBelow(l, q, u, best);
    }
    best = this.minBelow(l, q, u, best);
    return this.minBelow(r, q, u, best);
  }

  /** Appends, in name order, the pieces holding the feasible leaves whose used amount equals `value`. */
  collectTies(q: TreeQuery, u: UsedDim, value: number, out: Piece[]): void {
    this.prepare(q, true);
    this.tiesBelow(1, q, u, value, out);
  }

  private tiesBelow(i: number, q: TreeQuery, u: UsedDim, value: number, out: Piece[]): void {
    const mu = this.x[i * XSTRIDE + MIN_USED + u]!;
    if (mu > value || !this.possible(i, q)) return;
    if (i >= this.cap) {
      if (mu === value && this.leafFeasible(i, q)) out.push({ tree: this, index: i, count: 1 });
      return;
    }
    if (mu === value && this.tiesFit(i, q, u)) {
      out.push({ tree: this, index: i, count: this.x[i * XSTRIDE + CNT_USED + u]! });
      return;
    }
    if (this.wholly(i, q)) return; // every leaf fits but none reaches `value`
    this.tiesBelow(2 * i, q, u, value, out);
    this.tiesBelow(2 * i + 1, q, u, value, out);
  }

  /** Position of the k-th (0-based) leaf with used amount `value` inside a piece whose ties all fit. */
  nthTie(index: number, u: UsedDim, value: number, k: number): number {
    if (!this.spreadOn) throw new Error('nthTie before collectTies');
    const x = this.x;
    let i = index;
    while (i < this.cap) {
      const l = 2 * i;
      const c = x[l * XSTRIDE + MIN_USED + u] === value ? x[l * XSTRIDE + CNT_USED + u]! : 0;
      if (k < c) i = l;
      else {
        k -= c;
        i = l + 1;
      }
    }
    return i - this.cap;
  }

  /** Number of leaves that need a static check (cordoned or tainted nodes). */
  get blockedCount(): number {
    return this.t[STRIDE + BLOCKED] ?? 0;
  }

  /**
   * Counts the unblocked leaves whose free amount in `d` is too small for `req` (`free <= req`),
   * and finds the one with the most free (first in name order on ties). Subtrees wholly short or
   * wholly sufficient are counted without being walked, so a full cluster costs about O(log n).
   */
  insufficient(d: Dim, req: number): ShortfallCount {
    const out: ShortfallCount = { count: 0, bestFree: -Infinity, bestPos: -1 };
    let bestIndex = -1;
    const t = this.t;
    const mx = MAX_FREE + d;
    const mn = MIN_FREE + d;
    // Iterative left-to-right walk (an explicit stack: this runs on every failed decision).
    const stack = this.stack;
    let top = 0;
    stack[top++] = 1;
    while (top > 0) {
      const i = stack[--top]!;
      const b = i * STRIDE;
      if (t[b + SIZE]! - t[b + BLOCKED]! === 0 || t[b + mn]! > req) continue;
      if (t[b + BLOCKED] === 0 && t[b + mx]! <= req) {
        out.count += t[b + SIZE]!;
        if (t[b + mx]! > out.bestFree) {
          out.bestFree = t[b + mx]!;
          bestIndex = i;
        }
        continue;
      }
      if (i >= this.cap) continue; // a blocked leaf: the caller checks those one by one
      stack[top++] = 2 * i + 1;
      stack[top++] = 2 * i;
    }
    if (bestIndex >= 0) {
      let i = bestIndex;
      while (i < this.cap) {
        const l = 2 * i * STRIDE;
        i = t[l + mx] === out.bestFree && t[l + SIZE]! > 0 ? 2 * i : 2 * i + 1;
      }
      out.bestPos = i - this.cap;
    }
    return out;
  }

  /** Appends, in name order, pieces that together hold exactly the feasible leaves. */
  collectFeasible(q: TreeQuery, out: Piece[]): void {
    this.prepare(q, false);
    this.feasibleBelow(1, q, out);
  }

  private feasibleBelow(i: number, q: TreeQuery, out: Piece[]): void {
    if (!this.possible(i, q)) return;
    if (i >= this.cap) {
      if (this.leafFeasible(i, q)) out.push({ tree: this, index: i, count: 1 });
      return;
    }
    if (this.wholly(i, q)) {
      out.push({ tree: this, index: i, count: this.t[i * STRIDE + SIZE]! });
      return;
    }
    this.feasibleBelow(2 * i, q, out);
    this.feasibleBelow(2 * i + 1, q, out);
  }

  /** Position of the k-th (0-based) leaf inside a wholly feasible piece. */
  nthLeaf(index: number, k: number): number {
    let i = index;
    while (i < this.cap) {
      const l = 2 * i;
      const c = this.t[l * STRIDE + SIZE]!;
      if (k < c) i = l;
      else {
        k -= c;
        i = l + 1;
      }
    }
    return i - this.cap;
  }
}

/** Result of `GroupTree.insufficient`: how many unblocked leaves lack room, and the closest one. */
export interface ShortfallCount {
  count: number;
  /** Largest free amount among them (-Infinity when count is 0). */
  bestFree: number;
  /** Position of the first leaf (name order) with `bestFree`, or -1. */
  bestPos: number;
}
