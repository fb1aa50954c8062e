import { mixKey } from './int-hash.js';

/**
 * A set of non-negative integers below 2^53 in one Float64Array with open addressing. Counting the
 * distinct tasks of 2.6 million rows this way costs no allocation per row, where a `Set<number>`
 * boxes every key above 2^31 (Borg job IDs are about 6e9).
 */
export class NumberSet {
  private keys: Float64Array;
  private mask: number;
  private count = 0;

  constructor(initialCapacity = 1024) {
    let cap = 16;
    while (cap < initialCapacity * 2) cap *= 2;
    this.keys = new Float64Array(cap).fill(-1);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Adds `key` (an integer in [0, 2^53)); returns true when it was not there yet. */
  add(key: number): boolean {
    const keys = this.keys;
    let i = mixKey(key) & this.mask;
    for (;;) {
      const k = keys[i]!;
      if (k === key) return false;
      if (k === -1) break;
      i = (i + 1) & this.mask;
    }
    keys[i] = key;
    this.count++;
    if (this.count * 2 > keys.length) this.grow();
    return true;
  }

  has(key: number): boolean {
    const keys = this.keys;
    let i = mixKey(key) & this.mask;
    for (;;) {
      const k = keys[i]!;
      if (k === key) return true;
      if (k === -1) return false;
      i = (i + 1) & this.mask;
    }
  }

  /** The members, in table order (a copy). */
  values(): Float64Array {
    const out = new Float64Array(this.count);
    let n = 0;
    for (const k of this.keys) if (k !== -1) out[n++] = k;
    return out;
  }

  private grow(): void {
    const old = this.keys;
    this.keys = new Float64Array(old.length * 2).fill(-1);
    this.mask = this.keys.length - 1;
    this.count = 0;
    for (const k of old) if (k !== -1) this.add(k);
  }
}

/** A growable column of doubles, for percentiles over millions of values. */
export class DoubleColumn {
  private data = new Float64Array(1024);
  private n = 0;

  get length(): number {
    return this.n;
  }

  push(v: number): void {
    if (this.n === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.n++] = v;
  }

  /** The values in insertion order (a view, valid until the next push). */
  values(): Float64Array {
    return this.data.subarray(0, this.n);
  }

  /** The values, sorted ascending (a copy). */
  sorted(): Float64Array {
    return this.data.slice(0, this.n).sort();
  }
}
