import type { DatasetDistance } from '../datasets/dataset.js';

/** Index settings every runner of one comparison shares. */
export interface RunnerConfig {
  dimensions: number;
  distance: DatasetDistance;
  /** HNSW `M`. */
  m: number;
  /** HNSW `ef_construction`. */
  efConstruction: number;
  /** Vectors the index will hold, for libraries that allocate up front. */
  capacity: number;
}

/**
 * One library under test, behind the same few operations so the harness can time them
 * side by side. Work a library needs only because of its input format (converting rows to
 * JS arrays, building records) happens in the `prepare…`/`setQueries` steps, outside the
 * timed calls; the timed calls are what an application would call in its hot loop.
 */
export interface AnnRunner {
  /** Column label in the report. */
  readonly name: string;
  /**
   * Prepares adding `vectors` (row-major) with keys `firstKey…`; the returned function
   * performs the add and is what gets timed.
   */
  prepareAdd(vectors: Float32Array, firstKey: number): () => Promise<void>;
  /** Makes following searches use breadth `ef` (HNSW `ef_search`). */
  setEf(ef: number): Promise<void>;
  /** Hands over the query set; `search(q)` refers to its rows. */
  setQueries(queries: Float32Array): void;
  /** The `k` nearest keys of query row `q`, nearest first. */
  search(q: number, k: number): Promise<ArrayLike<number>>;
  /**
   * Query rows `from…to−1` at once, the library's way of using both cores (a native batch
   * call, or concurrent promises the library coalesces); absent when it has none.
   */
  searchMany?(from: number, to: number, k: number): Promise<ArrayLike<number>[]>;
  /** Index bytes as the library reports or serialises them; `null` if it cannot tell. */
  reportedBytes(): Promise<number | null>;
  /** Releases the index (and any temp files). */
  close(): Promise<void>;
}
