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
  let norm = 0;
  for (let i = 0; i < vector.length; i++) norm += vector[i]! * vector[i]!;
  if (norm === 0) {
    throw new EngineError(
      'ZERO_VECTOR',
      `${label}: a zero vector has no direction under cosine distance`,
      {
        help: 'Drop empty embeddings, or use the euclidean or dot distance for this collection.',
      },
    );
  }
  const inv = 1 / Math.sqrt(norm);
  for (let i = 0; i < vector.length; i++) vector[i]! *= inv;
  return vector;
}
