/**
 * A hash index from exact integer keys in 0..2^53 (e.g. a Borg job id times 2^20 plus a task index)
 * to small row numbers. A `Map` with such keys stores each as a heap number and costs about a
 * microsecond per operation once it holds a hundred thousand entries; this table keeps the keys in
 * one Float64Array (open addressing, linear probing, deletion by backward shift) and costs a few
 * array reads.
 */
const EMPTY = -1;

export class KeyIndex {
  private keys: Float64Array;
  private rows: Int32Array;
  private mask: number;
  private count = 0;

  constructor(capacity = 1024) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.keys = new Float64Array(cap).fill(EMPTY);
    this.rows = new Int32Array(cap);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.count;
  }

  /** The row of `key`, or -1. */
  get(key: number): number {
    const keys = this.keys;
    for (let i = this.home(key); ; i = (i + 1) & this.mask) {
      const k = keys[i]!;
      if (k === key) return this.rows[i]!;
      if (k === EMPTY) return -1;
    }
  }

  /** Sets the row of `key` (inserted, or replaced when present). */
  set(key: number, row: number): void {
    if (!(key >= 0) || !Number.isSafeInteger(key)) throw new RangeError(`key ${key} is not in 0..2^53`);
    if ((this.count + 1) * 2 > this.keys.length) this.grow();
    const keys = this.keys;
    let i = this.home(key);
    for (; ; i = (i + 1) & this.mask) {
      const k = keys[i]!;
      if (k === key) break;
      if (k === EMPTY) {
        keys[i] = key;
        this.count++;
        break;
      }
    }
    this.rows[i] = row;
  }

  /** Removes `key`; returns its row, or -1 when absent. */
  delete(key: number): number {
    const keys = this.keys;
    const mask = this.mask;
    let i = this.home(key);
    for (; ; i = (i + 1) & mask) {
      const k = keys[i]!;
      if (k === key) break;
      if (k === EMPTY) return -1;
    }
    const row = this.rows[i]!;
    this.count--;
    // Backward shift: pull later entries of the probe run into the hole when their home allows it,
    // so lookups never need tombstones.
    for (let j = (i + 1) & mask; ; j = (j + 1) & mask) {
      const k = keys[j]!;
      if (k === EMPTY) break;
      const h = this.home(k);
      const between = i <= j ? i < h && h <= j : i < h || h <= j;
      if (between) continue;
      keys[i] = k;
      this.rows[i] = this.rows[j]!;
      i = j;
    }
    keys[i] = EMPTY;
    return row;
  }

  private home(key: number): number {
    const lo = key >>> 0;
    const hi = Math.floor(key / 4294967296) | 0;
    let h = Math.imul(lo, 0x9e3779b1) ^ Math.imul(hi ^ 0x7f4a7c15, 0x85ebca6b);
    h ^= h >>> 15;
    return h & this.mask;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldRows = this.rows;
    const cap = oldKeys.length * 2;
    this.keys = new Float64Array(cap).fill(EMPTY);
    this.rows = new Int32Array(cap);
    this.mask = cap - 1;
    this.count = 0;
    for (let i = 0; i < oldKeys.length; i++) if (oldKeys[i] !== EMPTY) this.set(oldKeys[i]!, oldRows[i]!);
  }
}
