import type { ResolvedCollectionConfig } from '../config.js';

/**
 * The store of record behind a database. The engine keeps its working set (ids, metadata,
 * the ANN index) in memory and derives it from a storage at open; every mutation goes to the
 * storage first and becomes visible only once `commit` has resolved, so nothing is
 * acknowledged that the storage does not hold.
 *
 * Implementations: `MemoryStorage` (`:memory:` databases) and, for `.needle` files, the
 * SQLite store (WAL, group commit, change log). Both pass one conformance suite.
 */
export interface Storage {
  /** `memory` or `sqlite`, for stats and explain. */
  readonly kind: string;
  /** Every collection, in creation order. */
  listCollections(): StoredCollection[];
  /** Records a new collection; throws if the name is taken. */
  createCollection(collection: StoredCollection): Promise<void>;
  /** Persists a changed collection config (e.g. a calibrated `efSearch`). */
  updateCollectionConfig(name: string, config: ResolvedCollectionConfig): Promise<void>;
  /** Removes a collection and all its records. */
  dropCollection(name: string): Promise<void>;
  /**
   * Applies mutations to one collection atomically and durably, in order. Concurrent calls
   * may share one transaction (group commit); each resolves after its own commit, in the
   * order they were called, with the change-log sequence number of its last mutation.
   */
  commit(collection: string, mutations: readonly Mutation[]): Promise<number>;
  /** Calls `visit` for every stored record of a collection, in key order. */
  scan(collection: string, visit: (record: StoredRecord) => void): void;
  /** Like {@link scan} without the vectors: what opening over a saved index needs. */
  scanEntries(collection: string, visit: (entry: StoredEntry) => void): void;
  /** Copies the original (un-normalised) vector of `key` into `out`; false if absent. */
  readVector(collection: string, key: number, out: Float32Array): boolean;
  /** The highest change-log sequence number committed so far (0 for none). */
  lastSeq(): number;
  /**
   * Calls `visit` for every change-log entry of a collection with `seq > after`, in seq
   * order. Used to bring a saved index up to date on open, and for incremental backups.
   */
  changesSince(collection: string, after: number, visit: (change: Change) => void): void;
  /** Moves committed pages from the WAL into the main file (no-op for memory). */
  checkpoint(): Promise<CheckpointStats>;
  /** Gives the space of deleted records back to the file system (after compaction). */
  vacuum(): Promise<VacuumStats>;
  /** Sizes and checkpoint figures, for metrics and alerts. */
  stats(): StorageStats;
  /** Flushes (checkpoints) and releases everything. */
  close(): Promise<void>;

  /** The JSON value of a system record, or undefined. */
  getSystemRecord(namespace: string, key: string): string | undefined;
  /** Every record of a namespace, by key. */
  listSystemRecords(namespace: string): SystemRecord[];
  /** Writes (or, with `value` null, deletes) a system record durably. */
  putSystemRecord(namespace: string, key: string, value: string | null): Promise<void>;
  /** Appends JSON entries to a system log in one commit; resolves with their seqs. */
  appendSystemLog(log: string, entries: readonly string[]): Promise<number[]>;
  /** Entries of a system log matching `query`, in seq order (or reversed). */
  readSystemLog(log: string, query?: SystemLogQuery): SystemLogEntry[];
  /** Deletes the entries of a log with `seq < beforeSeq`; resolves with how many went. */
  pruneSystemLog(log: string, beforeSeq: number): Promise<number>;
  /**
   * Drops the value log's entries at or below `throughSeq` (docs/adr/0022); resolves with how
   * many went. Only stores that keep a value log (the SQLite file) have it.
   */
  pruneChangeValues?(throughSeq: number): Promise<number>;
}

/** One system record: a key and its JSON value. */
export interface SystemRecord {
  key: string;
  value: string;
  /** Milliseconds since the epoch. */
  updatedAt: number;
}

/** One entry of a system log. */
export interface SystemLogEntry {
  seq: number;
  /** When it was appended, ms since the epoch. */
  at: number;
  /** The entry as JSON. */
  entry: string;
}

/** Which entries of a system log to read; every bound is optional. */
export interface SystemLogQuery {
  /** Only entries with a greater seq. */
  afterSeq?: number;
  /** Only entries with a lower seq (the cursor of a newest-first listing). */
  beforeSeq?: number;
  /** Only entries appended at or after this time (ms since the epoch). */
  sinceAt?: number;
  /** Only entries appended before this time. */
  untilAt?: number;
  /** Top-level fields of the entry that must equal these values. */
  match?: Readonly<Record<string, string | number | boolean>>;
  /** Newest first. */
  descending?: boolean;
  /** At most this many (default: all). */
  limit?: number;
}

/** One change-log entry. */
export interface Change {
  seq: number;
  op: Mutation['op'];
  key: number;
  id: string;
}

/** What one checkpoint did. */
export interface CheckpointStats {
  /** When it finished, ms since the epoch. */
  at: number;
  durationMs: number;
  /** Pages moved from the WAL into the main file. */
  pagesCheckpointed: number;
  /** Why it ran. */
  reason: 'timer' | 'wal-size' | 'close' | 'manual';
}

/** What a vacuum did to the file's size. */
export interface VacuumStats {
  bytesBefore: number;
  bytesAfter: number;
}

/** Storage figures. */
export interface StorageStats {
  /** Bytes of the main file (0 for memory). */
  fileBytes: number;
  /** Bytes of the WAL not yet checkpointed ("WAL lag"). */
  walBytes: number;
  lastCheckpoint: CheckpointStats | null;
  lastSeq: number;
}

/** A collection as the storage records it. */
export interface StoredCollection {
  name: string;
  config: ResolvedCollectionConfig;
  /** Milliseconds since the epoch. */
  createdAt: number;
}

/** One vector as stored: its key, id, original vector, metadata JSON and expiry. */
export interface StoredRecord {
  key: number;
  id: string;
  vector: Float32Array;
  /** Metadata as JSON text, or null for none. */
  metadata: string | null;
  /** Expiry in ms since the epoch, or null for never. */
  expiresAt: number | null;
}

/** A stored record without its vector. */
export type StoredEntry = Omit<StoredRecord, 'vector'>;

/** A change to one collection. `put` replaces any record with the same key. */
export type Mutation =
  | ({ op: 'put' } & StoredRecord)
  | { op: 'delete'; key: number; id: string }
  | { op: 'metadata'; key: number; id: string; metadata: string | null };
