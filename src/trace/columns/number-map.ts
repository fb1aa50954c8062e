import { mixKey } from './int-hash.js';

const EMPTY = -1;

/**
 * A map from non-negative integer keys (below 2^53) to int32 values, in two typed arrays with open
 * addressing and linear probing; deletion shifts entries back, so there are no tombstones and probe
 * chains stay short however many keys come and go. Used where millions of lookups meet keys above
 * 2^31 (Borg job IDs), which a `Map<number, ...>` would box.
 */
export class NumberMap {
  private keys: Float64Array;
  private values: Int32Array;
  private mask: number;
  private count = 0;

  constructor(initialCapacity = 1024) {
    let cap = 16;
    while (cap < initialCapacity * 2) cap *= 2;
    this.keys = new Float64Array(cap).fill(EMPTY);
    this.values = new Int32Array(cap);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.count;
  }

  /** The value of `key`, or -1. */
  get(key: number): number {
    const keys = this.keys;
    const mask = this.mask;
    let i = mixKey(key) & mask;
    for (;;) {
      const k = keys[i]!;
      if (k === key) return this.values[i]!;
      if (k === EMPTY) return -1;
      i = (i + 1) & mask;
    }
  }

  /** Sets `key` to `value` (a new key or an existing one). */
  set(key: number, value: number): void {
    const keys = this.keys;
    const mask = this.mask;
    let i = mixKey(key) & mask;
    for (;;) {
      const k = keys[i]!;
      if (k === key) {
        this.values[i] = value;
        return;
      }
      if (k === EMPTY) break;
      i = (i + 1) & mask;
    }
    keys[i] = key;
    this.values[i] = value;
    this.count++;
    if (this.count * 2 > keys.length) this.grow();
  }

  /** Removes `key` if present. */
  delete(key: number): void {
    const keys = this.keys;
    const values = this.values;
    const mask = this.mask;
    let i = mixKey(key) & mask;
    for (;;) {
      const k = keys[i]!;
      if (k === key) break;
      if (k === EMPTY) return;
      i = (i + 1) & mask;
    }
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const k = keys[j]!;
      if (k === EMPTY) break;
      const home = mixKey(k) & mask;
      // Entry j may move to the hole i only if its home slot is not cyclically in (i, j].
      const stays = i <= j ? i < home && home <= j : i < home || home <= j;
      if (stays) continue;
      keys[i] = k;
      values[i] = values[j]!;
      i = j;
    }
    keys[i] = EMPTY;
    this.count--;
  }

  /** Calls `fn` for every entry (in table order). */
  forEach(fn: (value: number, key: number) => void): void {
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== EMPTY) fn(this.values[i]!, keys[i]!);
  }

  clear(): void {
    this.keys.fill(EMPTY);
    this.count = 0;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    this.keys = new Float64Array(oldKeys.length * 2).fill(EMPTY);
    this.values = new Int32Array(oldKeys.length * 2);
    this.mask = this.keys.length - 1;
    this.count = 0;
    for (let i = 0; i < oldKeys.length; i++) if (oldKeys[i] !== EMPTY) this.set(oldKeys[i]!, oldValues[i]!);
  }
}
