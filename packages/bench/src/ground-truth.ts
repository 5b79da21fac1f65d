import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { MetricKind, exactSearch } from 'usearch';

import type { Dataset, DatasetDistance } from './datasets/dataset.js';

/** Where ground truth is cached between runs (gitignored). */
export const DEFAULT_CACHE_DIR = new URL('../.bench-cache/', import.meta.url).pathname;

/**
 * Exact top-`k` row indices of `train` for every query, row-major (`queryCount × k`), by
 * usearch's SIMD brute force on 2 threads. Cosine is measured as cosine, whatever the
 * rows' lengths. `k` must not exceed the number of train rows.
 *
 * usearch's `exactSearch` ignores a typed array's `byteOffset`, so views into a larger
 * buffer are copied first rather than silently searching the wrong rows.
 */
export function exactTopK(
  train: Float32Array,
  queries: Float32Array,
  dimensions: number,
  distance: DatasetDistance,
  k: number,
): Uint32Array {
  const trainCount = train.length / dimensions;
  const queryCount = queries.length / dimensions;
  const out = new Uint32Array(queryCount * k);
  if (k > trainCount) throw new Error(`exact top-${k} asked of only ${trainCount} vectors`);
  if (queryCount === 0) return out;
  const count = k;
  const metric = distance === 'cosine' ? MetricKind.Cos : MetricKind.L2sq;
  const result = exactSearch(
    atOffsetZero(train),
    atOffsetZero(queries),
    dimensions,
    count,
    metric,
    2,
  );
  // One query comes back as Matches (no counts), several as BatchMatches: both keep keys
  // row-major with `count` per query.
  const keys = result.keys;
  for (let q = 0; q < queryCount; q++) {
    for (let j = 0; j < count; j++) out[q * k + j] = Number(keys[q * count + j]);
  }
  return out;
}

/** The array itself when it starts its buffer, else a copy that does. */
function atOffsetZero(array: Float32Array): Float32Array {
  return array.byteOffset === 0 ? array : array.slice();
}

/**
 * {@link exactTopK} for a whole dataset, cached in `cacheDir` under a key made of the
 * dataset's name, shape and a hash of its vectors (so a changed generator or package
 * never serves stale truth).
 */
export function groundTruth(
  dataset: Dataset,
  k: number,
  cacheDir: string = DEFAULT_CACHE_DIR,
): Uint32Array {
  const file = join(cacheDir, `${cacheKey(dataset, k)}.u32`);
  if (existsSync(file)) {
    const bytes = readFileSync(file);
    if (bytes.byteLength === dataset.queryCount * k * 4) {
      const cached = new Uint32Array(dataset.queryCount * k);
      new Uint8Array(cached.buffer).set(bytes);
      return cached;
    }
  }
  const truth = exactTopK(dataset.train, dataset.queries, dataset.dimensions, dataset.distance, k);
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(file, new Uint8Array(truth.buffer, truth.byteOffset, truth.byteLength));
  return truth;
}

/** File-name-safe cache key: name, shape, distance, k and a content hash. */
export function cacheKey(dataset: Dataset, k: number, extra = ''): string {
  const hash = createHash('sha256');
  hash.update(
    new Uint8Array(dataset.train.buffer, dataset.train.byteOffset, dataset.train.byteLength),
  );
  hash.update(
    new Uint8Array(dataset.queries.buffer, dataset.queries.byteOffset, dataset.queries.byteLength),
  );
  hash.update(extra);
  const digest = hash.digest('hex').slice(0, 16);
  const shape = `${dataset.trainCount}x${dataset.dimensions}-q${dataset.queryCount}`;
  return `${dataset.name}-${shape}-${dataset.distance}-k${k}-${digest}`;
}
