import { STRIDE, TimeHeap } from './time-heap.js';

const KIND_UNIT = 2 ** 32;
/**
 * Width of a time window (seconds of simulated time). A power of two, so that `time / WINDOW` and
 * `k * WINDOW` are exact and an event's window never disagrees with the bounds compared against it.
 */
const WINDOW = 64;
/** Windows held in the ring (64 s each: about three days); later events wait in the far heap. */
const RING = 4096;

/** The events of one window, unordered, four numbers each (as in `TimeHeap`). */
class Bucket {
  data = new Float64Array(0);
  n = 0;

  add(time: number, seq: number, packed: number, b: number): void {
    if ((this.n + 1) * STRIDE > this.data.length) {
      const grown = new Float64Array(Math.max(64 * STRIDE, this.data.length * 2));
      grown.set(this.data);
      this.data = grown;
    }
    const at = this.n++ * STRIDE;
    const d = this.data;
    d[at] = time;
    d[at + 1] = seq;
    d[at + 2] = packed;
    d[at + 3] = b;
  }
}

/**
 * A priority queue of simulation events ordered by (time, sequence). The sequence number is
 * assigned at push time, so two events at the same instant come out in the order they were pushed:
 * the tie-break is part of the input, never of the queue's layout.
 *
 * An event is plain numbers: a `kind` (0..255, the caller's enum), and two integer arguments (for
 * example a pod slot and a generation counter used to ignore stale events). The queue knows nothing
 * about what they mean, and holds them in typed arrays: no garbage per event.
 *
 * Layout: a replay keeps a hundred thousand events pending, most of them hours ahead (the ends of
 * long tasks). One heap that large lives outside the cache, and every pop walks its depth. So only
 * the events of the current 64-second window (and any pushed for earlier) are in a heap; later ones
 * are appended, unordered, to the bucket of their window in a ring of windows, and events beyond
 * the ring wait in a second heap. When the near heap runs dry, the next window's bucket is poured
 * into it. Each event is thus ordered among the few thousand of its minute, not among all.
 */
export class EventQueue {
  /** Every event with time < `limit`. */
  private readonly near: TimeHeap;
  /** Events with time >= (`window` + RING) * WINDOW. */
  private readonly far = new TimeHeap(16);
  /** Window k's events (`window` <= k < `window` + RING) are in `ring[k % RING]`. */
  private readonly ring: Bucket[] = [];
  private inRing = 0;
  /** The first window not yet poured into `near`; `limit` = `window` * WINDOW. */
  private window = 0;
  private limit = 0;
  private nextSeq = 0;

  // The event last popped, read through the getters below (no object per event).
  private topTime = 0;
  private topKind = 0;
  private topA = 0;
  private topB = 0;

  constructor(initialCapacity = 1024) {
    this.near = new TimeHeap(initialCapacity);
    for (let i = 0; i < RING; i++) this.ring.push(new Bucket());
  }

  get size(): number {
    return this.near.size + this.inRing + this.far.size;
  }

  /** Events pushed so far (the next sequence number). */
  get pushed(): number {
    return this.nextSeq;
  }

  /** Time of the earliest event; `Infinity` when empty. */
  peekTime(): number {
    if (this.near.size === 0) this.refill();
    return this.near.peekTime();
  }

  /** `a` is kept as a 32-bit integer (as `a | 0`), `b` as any integer up to 2^53. */
  push(time: number, kind: number, a = 0, b = 0): void {
    if (!(time >= 0) || time === Infinity)
      throw new RangeError(`event time must be finite and >= 0, got ${time}`);
    const seq = this.nextSeq++;
    const packed = (kind & 0xff) * KIND_UNIT + ((a | 0) >>> 0);
    if (time < this.limit) {
      this.near.push(time, seq, packed, b);
      return;
    }
    const k = Math.floor(time / WINDOW);
    if (k < this.window + RING) {
      this.ring[k % RING]!.add(time, seq, packed, b);
      this.inRing++;
    } else this.far.push(time, seq, packed, b);
  }

  /** Removes the earliest event; read it with `lastTime`, `lastKind`, `lastA`, `lastB`. */
  pop(): boolean {
    if (this.near.size === 0) this.refill();
    const near = this.near;
    if (!near.pop()) return false;
    this.topTime = near.topTime;
    const packed = near.topPacked;
    const kind = Math.floor(packed / KIND_UNIT);
    this.topKind = kind;
    this.topA = (packed - kind * KIND_UNIT) | 0;
    this.topB = near.topB;
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

  /** Pours windows into the (empty) near heap until it holds something or nothing is left. */
  private refill(): void {
    while (this.near.size === 0 && (this.inRing > 0 || this.far.size > 0)) {
      // Nothing in the ring: jump straight to the window of the earliest far event.
      if (this.inRing === 0) this.window = Math.max(this.window, Math.floor(this.far.peekTime() / WINDOW));
      const bucket = this.ring[this.window % RING]!;
      const d = bucket.data;
      for (let at = 0; at < bucket.n * STRIDE; at += STRIDE)
        this.near.push(d[at]!, d[at + 1]!, d[at + 2]!, d[at + 3]!);
      this.inRing -= bucket.n;
      bucket.n = 0;
      this.window++;
      this.limit = this.window * WINDOW;
      // The ring now reaches further: bring in the far events that belong to it.
      const end = (this.window + RING) * WINDOW;
      const far = this.far;
      while (far.size > 0 && far.peekTime() < end) {
        far.pop();
        const k = Math.floor(far.topTime / WINDOW);
        if (k < this.window) this.near.push(far.topTime, far.topSeq, far.topPacked, far.topB);
        else {
          this.ring[k % RING]!.add(far.topTime, far.topSeq, far.topPacked, far.topB);
          this.inRing++;
        }
      }
    }
  }
}
