/**
 * `@needle/engine` — Needle's embedded vector engine, usable in-process like SQLite.
 *
 * @example
 * ```ts
 * import { Database } from '@needle/engine';
 *
 * const db = await Database.open(':memory:');
 * const docs = await db.createCollection('docs', { dimensions: 3, distance: 'cosine' });
 * await docs.insertMany([
 *   { id: 'a', vector: [1, 0, 0], metadata: { lang: 'en' } },
 *   { id: 'b', vector: [0, 1, 0], metadata: { lang: 'de' } },
 * ]);
 * const { hits } = await docs.search([0.9, 0.1, 0], 1, { filter: { lang: 'en' } });
 * ```
 */
export { Database } from './database.js';
export type { CollectionInfo } from './database.js';
export { Collection } from './collection/collection.js';
export type {
  CollectionStats,
  InsertManyResult,
  SearchOptions,
  VectorRecord,
} from './collection/collection-types.js';
export type { VectorRecordInput } from './collection/stage-writes.js';
export type { CompactionReport } from './maintenance/compact-collection.js';
export type { Progress, ProgressListener } from './maintenance/rebuild-index.js';
export type { SnapshotInfo } from './maintenance/snapshots.js';
export { DISTANCE_ALIASES, HNSW_PROFILES, resolveDistance } from './config.js';
export type {
  CollectionConfig,
  DatabaseConfig,
  Distance,
  HnswProfile,
  Limits,
  ResolvedCollectionConfig,
  ResolvedDatabaseConfig,
} from './config.js';
export { ENGINE_ERROR_CODES, EngineError, isEngineError } from './errors.js';
export type { EngineErrorCode, EngineErrorDetails } from './errors.js';
export { compileFilter } from './filter/compile-filter.js';
export type { CompiledFilter, Filter } from './filter/filter-types.js';
export type { ExplainTrace, SearchStrategy } from './search/explain.js';
export type { SearchCursor, SearchHit, SearchResult } from './search/run-search.js';
export type { Metadata, VectorInput } from './vectors/validate-record.js';
export { autoTune } from './tuning/auto-tune.js';
export type { TuningEstimate } from './tuning/auto-tune.js';
export type { TuningConstraints } from './tuning/tuning-constraints.js';
export { growthProjection } from './tuning/growth-projection.js';
export type { GrowthPoint } from './tuning/growth-projection.js';
export type {
  CalibrationOptions,
  CalibrationPoint,
  CalibrationReport,
} from './tuning/calibrate.js';
export type {
  Storage,
  StoredCollection,
  StoredRecord,
  Mutation,
  SystemLogQuery,
} from './storage/storage.js';
export { SystemStore, SystemRecords, SystemLog } from './system/system-store.js';
export type { PruneRule, StoredSystemRecord, SystemLogRecord } from './system/system-store.js';
export type { VectorIndex, IndexMatches, Quantization } from './ann/vector-index.js';
