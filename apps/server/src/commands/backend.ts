import type { ProgressListener } from '@needle/engine';

/** One vector as a JSONL line holds it, and as the REST contract sends it. */
export interface WireRecord {
  id: string;
  vector: number[];
  metadata?: Record<string, unknown> | null;
  ttl_seconds?: number | null;
}

/** A collection's shape, enough to validate records before sending them. */
export interface CollectionShape {
  name: string;
  dimensions: number;
  distance: string;
}

/** What a batch insert did: duplicates fail one by one, the rest are written. */
export interface BatchInsertResult {
  inserted: number;
  errors: { id: string; error: string; code: string }[];
}

/** One page of an export, in insertion order. */
export interface ExportPage {
  /** Live vectors in the collection when the page was read. */
  total: number;
  records: {
    id: string;
    vector: Float32Array | number[];
    metadata: unknown;
    /** Seconds left to live, for records that expire (embedded databases only). */
    ttlSeconds?: number;
  }[];
}

/** What a compaction did or, for a dry run, would do; null fields are unknown. */
export interface CompactOutcome {
  collection: string;
  dryRun: boolean;
  /** Deleted vectors whose index slots were (or would be) freed. */
  removed: number;
  /** Index memory freed (for a dry run: the estimate). */
  reclaimedBytes: number | null;
  durationMs: number;
  /** Live vectors after compaction. */
  vectors: number | null;
  fileBytesBefore: number | null;
  fileBytesAfter: number | null;
}

/** A checkpoint as the commands print it. */
export interface CheckpointOutcome {
  durationMs: number;
  /** Pages moved from the WAL into the main file; null when the server does not say. */
  pagesCheckpointed: number | null;
  /** Bytes of the WAL before the checkpoint; null when the server does not say. */
  walBytesBefore: number | null;
  storage: StorageFigures | null;
}

/** Storage figures of a database file; null fields are unknown (remote servers). */
export interface StorageFigures {
  fileBytes: number;
  walBytes: number;
  lastCheckpointAt: string | null;
}

/** One collection in `needle info`. */
export interface CollectionFigures {
  name: string;
  dimensions: number;
  distance: string;
  count: number;
  deletedCount: number;
  fragmentationRatio: number;
  needsCompaction: boolean;
  quantization: string | null;
  index: { kind: string; m: number | null; efConstruction: number | null; efSearch: number | null };
  memoryBytes: number;
  indexMemoryBytes: number;
}

/** What `needle info` reports. */
export interface InfoReport {
  source: string;
  version: string | null;
  totalVectors: number;
  collections: CollectionFigures[];
  storage: StorageFigures | null;
}

/**
 * The operations the offline commands need, answered either by a database opened in this
 * process (`EmbeddedBackend`) or by a running server over REST (`RemoteBackend`).
 */
export interface NeedleBackend {
  /** `embedded`: a database opened in this process; `remote`: a server over REST. */
  readonly kind: 'embedded' | 'remote';
  /** Where the data is, for messages: a data directory or a server URL. */
  readonly source: string;
  /** Largest batch to send, in bytes of its JSONL lines (a request body's size, roughly). */
  readonly maxBatchBytes: number;
  /** The collection's shape, or null when it does not exist. */
  describeCollection(name: string): Promise<CollectionShape | null>;
  createCollection(name: string, options: { dimensions: number; distance: string }): Promise<void>;
  /**
   * Inserts records; ids that exist already come back in `errors`. Throws a record error
   * (see `isRecordError`) when a record is malformed, writing nothing of the batch.
   */
  insertBatch(collection: string, records: WireRecord[]): Promise<BatchInsertResult>;
  /** Inserts or replaces records; returns how many replaced an existing id. */
  upsertBatch(collection: string, records: WireRecord[]): Promise<{ updated: number }>;
  /** Reads a collection a page at a time. */
  exportPages(collection: string, pageSize: number): AsyncIterable<ExportPage>;
  compact(
    collection: string,
    options: { dryRun: boolean; onProgress?: ProgressListener },
  ): Promise<CompactOutcome>;
  checkpoint(): Promise<CheckpointOutcome>;
  info(): Promise<InfoReport>;
  close(): Promise<void>;
}

/** Error codes that blame one record rather than the import as a whole. */
const RECORD_ERROR_CODES = new Set([
  'INVALID_INPUT',
  'INVALID_VECTOR_ID',
  'INVALID_VECTOR',
  'DIMENSION_MISMATCH',
  'METADATA_TOO_DEEP',
  'METADATA_TOO_LARGE',
  'ZERO_VECTOR',
  'VECTOR_EXISTS',
]);

/** True when `err` rejects a batch because of one of its records (bisecting finds which). */
export function isRecordError(err: unknown): err is { code: string; message: string } {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RECORD_ERROR_CODES.has(code);
}
