/**
 * A 32-bit hash of an integer key below 2^53: its two 32-bit halves combined, then murmur3's
 * finaliser so that keys differing in a few bits (job * 2^20 + task) spread over the whole table.
 */
export function mixKey(key: number): number {
  const lo = key >>> 0;
  const hi = (key / 4294967296) >>> 0;
  let h = lo ^ Math.imul(hi, 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
