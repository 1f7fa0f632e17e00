// SAMPLE DATA tooling: seeded, deterministic randomness shared by the docs/incidents/*/sample/generate.ts generators.

/** mulberry32: a small 32-bit PRNG; same seed, same stream of numbers in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One seeded stream and the helpers that draw from it. Every helper consumes the same stream,
 * so a generator's output depends only on its seed and the order of its calls.
 */
export function seededRandom(seed: number) {
  const rand = mulberry32(seed);
  /** Uniform float in [lo, hi). */
  const between = (lo: number, hi: number) => lo + (hi - lo) * rand();
  /** Uniform integer in [lo, hi], both ends included. */
  const int = (lo: number, hi: number) => Math.floor(between(lo, hi + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  /** n lowercase hex digits. */
  const hex = (n: number) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(rand() * 16)]).join('');
  /** A version-4 UUID. */
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-${pick(['8', '9', 'a', 'b'])}${hex(3)}-${hex(12)}`;
  /** n characters from [a-z0-9]. */
  const alnum = (n: number) => Array.from({ length: n }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(rand() * 36)]).join('');
  return { rand, between, int, pick, hex, uuid, alnum };
}
