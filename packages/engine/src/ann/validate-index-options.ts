import { EngineError } from '../errors.js';
import type { VectorIndexOptions } from './vector-index.js';

/** usearch's i8 dot products are in units of 127² (its cast scales unit vectors to ±127). */
const I8_DOT_SCALE = 1 / (127 * 127);

/**
 * Checks the options every index implementation shares, so both reject the same inputs
 * with the same codes. i8 with `l2sq` is refused: usearch's i8 cast rescales each vector
 * to unit length, so squared euclidean distances over them are not those of the inputs.
 * (For the same reason i8 with `ip` is only meaningful on unit-length vectors, which is
 * how cosine collections store them.)
 */
export function validateIndexOptions(options: VectorIndexOptions): void {
  const positive = (name: string, value: number, min: number): void => {
    if (!Number.isInteger(value) || value < min) {
      throw new EngineError(
        'INVALID_INPUT',
        `index option ${name} must be an integer ≥ ${min}, got ${value}`,
        {
          help: `Pass ${name} as an integer of at least ${min}.`,
          details: { option: name, value },
        },
      );
    }
  };
  if (!Number.isInteger(options.dimensions) || options.dimensions < 1) {
    throw new EngineError(
      'INVALID_DIMENSIONS',
      `dimensions must be a positive integer, got ${options.dimensions}`,
      {
        help: 'Pass the vector length as a positive integer.',
        details: { dimensions: options.dimensions },
      },
    );
  }
  positive('connectivity', options.connectivity, 2);
  positive('expansionAdd', options.expansionAdd, 1);
  positive('expansionSearch', options.expansionSearch, 1);
  if (options.capacity !== undefined) positive('capacity', options.capacity, 0);
  if (options.metric !== 'l2sq' && options.metric !== 'ip') {
    throw new EngineError('INVALID_DISTANCE', `unknown index metric ${String(options.metric)}`, {
      help: "Use 'l2sq' or 'ip'.",
    });
  }
  if (
    options.quantization !== 'f32' &&
    options.quantization !== 'f16' &&
    options.quantization !== 'i8'
  ) {
    throw new EngineError('INVALID_INPUT', `unknown quantization ${String(options.quantization)}`, {
      help: "Use 'f32', 'f16' or 'i8'.",
    });
  }
  if (options.quantization === 'i8' && options.metric === 'l2sq') {
    throw new EngineError(
      'INVALID_INPUT',
      'i8 quantization is not available for euclidean distance',
      {
        help: 'i8 stores unit-length vectors; use f16 for euclidean collections, or i8 with cosine.',
        details: { metric: options.metric, quantization: options.quantization },
      },
    );
  }
}

/**
 * Maps usearch's raw i8 inner-product distance (`1 − dot` over ±127 integers) onto the
 * index contract's `1 − dot` of unit vectors; the identity for every other combination.
 */
export function i8DistanceFix(
  options: Pick<VectorIndexOptions, 'metric' | 'quantization'>,
): ((raw: number) => number) | null {
  if (options.quantization !== 'i8' || options.metric !== 'ip') return null;
  return (raw) => 1 - (1 - raw) * I8_DOT_SCALE;
}
