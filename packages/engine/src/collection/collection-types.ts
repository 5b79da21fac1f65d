import type { Filter } from '../filter/filter-types.js';
import type { SearchCursor } from '../search/run-search.js';
import type { Metadata } from '../vectors/validate-record.js';

/** Options of `search`, `searchExplain` and `batchSearch`. */
export interface SearchOptions {
  /** Only vectors whose metadata matches are ranked (applied before ranking). */
  filter?: Filter | null;
  /** Checked on the `k × postFilterFactor` best candidates, after ranking. */
  postFilter?: Filter | null;
  /** How many candidates per result the post-filter sees (default 3). */
  postFilterFactor?: number;
  /** Include each hit's stored vector. */
  includeVectors?: boolean;
  /** Continue after this cursor (the `nextCursor` of the previous page). */
  searchAfter?: SearchCursor | null;
  /** Search breadth for this query; defaults to the collection's `efSearch`. */
  efSearch?: number;
}

/** A stored vector as `get` returns it. */
export interface VectorRecord {
  id: string;
  vector: Float32Array;
  metadata: Metadata | null;
  /** Expiry in ms since the epoch, or null. */
  expiresAt: number | null;
}

/** Result of `insertMany`: duplicates fail one by one, the rest are written. */
export interface InsertManyResult {
  inserted: number;
  errors: { id: string; error: string; code: 'VECTOR_EXISTS' }[];
}

/** Figures about a collection. */
export interface CollectionStats {
  name: string;
  dimensions: number;
  distance: string;
  quantization: string;
  index: { kind: string; m: number; efConstruction: number; efSearch: number };
  count: number;
  deletedCount: number;
  /** deleted ÷ (live + deleted) index slots. */
  fragmentationRatio: number;
  /** True when the fragmentation ratio is at least 0.2. */
  needsCompaction: boolean;
  /** Memory the index holds, allocator reserve included. */
  indexMemoryBytes: number;
  /** Bytes of graph and vectors in use (what the checklist's memory formula estimates). */
  indexDataBytes: number;
  /** Index plus ids and metadata held in memory (estimate). */
  memoryBytes: number;
  /** Native batch calls made by coalescing concurrent searches, and the queries in them. */
  searchBatches: { calls: number; queries: number };
  /** Filter cache lookups answered without a metadata scan, and those that scanned. */
  filterCache: { hits: number; misses: number };
}
