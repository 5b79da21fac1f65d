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
export { BackupManager } from './backup/backup-manager.js';
export type {
  BackupManagerOptions,
  BackupVerification,
  RetentionReport,
} from './backup/backup-manager.js';
export type { BackupTarget, BackupObjectInfo } from './backup/backup-target.js';
export { LocalDirectoryTarget } from './backup/local-directory-target.js';
export { BACKUP_FORMAT_VERSION } from './backup/backup-manifest.js';
export type {
  BackupManifest,
  BackupObject,
  BackupCollection,
  BackupSummary,
} from './backup/backup-manifest.js';
export type { CatalogEntry, VerificationSummary } from './backup/backup-catalog.js';
export type { CreateBackupOptions } from './backup/create-backup.js';
export { planRetention } from './backup/retention.js';
export type { RetentionPolicy, RetentionPlan } from './backup/retention.js';
export { restoreBackup, verifyBackup } from './backup/restore-api.js';
export type { RestoreBackupOptions } from './backup/restore-api.js';
export type {
  BackupProgress,
  RestoreReport,
  RestoreSourceOptions,
} from './backup/restore-backup.js';
export type { BackupSelection } from './backup/resolve-chain.js';
export { pickRestorePoint } from './backup/restore-point.js';
export type { ChosenPoint, PointCandidate, RestorePointSelection } from './backup/restore-point.js';
export type { StopPoint } from './backup/apply-incremental.js';
export type { RestoreInPlaceOptions, RestoreInPlaceReport } from './backup/restore-in-place.js';
export type { CatalogSyncReport } from './backup/sync-catalog.js';
export type { SampleSearchReport } from './backup/sample-searches.js';
export { listBackups } from './backup/list-backups.js';
export { Keyring } from './crypto/keyring.js';
export { resolveKey } from './crypto/key-source.js';
export type { ResolvedKey } from './crypto/resolved-key.js';
export type { EncryptionConfig } from './crypto/encryption-config.js';
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
