import type { DatasetDistance } from '../datasets/dataset.js';

/** Bump when a cached database must no longer be reused (its contents mean something else). */
const CACHE_FORMAT = 1;

/** What a cached saved collection is built from; equal specs give equal databases. */
export interface SavedCollectionSpec {
  count: number;
  dimensions: number;
  distance: DatasetDistance;
  m: number;
  efConstruction: number;
  /** Seed of the clustered generator. */
  seed: number;
}

/**
 * The `.bench-cache/` directory name of a saved collection built from `spec`: every
 * parameter is in the name, so a rerun with other parameters builds its own and an equal
 * one reuses it.
 *
 * @example
 * savedCollectionCacheName({ count: 1_000_000, dimensions: 128, distance: 'euclidean', m: 16, efConstruction: 128, seed: 7 });
 * // 'durable-v1-1000000x128-euclidean-m16-efc128-seed7'
 */
export function savedCollectionCacheName(spec: SavedCollectionSpec): string {
  for (const field of ['count', 'dimensions', 'm', 'efConstruction', 'seed'] as const) {
    const value = spec[field];
    if (!Number.isInteger(value) || value < 0) {
      throw new Error(`${field} must be a non-negative integer, got ${value}`);
    }
  }
  return (
    `durable-v${CACHE_FORMAT}-${spec.count}x${spec.dimensions}-${spec.distance}` +
    `-m${spec.m}-efc${spec.efConstruction}-seed${spec.seed}`
  );
}
