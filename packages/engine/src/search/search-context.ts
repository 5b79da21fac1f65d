import type { VectorIndex } from '../ann/vector-index.js';
import type { ResolvedCollectionConfig, ResolvedDatabaseConfig } from '../config.js';
import type { CollectionState } from '../collection/collection-state.js';
import type { FilterCache } from './filter-cache.js';
import type { SearchBatcher } from './search-batcher.js';

/** What the search code needs from a collection. */
export interface SearchContext {
  readonly config: ResolvedCollectionConfig;
  readonly dbConfig: ResolvedDatabaseConfig;
  readonly state: CollectionState;
  readonly index: VectorIndex;
  readonly batcher: SearchBatcher;
  /** Keys matching recent filters, by the filter's canonical JSON. */
  readonly filterCache: FilterCache;
  /** Reads the original vector of a key from storage into `out`. */
  readVector(key: number, out: Float32Array): boolean;
}
