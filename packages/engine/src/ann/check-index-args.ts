import { EngineError } from '../errors.js';

/**
 * Argument checks shared by every {@link VectorIndex} implementation. They guard what the
 * native code cannot recover from (buffer lengths) and keep the two implementations'
 * errors identical; semantic validation (NaN, ids, limits) belongs to the collection.
 */

/** `vectors` must hold exactly one row of `dimensions` per key. */
export function checkRows(keys: Uint32Array, vectors: Float32Array, dimensions: number): void {
  if (vectors.length !== keys.length * dimensions) {
    throw new EngineError(
      'DIMENSION_MISMATCH',
      `expected ${keys.length} × ${dimensions} = ${keys.length * dimensions} values, got ${vectors.length}`,
      {
        help: 'Pass one row of `dimensions` floats per key.',
        details: { keys: keys.length, values: vectors.length },
      },
    );
  }
}

/** A query must have exactly `dimensions` values. */
export function checkQuery(query: Float32Array, dimensions: number): void {
  if (query.length !== dimensions) {
    throw new EngineError(
      'DIMENSION_MISMATCH',
      `query has ${query.length} values, the index ${dimensions}`,
      {
        help: 'Pass a query of the index dimensions.',
        details: { expected: dimensions, actual: query.length },
      },
    );
  }
}

/** A batch must hold a whole number of queries. */
export function checkQueries(queries: Float32Array, dimensions: number): void {
  if (queries.length % dimensions !== 0) {
    throw new EngineError(
      'DIMENSION_MISMATCH',
      `${queries.length} values are not a whole number of ${dimensions}-d queries`,
      {
        help: 'Concatenate whole queries of the index dimensions.',
        details: { dimensions, values: queries.length },
      },
    );
  }
}

/** `count` (and `threads`) are positive integers. */
export function checkPositive(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new EngineError('INVALID_INPUT', `${name} must be a positive integer, got ${value}`, {
      help: `Pass ${name} as an integer ≥ 1.`,
      details: { [name]: value },
    });
  }
}

/** True for a valid key: an integer in [0, 2³²). */
export function isKey(key: number): boolean {
  return key >>> 0 === key;
}

/** `out` must have room for one vector. */
export function checkOut(out: Float32Array, dimensions: number): void {
  if (out.length < dimensions) {
    throw new EngineError(
      'INVALID_INPUT',
      `out has ${out.length} slots, a vector needs ${dimensions}`,
      {
        help: 'Pass a Float32Array of at least the index dimensions.',
      },
    );
  }
}
