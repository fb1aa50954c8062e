/**
 * The only source of randomness the core accepts: injected, seeded, reproducible.
 */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

/**
 * A deterministic generator (mulberry32: 32-bit state, only integer operations through `Math.imul`
 * and unsigned shifts, so every platform and engine yields the same sequence for the same seed).
 * `int(n)` uses rejection sampling and is exactly uniform for any n up to 2^32.
 */
export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new RangeError(`rng seed must be a finite number, got ${seed}`);
  let state = Math.trunc(seed) >>> 0;
  const nextU32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return {
    next: () => nextU32() / 4294967296,
    int: (n: number): number => {
      if (!Number.isInteger(n) || n <= 0 || n > 4294967296) {
        throw new RangeError(`rng.int(n) needs an integer n in 1..2^32, got ${n}`);
      }
      // Reject the top partial block so that every residue is equally likely.
      const limit = 4294967296 - (4294967296 % n);
      for (;;) {
        const x = nextU32();
        if (x < limit) return x % n;
      }
    },
  };
}

/** Fisher-Yates shuffle in place, driven by `rng`; returns the same array. */
export function shuffle<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = items[i]!;
    items[i] = items[j]!;
    items[j] = tmp;
  }
  return items;
}

/**
 * Index of the winner among `count` tied candidates (0 when there is only one, without drawing).
 * Every tie-break in the core goes through here, so the indexed and scanning paths draw alike.
 */
export function pickIndex(count: number, rng: Rng): number {
  return count === 1 ? 0 : rng.int(count);
}
