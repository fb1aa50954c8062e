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
  readonly req: readonly number[];
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

export class GroupTree {
  readonly cap: number;
  /** Node slot at each position (name order). */
  readonly slots: Int32Array;
  private readonly maxFree: Float64Array[];
  private readonly minFree: Float64Array[];
  private readonly minUsed: Float64Array[];
  private readonly cntUsed: Int32Array[];
  /**
   * Among the leaves reaching `minUsed[u]`: the minimum free per dimension (`tieFree[u * 3 + d]`)
   * and how many are blocked. When every tie fits, spread counts them without walking them.
   */
  private readonly tieFree: Float64Array[];
  private readonly tieBlocked: Int32Array[];
  private readonly blocked: Int32Array;
  /** Skyline: `skyMem[k]` / `skyEpc[k]` = max free memory / EPC among leaves with CPU free > level k. */
  private readonly skyMem: Float64Array[];
  private readonly skyEpc: Float64Array[];
  /** Scratch stack for iterative walks (depth-first, at most one pending sibling per level). */
  private readonly stack: Int32Array;
  private readonly size: Int32Array;

  constructor(slots: readonly number[]) {
    let cap = 1;
    while (cap < slots.length) cap *= 2;
    this.cap = cap;
    this.slots = Int32Array.from(slots);
    const f = (fill: number): Float64Array => new Float64Array(2 * cap).fill(fill);
    this.maxFree = [f(-Infinity), f(-Infinity), f(-Infinity)];
    this.minFree = [f(Infinity), f(Infinity), f(Infinity)];
    this.minUsed = [f(Infinity), f(Infinity)];
    this.cntUsed = [new Int32Array(2 * cap), new Int32Array(2 * cap)];
    this.tieFree = [f(Infinity), f(Infinity), f(Infinity), f(Infinity), f(Infinity), f(Infinity)];
    this.tieBlocked = [new Int32Array(2 * cap), new Int32Array(2 * cap)];
    this.blocked = new Int32Array(2 * cap);
    this.size = new Int32Array(2 * cap);
    this.skyMem = CPU_LEVELS.map(() => f(-Infinity));
    this.skyEpc = CPU_LEVELS.map(() => f(-Infinity));
    this.stack = new Int32Array(2 * Math.log2(cap) + 4);
  }

  get length(): number {
    return this.slots.length;
  }

  /** Sets a leaf without fixing its ancestors (call `rebuild` after a batch). */
  setLeafRaw(pos: number, free: ArrayLike<number>, usedMem: number, usedEpc: number, blocked: boolean): void {
    const i = this.cap + pos;
    for (let d = 0; d < 3; d++) {
      const v = free[d]!;
      this.maxFree[d]![i] = v;
      this.minFree[d]![i] = v;
    }
    this.minUsed[0]![i] = usedMem;
    this.minUsed[1]![i] = usedEpc;
    this.cntUsed[0]![i] = 1;
    this.cntUsed[1]![i] = 1;
    for (let k = 0; k < 6; k++) this.tieFree[k]![i] = free[k % 3]!;
    this.tieBlocked[0]![i] = blocked ? 1 : 0;
    this.tieBlocked[1]![i] = blocked ? 1 : 0;
    this.blocked[i] = blocked ? 1 : 0;
    this.size[i] = 1;
    const cpuFree = free[0]!;
    for (let k = 0; k < CPU_LEVELS.length; k++) {
      const above = cpuFree > CPU_LEVELS[k]!;
      this.skyMem[k]![i] = above ? free[1]! : -Infinity;
      this.skyEpc[k]![i] = above ? free[2]! : -Infinity;
    }
  }

  /** Recomputes every inner node: O(n). */
  rebuild(): void {
    for (let i = this.cap - 1; i >= 1; i--) this.pull(i);
  }

  /** Sets a leaf and fixes its ancestors: O(log n). */
  setLeaf(pos: number, free: ArrayLike<number>, usedMem: number, usedEpc: number, blocked: boolean): void {
    this.setLeafRaw(pos, free, usedMem, usedEpc, blocked);
    for (let i = (this.cap + pos) >> 1; i >= 1; i >>= 1) if (!this.pull(i)) break;
  }

