/** How the planner answered a query. */
export type SearchStrategy =
  /** Plain HNSW traversal, no filter. */
  | 'hnsw'
  /** HNSW traversal, then the filter checked on the candidates, widening until k match. */
  | 'hnsw-post-filter'
  /** HNSW traversal with the filter applied to every node it reaches. */
  | 'hnsw-filtered'
  /** Exact (brute-force SIMD) search of the vectors that match the filter. */
  | 'exact-subset';

/**
 * What `searchExplain` reports about one query. Times are in microseconds. Counters the
 * index implementation cannot observe are `null`, never guessed.
 */
export interface ExplainTrace {
  plan: {
    strategy: SearchStrategy;
    /** Why the planner chose this strategy, in a sentence. */
    reason: string;
    /** Share of the collection the filter was estimated to match before planning (1 without one). */
    estimatedSelectivity: number;
    /** Share it really matched, when the plan scanned the metadata; else null. */
    exactSelectivity: number | null;
    /** True when the matching set came from the filter cache (same filter, no write since). */
    filterCacheHit: boolean;
  };
  timing: {
    totalUs: number;
    /** Time inside the ANN index (traversal or exact scan). */
    indexUs: number;
    /** Time evaluating the filter (sampling, scanning, checking candidates). */
    filterUs: number;
    /** Time turning keys into results (ids, metadata, vectors). */
    fetchUs: number;
  };
  index: {
    kind: string;
    /** Graph nodes visited, summed over index calls. */
    visitedNodes: number | null;
    /** Distance computations, summed over index calls. */
    distanceComputations: number | null;
    /** The largest search breadth used. */
    efUsed: number;
    /** Index calls made (a widening search makes several). */
    rounds: number;
  };
  /** Candidates the index returned, summed over rounds. */
  candidatesExamined: number;
  /** Candidates that passed the filter and expiry checks. */
  candidatesAfterFilter: number;
  requestedK: number;
  returned: number;
  collectionSize: number;
  dimensions: number;
  distance: string;
  filterApplied: boolean;
  postFilterApplied: boolean;
  /** Euclidean norm of the query as given. */
  queryNorm: number;
  /** The dimensions that contribute most to the distance to the best hit. */
  topDimensions: { dimension: number; queryValue: number; contribution: number }[];
  /** Whether the answer came from a result cache (the server's; always false in-process). */
  cacheHit: boolean;
}

/** Microsecond clock for traces. */
export function nowUs(): number {
  return performance.now() * 1000;
}
