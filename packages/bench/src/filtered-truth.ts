import { rowOf, type Dataset } from './datasets/dataset.js';
import { exactTopK } from './ground-truth.js';
import { Prng } from './prng.js';

/** A seeded bucket 0–99 per row; a filter `bucket < s × 100` matches about share `s`. */
export function bucketsFor(count: number, seed: number): Uint8Array {
  const rng = new Prng(seed);
  return Uint8Array.from({ length: count }, () => rng.int(100));
}

/** Rows whose bucket is below `limit`, ascending. */
export function matchingRows(buckets: Uint8Array, limit: number): Uint32Array {
  const rows: number[] = [];
  for (let i = 0; i < buckets.length; i++) if (buckets[i]! < limit) rows.push(i);
  return Uint32Array.from(rows);
}

/** Exact top-k among `subset` rows for every query, as row indices of the full train set. */
export function filteredTruth(dataset: Dataset, subset: Uint32Array, k: number): Uint32Array {
  const d = dataset.dimensions;
  const rows = new Float32Array(subset.length * d);
  for (let i = 0; i < subset.length; i++) rows.set(rowOf(dataset.train, d, subset[i]!), i * d);
  const local = exactTopK(rows, dataset.queries, d, dataset.distance, k);
  return local.map((row) => subset[row]!);
}