  /**
   * Recomputes inner node `i` from its children; returns whether anything changed, so that an
   * update can stop climbing as soon as an ancestor is unaffected.
   */
  private pull(i: number): boolean {
    const l = 2 * i;
    const r = l + 1;
    let changed = false;
    for (let d = 0; d < 3; d++) {
      const mx = this.maxFree[d]!;
      const mn = this.minFree[d]!;
      const hi = Math.max(mx[l]!, mx[r]!);
      const lo = Math.min(mn[l]!, mn[r]!);
      if (mx[i] !== hi || mn[i] !== lo) {
        mx[i] = hi;
        mn[i] = lo;
        changed = true;
      }
    }
    for (let u = 0; u < 2; u++) {
      const mu = this.minUsed[u]!;
      const cu = this.cntUsed[u]!;
      const tb = this.tieBlocked[u]!;
      const a = mu[l]!;
      const b = mu[r]!;
      // Take the side(s) reaching the minimum: counts, tie free amounts and blocked ties follow.
      const from = a < b ? l : b < a ? r : -1;
      const value = from >= 0 ? mu[from]! : a;
      const count = from >= 0 ? cu[from]! : cu[l]! + cu[r]!;
      const blockedTies = from >= 0 ? tb[from]! : tb[l]! + tb[r]!;
      if (mu[i] !== value || cu[i] !== count || tb[i] !== blockedTies) {
        mu[i] = value;
        cu[i] = count;
        tb[i] = blockedTies;
        changed = true;
      }
      for (let d = 0; d < 3; d++) {
        const tf = this.tieFree[u * 3 + d]!;
        const v = from >= 0 ? tf[from]! : Math.min(tf[l]!, tf[r]!);
        if (tf[i] !== v) {
          tf[i] = v;
          changed = true;
        }
      }
    }
    for (let k = 0; k < CPU_LEVELS.length; k++) {
      const sm = this.skyMem[k]!;
      const se = this.skyEpc[k]!;
      const m = Math.max(sm[l]!, sm[r]!);
      const e = Math.max(se[l]!, se[r]!);
      if (sm[i] !== m || se[i] !== e) {
        sm[i] = m;
        se[i] = e;
        changed = true;
      }
    }
    const blocked = this.blocked[l]! + this.blocked[r]!;
    const size = this.size[l]! + this.size[r]!;
    if (this.blocked[i] !== blocked || this.size[i] !== size) {
      this.blocked[i] = blocked;
      this.size[i] = size;
      changed = true;
    }
    return changed;
  }

  /** Free amount of the leaf at `pos` in dimension `d`. */
  leafFree(pos: number, d: Dim): number {
    return this.maxFree[d]![this.cap + pos]!;
  }

  /** Could a feasible leaf be below `i`? (resources only) */
  private possible(i: number, q: TreeQuery): boolean {
    if (this.size[i] === 0) return false;
    for (const d of q.dims) if (!(q.req[d]! < this.maxFree[d]![i]!)) return false;
    const k = q.cpuLevel;
    if (k >= 0) {
      // Among the nodes with enough CPU (a superset: CPU free above level k), is there memory/EPC?
      if (q.req[1]! > 0 && !(q.req[1]! < this.skyMem[k]![i]!)) return false;
      if (q.req[2]! > 0 && !(q.req[2]! < this.skyEpc[k]![i]!)) return false;
    }
    return true;
  }

  /** Is every leaf below `i` feasible? */
  private wholly(i: number, q: TreeQuery): boolean {
    if (q.checkEveryLeaf || this.blocked[i] !== 0 || this.size[i] === 0) return false;
    for (const d of q.dims) if (!(q.req[d]! < this.minFree[d]![i]!)) return false;
    return true;
  }

  /** Does every leaf below `i` that reaches `minUsed[u]` fit? */
  private tiesFit(i: number, q: TreeQuery, u: UsedDim): boolean {
    if (q.checkEveryLeaf || this.tieBlocked[u]![i] !== 0 || this.cntUsed[u]![i] === 0) return false;
    for (const d of q.dims) if (!(q.req[d]! < this.tieFree[u * 3 + d]![i]!)) return false;
    return true;
  }

  private leafFeasible(i: number, q: TreeQuery): boolean {
    if (this.size[i] === 0) return false;
    for (const d of q.dims) if (!(q.req[d]! < this.maxFree[d]![i]!)) return false;
    if (q.checkEveryLeaf || this.blocked[i] !== 0) return q.leafOk(this.slots[i - this.cap]!);
    return true;
  }

  /** Is the node at `pos` feasible for `q`? */
  feasibleAt(pos: number, q: TreeQuery): boolean {
    return this.leafFeasible(this.cap + pos, q);
  }

  /** Position of the first feasible leaf in name order, or -1. */
  first(q: TreeQuery): number {
    const found = this.firstBelow(1, q);
    return found < 0 ? -1 : found - this.cap;
  }

