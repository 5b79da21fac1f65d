/**
 * Seeded flat-array test data and a brute-force oracle in the index's raw metrics, for
 * the `VectorIndex` conformance suite (which works on keys and Float32Array rows).
 */
import type { IndexMetric } from '../../src/ann/vector-index.js';
import { gaussian, prng } from './datasets.js';

/** `count` rows of `dims` from a seeded Gaussian mixture of `clusters` centres. */
export function clusteredRows(
  count: number,
  dims: number,
  seed: number,
  clusters = 16,
): Float32Array {
  const rand = prng(seed);
  const normal = gaussian(rand);
  const centres = Float32Array.from({ length: clusters * dims }, () => normal() * 4);
  const rows = new Float32Array(count * dims);
  for (let i = 0; i < count; i++) {
    const c = Math.floor(rand() * clusters);
    for (let d = 0; d < dims; d++) rows[i * dims + d] = centres[c * dims + d]! + normal();
  }
  return rows;
}

/** Scales every row of `rows` to unit length, in place, and returns it. */
export function normalizeRows(rows: Float32Array, dims: number): Float32Array {
  for (let i = 0; i < rows.length; i += dims) {
    let norm = 0;
    for (let d = 0; d < dims; d++) norm += rows[i + d]! ** 2;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let d = 0; d < dims; d++) rows[i + d]! *= scale;
  }
  return rows;
}

/** Row `i` of a flat array (a view). */
export function row(rows: Float32Array, dims: number, i: number): Float32Array {
  return rows.subarray(i * dims, (i + 1) * dims);
}

/** `l2sq` = Σ(a−b)², `ip` = 1 − a·b, in float64. */
export function rawDistance(
  metric: IndexMetric,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++)
    sum += metric === 'l2sq' ? (a[i]! - b[i]!) ** 2 : a[i]! * b[i]!;
  return metric === 'l2sq' ? sum : 1 - sum;
}

/** Exact k nearest keys (row i has key `keys[i]`) among rows whose key passes `keep`. */
export function exactNeighbours(
  metric: IndexMetric,
  rows: Float32Array,
  dims: number,
  keys: Uint32Array,
  query: Float32Array,
  k: number,
  keep: (key: number) => boolean = () => true,
): { keys: number[]; distances: number[] } {
  const scored: { key: number; distance: number }[] = [];
  for (let i = 0; i < keys.length; i++) {
    if (keep(keys[i]!))
      scored.push({ key: keys[i]!, distance: rawDistance(metric, query, row(rows, dims, i)) });
  }
  scored.sort((a, b) => a.distance - b.distance || a.key - b.key);
  const top = scored.slice(0, k);
  return { keys: top.map((s) => s.key), distances: top.map((s) => s.distance) };
}

/** Keys `start, start+1, …` as a Uint32Array. */
export function keyRange(count: number, start = 0): Uint32Array {
  return Uint32Array.from({ length: count }, (_, i) => start + i);
}

/** |found ∩ truth| ÷ |truth| for numeric keys. */
export function keyRecall(found: ArrayLike<number>, truth: readonly number[]): number {
  if (truth.length === 0) return 1;
  const set = new Set(Array.from(found));
  return truth.filter((key) => set.has(key)).length / truth.length;
}
