/** Deterministic test data and a brute-force oracle for the engine's integration tests. */
import type { Distance } from '../../src/config.js';

/** mulberry32: a tiny seeded PRNG returning floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal samples (Box–Muller). */
export function gaussian(rand: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/**
 * `count` vectors from a Gaussian mixture of `clusters` centres. The centres depend on
 * `seed` only; `sampleSeed` picks a different draw from the same mixture (for queries that
 * come from the same distribution as the data).
 */
export function clustered(
  count: number,
  dims: number,
  seed: number,
  clusters = 16,
  sampleSeed?: number,
): Float32Array[] {
  const centreNormal = gaussian(prng(seed));
  const centres = Array.from({ length: clusters }, () =>
    Float32Array.from({ length: dims }, () => centreNormal() * 4),
  );
  const rand = sampleSeed === undefined ? prng(seed + 0x9e3779b9) : prng(sampleSeed);
  const normal = gaussian(rand);
  return Array.from({ length: count }, () => {
    const c = centres[Math.floor(rand() * clusters)]!;
    return Float32Array.from(c, (x) => x + normal());
  });
}

/** The public distance of the REST contract, computed in float64 from the originals. */
export function publicDistance(
  distance: Distance,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  let l2 = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
    l2 += (x - y) * (x - y);
  }
  switch (distance) {
    case 'euclidean':
      return Math.sqrt(l2);
    case 'cosine':
      return 1 - dot / Math.sqrt(na * nb);
    case 'dot':
      return -dot;
  }
}

/** Exact k nearest ids among `items` (those passing `keep`), by public distance then id. */
export function bruteForce(
  distance: Distance,
  items: readonly { id: string; vector: ArrayLike<number>; metadata?: unknown }[],
  query: ArrayLike<number>,
  k: number,
  keep: (item: { id: string; metadata?: unknown }) => boolean = () => true,
): { id: string; distance: number }[] {
  return items
    .filter(keep)
    .map((item) => ({ id: item.id, distance: publicDistance(distance, query, item.vector) }))
    .sort((a, b) => a.distance - b.distance || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, k);
}

/** |found ∩ truth| ÷ |truth|. */
export function recall(found: readonly string[], truth: readonly string[]): number {
  if (truth.length === 0) return 1;
  const set = new Set(found);
  return truth.filter((id) => set.has(id)).length / truth.length;
}