  private firstBelow(i: number, q: TreeQuery): number {
    if (!this.possible(i, q)) return -1;
    if (i >= this.cap) return this.leafFeasible(i, q) ? i : -1;
    if (this.wholly(i, q)) {
      // Every leaf fits: the leftmost non-padding leaf.
      while (i < this.cap) i = this.size[2 * i]! > 0 ? 2 * i : 2 * i + 1;
      return i;
    }
    const left = this.firstBelow(2 * i, q);
    return left >= 0 ? left : this.firstBelow(2 * i + 1, q);
  }

  /** Smallest used amount (memory u=0, EPC u=1) over feasible leaves, or `bound` if none is lower. */
  minFeasibleUsed(q: TreeQuery, u: UsedDim, bound: number): number {
    return this.minBelow(1, q, u, bound);
  }

  private minBelow(i: number, q: TreeQuery, u: UsedDim, best: number): number {
    const mu = this.minUsed[u]!;
    if (!(mu[i]! < best) || !this.possible(i, q)) return best;
    if (i >= this.cap) return this.leafFeasible(i, q) ? mu[i]! : best;
    if (this.tiesFit(i, q, u)) return mu[i]!;
    const l = 2 * i;
    const r = l + 1;
    // Visit the more promising child first so the bound tightens early.
    if (mu[r]! < mu[l]!) {
      best = this.minBelow(r, q, u, best);
      return this.minBelow(l, q, u, best);
    }
    best = this.minBelow(l, q, u, best);
    return this.minBelow(r, q, u, best);
  }

  /** Appends, in name order, the pieces holding the feasible leaves whose used amount equals `value`. */
  collectTies(q: TreeQuery, u: UsedDim, value: number, out: Piece[]): void {
    this.tiesBelow(1, q, u, value, out);
  }

  private tiesBelow(i: number, q: TreeQuery, u: UsedDim, value: number, out: Piece[]): void {
    const mu = this.minUsed[u]!;
    if (mu[i]! > value || !this.possible(i, q)) return;
    if (i >= this.cap) {
      if (mu[i] === value && this.leafFeasible(i, q)) out.push({ tree: this, index: i, count: 1 });
      return;
    }
    if (mu[i] === value && this.tiesFit(i, q, u)) {
      out.push({ tree: this, index: i, count: this.cntUsed[u]![i]! });
      return;
    }
    if (this.wholly(i, q)) return; // every leaf fits but none reaches `value`
    this.tiesBelow(2 * i, q, u, value, out);
    this.tiesBelow(2 * i + 1, q, u, value, out);
  }

  /** Position of the k-th (0-based) leaf with used amount `value` inside a piece whose ties all fit. */
  nthTie(index: number, u: UsedDim, value: number, k: number): number {
    const mu = this.minUsed[u]!;
    const cu = this.cntUsed[u]!;
    let i = index;
    while (i < this.cap) {
      const l = 2 * i;
      const c = mu[l] === value ? cu[l]! : 0;
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
    return this.blocked[1] ?? 0;
  }

  /**
   * Counts the unblocked leaves whose free amount in `d` is too small for `req` (`free <= req`),
   * and finds the one with the most free (first in name order on ties). Subtrees wholly short or
   * wholly sufficient are counted without being walked, so a full cluster costs about O(log n).
   */
  insufficient(d: Dim, req: number): ShortfallCount {
    const out: ShortfallCount = { count: 0, bestFree: -Infinity, bestPos: -1 };
    let bestIndex = -1;
    const mx = this.maxFree[d]!;
    const mn = this.minFree[d]!;
    const size = this.size;
    const blocked = this.blocked;
    // Iterative left-to-right walk (an explicit stack: this runs on every failed decision).
    const stack = this.stack;
    let top = 0;
    stack[top++] = 1;
    while (top > 0) {
      const i = stack[--top]!;
      if (size[i]! - blocked[i]! === 0 || mn[i]! > req) continue;
      if (blocked[i] === 0 && mx[i]! <= req) {
        out.count += size[i]!;
        if (mx[i]! > out.bestFree) {
          out.bestFree = mx[i]!;
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
      while (i < this.cap) i = mx[2 * i] === out.bestFree && size[2 * i]! > 0 ? 2 * i : 2 * i + 1;
      out.bestPos = i - this.cap;
    }
    return out;
  }

  /** Appends, in name order, pieces that together hold exactly the feasible leaves. */
  collectFeasible(q: TreeQuery, out: Piece[]): void {
    this.feasibleBelow(1, q, out);
  }

  private feasibleBelow(i: number, q: TreeQuery, out: Piece[]): void {
    if (!this.possible(i, q)) return;
    if (i >= this.cap) {
      if (this.leafFeasible(i, q)) out.push({ tree: this, index: i, count: 1 });
      return;
    }
    if (this.wholly(i, q)) {
      out.push({ tree: this, index: i, count: this.size[i]! });
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
      const c = this.size[l]!;
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
