// One seedable generator for every test that draws cases (fuzzers, random
// event parameters): mulberry32, tiny and the same on every machine, so a
// failing seed can be replayed.

/** A generator of 32-bit unsigned integers from `seed`. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Uniform numbers in [0, 1) from `seed`. */
export function rng(seed: number): () => number {
  const u32 = mulberry32(seed);
  return () => u32() / 4294967296;
}
