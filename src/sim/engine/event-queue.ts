/**
 * A priority queue of simulation events ordered by (time, sequence): a binary min-heap stored in
 * parallel typed arrays, so that millions of pending events cost a few dozen bytes each and no
 * garbage. The sequence number is assigned at push time, so two events at the same instant come out
 * in the order they were pushed: the tie-break is part of the input, never of the heap's layout.
 *
 * An event is plain numbers: a `kind` (0..255, the caller's enum), and two integer arguments (for
 * example a pod slot and a generation counter used to ignore stale events). The queue knows nothing
 * about what they mean.
 */
export class EventQueue {
  private time: Float64Array;
  private seq: Float64Array;
  private kind: Uint8Array;
  private a: Int32Array;
  /** Second argument: a Float64Array so that generation counters never wrap. */
  private b: Float64Array;
  private n = 0;
  private nextSeq = 0;

  // The event last popped, read through the getters below (no object per event).
  private topTime = 0;
  private topKind = 0;
  private topA = 0;
  private topB = 0;

  constructor(initialCapacity = 1024) {
    const cap = Math.max(16, initialCapacity);
    this.time = new Float64Array(cap);
    this.seq = new Float64Array(cap);
    this.kind = new Uint8Array(cap);
    this.a = new Int32Array(cap);
    this.b = new Float64Array(cap);
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
    return this.n === 0 ? Infinity : this.time[0]!;
  }

  push(time: number, kind: number, a = 0, b = 0): void {
    if (!(time >= 0) || time === Infinity)
      throw new RangeError(`event time must be finite and >= 0, got ${time}`);
    if (this.n === this.time.length) this.grow();
    const s = this.nextSeq++;
    // Sift up: move parents down until the slot for the new event is found.
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = this.time[p]!;
      if (pt < time || (pt === time && this.seq[p]! < s)) break;
      this.move(p, i);
      i = p;
    }
    this.time[i] = time;
    this.seq[i] = s;
    this.kind[i] = kind;
    this.a[i] = a;
    this.b[i] = b;
  }

  /** Removes the earliest event; read it with `lastTime`, `lastKind`, `lastA`, `lastB`. */
  pop(): boolean {
    if (this.n === 0) return false;
    this.topTime = this.time[0]!;
    this.topKind = this.kind[0]!;
    this.topA = this.a[0]!;
    this.topB = this.b[0]!;
    const last = --this.n;
    if (last > 0) {
      const t = this.time[last]!;
      const s = this.seq[last]!;
      const k = this.kind[last]!;
      const ea = this.a[last]!;
      const eb = this.b[last]!;
      // Sift down from the root with the last event.
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= last) break;
        const r = c + 1;
        if (r < last) {
          const ct = this.time[c]!;
          const rt = this.time[r]!;
          if (rt < ct || (rt === ct && this.seq[r]! < this.seq[c]!)) c = r;
        }
        const ct = this.time[c]!;
        if (t < ct || (t === ct && s < this.seq[c]!)) break;
        this.move(c, i);
        i = c;
      }
      this.time[i] = t;
      this.seq[i] = s;
      this.kind[i] = k;
      this.a[i] = ea;
      this.b[i] = eb;
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

  private move(from: number, to: number): void {
    this.time[to] = this.time[from]!;
    this.seq[to] = this.seq[from]!;
    this.kind[to] = this.kind[from]!;
    this.a[to] = this.a[from]!;
    this.b[to] = this.b[from]!;
  }

  private grow(): void {
    const cap = this.time.length * 2;
    const time = new Float64Array(cap);
    time.set(this.time);
    this.time = time;
    const seq = new Float64Array(cap);
    seq.set(this.seq);
    this.seq = seq;
    const kind = new Uint8Array(cap);
    kind.set(this.kind);
    this.kind = kind;
    const a = new Int32Array(cap);
    a.set(this.a);
    this.a = a;
    const b = new Float64Array(cap);
    b.set(this.b);
    this.b = b;
  }
}
