/** Doubles per event: time, sequence, kind and first argument packed, second argument. */
export const STRIDE = 4;

/**
 * A binary min-heap of events ordered by (time, sequence), each event four numbers side by side in
 * one Float64Array with the root at position 1: two siblings (positions 2i and 2i + 1) share a
 * 64-byte cache line, so a sift step reads one line instead of one per field. The caller numbers
 * the events (`EventQueue`); this class only keeps them in order.
 */
export class TimeHeap {
  private heap: Float64Array;
  /** Events in the heap, at positions 1..n. */
  private n = 0;
  // The event last popped (no object per event).
  topTime = 0;
  topSeq = 0;
  topPacked = 0;
  topB = 0;

  constructor(initialCapacity: number) {
    this.heap = new Float64Array((Math.max(16, initialCapacity) + 1) * STRIDE);
  }

  get size(): number {
    return this.n;
  }

  /** Time of the earliest event; `Infinity` when empty. */
  peekTime(): number {
    return this.n === 0 ? Infinity : this.heap[STRIDE]!;
  }

  push(time: number, seq: number, packed: number, b: number): void {
    if ((this.n + 2) * STRIDE > this.heap.length) this.grow();
    const h = this.heap;
    // Sift up: move parents down until the position of the new event is found.
    let i = ++this.n;
    while (i > 1) {
      const p = i >> 1;
      const pt = h[p * STRIDE]!;
      if (pt < time || (pt === time && h[p * STRIDE + 1]! < seq)) break;
      this.move(p, i);
      i = p;
    }
    this.put(i, time, seq, packed, b);
  }

  /** Removes the earliest event into `topTime`, `topSeq`, `topPacked`, `topB`; false when empty. */
  pop(): boolean {
    if (this.n === 0) return false;
    const h = this.heap;
    this.topTime = h[STRIDE]!;
    this.topSeq = h[STRIDE + 1]!;
    this.topPacked = h[STRIDE + 2]!;
    this.topB = h[STRIDE + 3]!;
    const last = this.n--;
    const n = this.n;
    if (n === 0) return true;
    const lastAt = last * STRIDE;
    const t = h[lastAt]!;
    const s = h[lastAt + 1]!;
    const k = h[lastAt + 2]!;
    const eb = h[lastAt + 3]!;
    // Sift down from the root with the last event.
    let i = 1;
    for (;;) {
      let c = 2 * i;
      if (c > n) break;
      let ct = h[c * STRIDE]!;
      if (c < n) {
        const rt = h[(c + 1) * STRIDE]!;
        if (rt < ct || (rt === ct && h[(c + 1) * STRIDE + 1]! < h[c * STRIDE + 1]!)) {
          c++;
          ct = rt;
        }
      }
      if (t < ct || (t === ct && s < h[c * STRIDE + 1]!)) break;
      this.move(c, i);
      i = c;
    }
    this.put(i, t, s, k, eb);
    return true;
  }

  /** Copies the event at position `from` to position `to`. */
  private move(from: number, to: number): void {
    const h = this.heap;
    const f = from * STRIDE;
    const t = to * STRIDE;
    h[t] = h[f]!;
    h[t + 1] = h[f + 1]!;
    h[t + 2] = h[f + 2]!;
    h[t + 3] = h[f + 3]!;
  }

  private put(pos: number, time: number, seq: number, packed: number, b: number): void {
    const h = this.heap;
    const at = pos * STRIDE;
    h[at] = time;
    h[at + 1] = seq;
    h[at + 2] = packed;
    h[at + 3] = b;
  }

  private grow(): void {
    const heap = new Float64Array(this.heap.length * 2);
    heap.set(this.heap);
    this.heap = heap;
  }
}
