import { Prng } from '../prng.js';
import type { Dataset, DatasetDistance } from './dataset.js';

/** Options of {@link generateClustered}. */
export interface ClusteredOptions {
  /** Vectors to index. */
  count: number;
  /** Queries, drawn from the same mixture as the indexed vectors. */
  queryCount: number;
  dimensions: number;
  distance: DatasetDistance;
  /** Mixture components (default `count / 1000`, at least 8). */
  clusters?: number;
  /** Seed (default 7): equal options and seed give equal data, bit for bit. */
  seed?: number;
  /** Dataset name (default `clustered-<dimensions>`). */
  name?: string;
}

/**
 * A Gaussian mixture: cluster centres drawn from N(0, 1) per dimension, each cluster with
 * its own spread (σ between 0.25 and 0.6), points assigned to clusters with unequal
 * weights. Real embeddings are clustered rather than uniform, which is what makes HNSW
 * routing (and its failure modes) realistic. For cosine the rows are scaled to unit length,
 * as text-embedding models emit them.
 *
 * @example
 * const data = generateClustered({ count: 100_000, queryCount: 1000, dimensions: 128, distance: 'euclidean' });
 */
export function generateClustered(options: ClusteredOptions): Dataset {
  const { count, queryCount, dimensions, distance } = options;
  const rng = new Prng(options.seed ?? 7);
  const clusterCount = options.clusters ?? Math.max(8, Math.round(count / 1000));

  const centres = new Float32Array(clusterCount * dimensions);
  for (let i = 0; i < centres.length; i++) centres[i] = rng.gaussian();
  const spreads = Float64Array.from({ length: clusterCount }, () => 0.25 + 0.35 * rng.next());
  // Unequal cluster sizes: weight ∝ 1 + 3u, sampled through the cumulative distribution.
  const cumulative = new Float64Array(clusterCount);
  let sum = 0;
  for (let c = 0; c < clusterCount; c++) {
    sum += 1 + 3 * rng.next();
    cumulative[c] = sum;
  }

  const draw = (rows: number): Float32Array => {
    const out = new Float32Array(rows * dimensions);
    for (let row = 0; row < rows; row++) {
      const cluster = pickCluster(cumulative, rng.next() * sum);
      const spread = spreads[cluster]!;
      const base = row * dimensions;
      const centre = cluster * dimensions;
      let norm = 0;
      for (let d = 0; d < dimensions; d++) {
        const value = centres[centre + d]! + spread * rng.gaussian();
        out[base + d] = value;
        norm += value * value;
      }
      if (distance === 'cosine') {
        const inv = 1 / Math.sqrt(norm);
        for (let d = 0; d < dimensions; d++) out[base + d]! *= inv;
      }
    }
    return out;
  };

  const train = draw(count);
  const queries = draw(queryCount);
  return {
    name: options.name ?? `clustered-${dimensions}`,
    dimensions,
    distance,
    train,
    trainCount: count,
    queries,
    queryCount,
  };
}

/** First cluster whose cumulative weight exceeds `target` (binary search). */
function pickCluster(cumulative: Float64Array, target: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid]! > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
