/** How a dataset's nearest neighbours are measured. */
export type DatasetDistance = 'euclidean' | 'cosine';

/**
 * A benchmark dataset: vectors to index and held-out queries, both row-major.
 * Row `i` of `train` is the vector with key `i` in every runner.
 */
export interface Dataset {
  /** Name used by `--dataset=` and as the ground-truth cache key. */
  name: string;
  dimensions: number;
  distance: DatasetDistance;
  /** `trainCount × dimensions` values, row after row. */
  train: Float32Array;
  trainCount: number;
  /** `queryCount × dimensions` values, row after row. */
  queries: Float32Array;
  queryCount: number;
}

/** Row `index` of a row-major matrix, as a view (no copy). */
export function rowOf(matrix: Float32Array, dimensions: number, index: number): Float32Array {
  return matrix.subarray(index * dimensions, (index + 1) * dimensions);
}

/**
 * Splits `rows` row-major vectors into train and query sets: the rows named in
 * `queryRows` become queries (in that order), the rest stay in train order.
 */
export function holdOut(
  rows: Float32Array,
  dimensions: number,
  queryRows: ArrayLike<number>,
): { train: Float32Array; trainCount: number; queries: Float32Array; queryCount: number } {
  const total = rows.length / dimensions;
  const isQuery = new Uint8Array(total);
  for (let i = 0; i < queryRows.length; i++) isQuery[queryRows[i]!] = 1;
  const queryCount = queryRows.length;
  const trainCount = total - queryCount;
  const train = new Float32Array(trainCount * dimensions);
  const queries = new Float32Array(queryCount * dimensions);
  let t = 0;
  for (let row = 0; row < total; row++) {
    if (isQuery[row]) continue;
    train.set(rowOf(rows, dimensions, row), t * dimensions);
    t++;
  }
  for (let q = 0; q < queryCount; q++) {
    queries.set(rowOf(rows, dimensions, queryRows[q]!), q * dimensions);
  }
  return { train, trainCount, queries, queryCount };
}
