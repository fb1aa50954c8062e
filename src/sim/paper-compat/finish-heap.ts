/** Pending releases (finish second, node, pages) ordered by finish second: a binary min-heap. */
export class FinishHeap {
  private readonly time: Float64Array;
  private readonly node: Uint8Array;
  private readonly pages: Float64Array;
  private n = 0;

  constructor(capacity: number) {
    this.time = new Float64Array(Math.max(1, capacity));
    this.node = new Uint8Array(Math.max(1, capacity));
    this.pages = new Float64Array(Math.max(1, capacity));
  }

  get size(): number {
    return this.n;
  }

  /** The earliest finish second (+Infinity when empty). */
  peekTime(): number {
    return this.n === 0 ? Infinity : this.time[0]!;
  }

  push(time: number, node: number, pages: number): void {
    let i = this.n++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.time[parent]! <= time) break;
      this.move(parent, i);
      i = parent;
    }
    this.time[i] = time;
    this.node[i] = node;
    this.pages[i] = pages;
  }

  /** Removes the earliest entry; `out` receives its node and pages. */
  pop(out: { node: number; pages: number }): void {
    out.node = this.node[0]!;
    out.pages = this.pages[0]!;
    const last = --this.n;
    if (last === 0) return;
    const time = this.time[last]!;
    const node = this.node[last]!;
    const pages = this.pages[last]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= last) break;
      if (child + 1 < last && this.time[child + 1]! < this.time[child]!) child++;
      if (this.time[child]! >= time) break;
      this.move(child, i);
      i = child;
    }
    this.time[i] = time;
    this.node[i] = node;
    this.pages[i] = pages;
  }

  private move(from: number, to: number): void {
    this.time[to] = this.time[from]!;
    this.node[to] = this.node[from]!;
    this.pages[to] = this.pages[from]!;
  }
}
