/**
 * The only source of randomness the core accepts: injected, seeded, reproducible. Implementations
 * live in core/model/rng.ts (a small PRNG with a 32-bit seed, identical on every platform).
 */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}
