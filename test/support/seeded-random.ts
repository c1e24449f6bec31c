// Random moments a failing run can be replayed with: SC_REPRO_SEED=<n> gives
// the same sequence again, and each file that uses it prints its seed.

/** The seed of this run: SC_REPRO_SEED, or a fresh one. */
export function seedFromEnv(): number {
  return Number(process.env.SC_REPRO_SEED ?? Math.floor(Math.random() * 2 ** 31));
}

/** mulberry32: small, seedable, good enough to spread moments over a window. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
