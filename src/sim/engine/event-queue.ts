/** Doubles per event in the heap array: time, sequence, kind and first argument packed, second argument. */
const STRIDE = 4;
const KIND_UNIT = 2 ** 32;

/**
 * A priority queue of simulation events ordered by (time, sequence): a binary min-heap of plain
 * numbers, so that millions of pending events cost 32 bytes each and no garbage. The sequence number
 * is assigned at push time, so two events at the same instant come out in the order they were
 * pushed: the tie-break is part of the input, never of the heap's layout.
 *
 * An event is plain numbers: a `kind` (0..255, the caller's enum), and two integer arguments (for
 * example a pod slot and a generation counter used to ignore stale events). The queue knows nothing
 * about what they mean.
 *
 * Layout: one Float64Array, an event's four numbers side by side, the root at position 1. Two
 * siblings (positions 2i and 2i + 1) then share one 64-byte cache line, and a sift step reads one
 * line instead of one per field: with a hundred thousand events pending, the heap is far larger than
 * the cache and those reads are what a pop costs.
 */
export class EventQueue {
  private heap: Float64Array;
  /** Events in the heap, at positions 1..n. */
  private n = 0;
  private nextSeq = 0;

  // The event last popped, read through the getters below (no object per event).
  private topTime = 0;
  private topKind = 0;
  private topA = 0;
  private topB = 0;

  constructor(initialCapacity = 1024) {
    this.heap = new Float64Array((Math.max(16, initialCapacity) + 1) * STRIDE);
  }

  get size(): number {
    return this.n;
  }

  /** Events pushed so far (the next sequence number). */
  get pushed(): number {
    return this.nextSeq;
  }

  /** Time of the earliest event; `Infinity` when empty. */
  peekTime(): number {
    return this.n === 0 ? Infinity : this.heap[STRIDE]!;
  }

  /** `a` is kept as a 32-bit integer (as `a | 0`), `b` as any integer up to 2^53. */
  push(time: number, kind: number, a = 0, b = 0): void {
    if (!(time >= 0) || time === Infinity)
      throw new RangeError(`event time must be finite and >= 0, got ${time}`);
    if ((this.n + 2) * STRIDE > this.heap.length) this.grow();
    const h = this.heap;
    const s = this.nextSeq++;
    // Sift up: move parents down until the position of the new event is found.
    let i = ++this.n;
    while (i > 1) {
      const p = i >> 1;
      const pt = h[p * STRIDE]!;
      if (pt < time || (pt === time && h[p * STRIDE + 1]! < s)) break;
      const from = p * STRIDE;
      const to = i * STRIDE;
      h[to] = pt;
      h[to + 1] = h[from + 1]!;
      h[to + 2] = h[from + 2]!;
      h[to + 3] = h[from + 3]!;
      i = p;
    }
    const at = i * STRIDE;
    h[at] = time;
    h[at + 1] = s;
    h[at + 2] = (kind & 0xff) * KIND_UNIT + ((a | 0) >>> 0);
    h[at + 3] = b;
  }

  /** Removes the earliest event; read it with `lastTime`, `lastKind`, `lastA`, `lastB`. */
  pop(): boolean {
    if (this.n === 0) return false;
    const h = this.heap;
    this.topTime = h[STRIDE]!;
    const packed = h[STRIDE + 2]!;
    const kind = Math.floor(packed / KIND_UNIT);
    this.topKind = kind;
    this.topA = (packed - kind * KIND_UNIT) | 0;
    this.topB = h[STRIDE + 3]!;
    const last = this.n--;
    const n = this.n;
    if (n > 0) {
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
        const from = c * STRIDE;
        const to = i * STRIDE;
        h[to] = ct;
        h[to + 1] = h[from + 1]!;
        h[to + 2] = h[from + 2]!;
        h[to + 3] = h[from + 3]!;
        i = c;
      }
      const at = i * STRIDE;
      h[at] = t;
      h[at + 1] = s;
      h[at + 2] = k;
      h[at + 3] = eb;
    }
    return true;
  }

  get lastTime(): number {
    return this.topTime;
  }
  get lastKind(): number {
    return this.topKind;
  }
  get lastA(): number {
    return this.topA;
  }
  get lastB(): number {
    return this.topB;
  }

  private grow(): void {
    const heap = new Float64Array(this.heap.length * 2);
    heap.set(this.heap);
    this.heap = heap;
  }
}
