/**
 * The contract every approximate-nearest-neighbour index of the engine implements. The
 * collection layer owns ids, metadata and storage; an index only knows integer keys
 * (`0 ≤ key < 2^32`) and their vectors, and answers distance queries over them.
 *
 * Distances are the index's raw metric values: `l2sq` (squared euclidean) or `ip`
 * (`1 − dot`, used for cosine on pre-normalised vectors and for dot product). The
 * collection converts them into the public distances of the REST contract.
 *
 * Implementations: `NativeHnswIndex` (our N-API addon over usearch's C++ HNSW, with
 * traversal statistics and in-traversal filtering) and `UsearchJsIndex` (the stock
 * `usearch` npm binding, capabilities emulated in JS). One conformance suite runs both.
 */
export interface VectorIndex {
  /** Which implementation this is, for explain traces and metrics. */
  readonly kind: string;
  /** Dimensions of every vector in the index. */
  readonly dimensions: number;
  /** Number of live vectors. */
  size(): number;
  /** Bytes this index holds in memory (vectors, graph, key maps), allocator reserve included. */
  memoryBytes(): number;
  /** Bytes of graph and vectors in use (what a save writes), without allocator reserve. */
  dataBytes?(): number;
  /**
   * Adds `keys.length` vectors, stored row after row in `vectors`
   * (`vectors.length === keys.length × dimensions`). Keys must not be present.
   */
  add(keys: Uint32Array, vectors: Float32Array): void;
  /** Removes keys; absent keys are ignored. Returns how many were removed. */
  remove(keys: Uint32Array): number;
  /** True if the key is in the index. */
  has(key: number): boolean;
  /** Copies the stored (possibly quantised) vector of `key` into `out`; false if absent. */
  get(key: number, out: Float32Array): boolean;
  /**
   * Approximate k-NN. `ef` is the search breadth (at least `count` is always used).
   * With `allowed`, only keys whose byte `allowed[key]` is non-zero are returned; the
   * filter is applied during graph traversal where the implementation supports it.
   */
  search(query: Float32Array, count: number, options: IndexSearchOptions): IndexMatches;
  /**
   * Approximate k-NN for many queries in one call (`queries.length === n × dimensions`),
   * spread over `threads` native threads.
   */
  searchBatch(queries: Float32Array, count: number, options: IndexBatchOptions): IndexMatches[];
  /** Exact k-NN among `keys` only (brute force); keys absent from the index are skipped. */
  searchSubset(query: Float32Array, keys: Uint32Array, count: number): IndexMatches;
  /**
   * Writes the index to `path` so that {@link load} can restore it without rebuilding.
   * Optional: an implementation without persistence leaves it out, and its index is
   * rebuilt from the stored vectors instead. Files are implementation-specific.
   */
  save?(path: string): void;
  /**
   * Replaces the contents with an index written by {@link save} of the same
   * implementation. A missing, damaged or mismatched (dimensions, metric, quantization)
   * file throws `INVALID_INPUT` and leaves the index unchanged.
   */
  load?(path: string): void;
  /** Frees native memory. The index is unusable afterwards. */
  close(): void;
}

/** Options of {@link VectorIndex.search}. */
export interface IndexSearchOptions {
  /** Search breadth (HNSW `ef_search`); the implementation uses `max(ef, count)`. */
  ef: number;
  /** A byte per key; only keys with a non-zero byte may be returned. */
  allowed?: Uint8Array | undefined;
}

/** Options of {@link VectorIndex.searchBatch}. */
export interface IndexBatchOptions {
  ef: number;
  /** Native threads for the batch; 1 runs on the calling thread only. */
  threads: number;
}

/** Result of one query: parallel arrays, ascending by distance. */
export interface IndexMatches {
  keys: Uint32Array;
  distances: Float32Array;
  /** Graph nodes visited, when the implementation can count them; else `null`. */
  visited: number | null;
  /** Distance computations performed, when the implementation can count them; else `null`. */
  computed: number | null;
}

/** The raw metric an index computes. */
export type IndexMetric = 'l2sq' | 'ip';

/** Storage precision of the vectors inside the index. */
export type Quantization = 'f32' | 'f16' | 'i8';

/** What is needed to construct an index. */
export interface VectorIndexOptions {
  dimensions: number;
  metric: IndexMetric;
  quantization: Quantization;
  /** HNSW `M`: links per node on the upper layers (twice that on the base layer). */
  connectivity: number;
  /** HNSW `ef_construction`. */
  expansionAdd: number;
  /** Default HNSW `ef_search` when a query names none. */
  expansionSearch: number;
  /** Expected number of vectors, to reserve capacity up front. */
  capacity?: number;
}
