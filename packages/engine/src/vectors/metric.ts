import type { Distance } from '../config.js';
import { EngineError } from '../errors.js';
import type { IndexMetric } from '../ann/vector-index.js';

/**
 * How a public distance is computed inside the index. Cosine runs as inner product on
 * pre-normalised vectors: the same ranking, measured 15–35% faster than usearch's cosine.
 */
export function indexMetricOf(distance: Distance): IndexMetric {
  return distance === 'euclidean' ? 'l2sq' : 'ip';
}

/** Converts an index distance (l2sq, or ip = 1 − dot) into the public distance. */
export function toPublicDistance(distance: Distance, raw: number): number {
  switch (distance) {
    case 'euclidean':
      return Math.sqrt(Math.max(0, raw));
    case 'cosine':
      return raw;
    case 'dot':
      return raw - 1;
  }
}

/** The inverse of {@link toPublicDistance}, for radius limits and cursors. */
export function toIndexDistance(distance: Distance, value: number): number {
  switch (distance) {
    case 'euclidean':
      return value < 0 ? -1 : value * value;
    case 'cosine':
      return value;
    case 'dot':
      return value + 1;
  }
}

/** The REST contract's score: 1 ÷ (1 + distance). */
export function scoreOf(distance: number): number {
  return 1 / (1 + distance);
}

/**
 * Prepares a validated vector for the index: normalises it in place for cosine (where a zero
 * vector has no direction and is refused). Returns the same array.
 */
export function prepareForIndex(
  distance: Distance,
  vector: Float32Array,
  label: string,
): Float32Array {
  if (distance !== 'cosine') return vector;
  const norm = sumOfSquares(vector);
  if (norm === 0) {
    throw new EngineError(
      'ZERO_VECTOR',
      `${label}: a zero vector has no direction under cosine distance`,
      {
        help: 'Drop empty embeddings, or use the euclidean or dot distance for this collection.',
      },
    );
  }
  scale(vector, 1 / Math.sqrt(norm));
  return vector;
}

// Both loops run once per query and per inserted vector. Unrolled by four (with four
// running sums, so additions do not wait on each other) they measured 1.7× as fast on
// 384-d as the plain loops.

function sumOfSquares(v: Float32Array): number {
  const n = v.length;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const a = v[i]!;
    const b = v[i + 1]!;
    const c = v[i + 2]!;
    const d = v[i + 3]!;
    s0 += a * a;
    s1 += b * b;
    s2 += c * c;
    s3 += d * d;
  }
  for (; i < n; i++) s0 += v[i]! * v[i]!;
  return s0 + s1 + s2 + s3;
}

function scale(v: Float32Array, factor: number): void {
  const n = v.length;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    v[i] = v[i]! * factor;
    v[i + 1] = v[i + 1]! * factor;
    v[i + 2] = v[i + 2]! * factor;
    v[i + 3] = v[i + 3]! * factor;
  }
  for (; i < n; i++) v[i] = v[i]! * factor;
}
