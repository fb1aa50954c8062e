/**
 * A fixed-size array of numbers that answers "the leftmost position at or after `from` whose value is
 * <= `limit`" in O(log n): a segment tree of minima over a Float64Array. Absent entries hold +Infinity.
 *
 * The paper-compatible stepper keeps the backlog's page requests here, indexed by arrival order, so
 * that walking the backlog for the first job that fits costs one descent instead of a scan.
 */
export class MinTree {
  private readonly size: number;
  private readonly tree: Float64Array;

  constructor(readonly length: number) {
    let size = 1;
    while (size < length) size *= 2;
    this.size = size;
    this.tree = new Float64Array(2 * size).fill(Infinity);
  }

  /** The smallest value held (+Infinity when empty). */
  min(): number {
    return this.tree[1]!;
  }

  get(position: number): number {
    return this.tree[this.size + position]!;
  }

  set(position: number, value: number): void {
    const tree = this.tree;
    let i = this.size + position;
    tree[i] = value;
    for (i >>= 1; i >= 1; i >>= 1) {
      const m = Math.min(tree[2 * i]!, tree[2 * i + 1]!);
      if (tree[i] === m) break; // ancestors already right
      tree[i] = m;
    }
  }

  /** The leftmost position p >= from with value(p) <= limit, or -1 when there is none. */
  leftmost(from: number, limit: number): number {
    const tree = this.tree;
    if (from >= this.length || !(tree[1]! <= limit)) return -1;
    let i = this.size + from;
    for (;;) {
      if (tree[i]! <= limit) {
        while (i < this.size) {
          i *= 2;
          if (!(tree[i]! <= limit)) i++;
        }
        return i - this.size;
      }
      // Move to the subtree just right of this one: climb while this node is a right child.
      while ((i & 1) === 1) i >>= 1;
      if (i === 0) return -1;
      i++;
    }
  }
}
