import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

import { createVectorIndex } from './ann/create-vector-index.js';
import { backupRunning, type BackupHost } from './backup/backup-host.js';
import { BackupManager, type BackupManagerOptions } from './backup/backup-manager.js';
import type { BackupManifest } from './backup/backup-manifest.js';
import type { BackupTarget } from './backup/backup-target.js';
import type { CreateBackupOptions } from './backup/create-backup.js';
import { unchainedValueFloor } from './backup/prune-values.js';
import {
  restoreInPlace,
  type RestoreInPlaceOptions,
  type RestoreInPlaceReport,
} from './backup/restore-in-place.js';
import type { VectorIndex } from './ann/vector-index.js';
import { Collection } from './collection/collection.js';
import { databaseConfigSchema, resolveCollectionConfig } from './config.js';
import type {
  CollectionConfig,
  DatabaseConfig,
  ResolvedCollectionConfig,
  ResolvedDatabaseConfig,
} from './config.js';
import type { EncryptionConfig } from './crypto/encryption-config.js';
import { resolveKey } from './crypto/key-source.js';
import { Keyring } from './crypto/keyring.js';
import { EngineError } from './errors.js';
import type { ProgressListener } from './maintenance/rebuild-index.js';
import {
  FileSnapshotStore,
  MemorySnapshotStore,
  captureSnapshot,
  defaultSnapshotName,
  readSnapshot,
  validateSnapshotName,
} from './maintenance/snapshots.js';
import type { SnapshotInfo, SnapshotStore } from './maintenance/snapshots.js';
import { parseOrThrow } from './parse-or-throw.js';
import { loadIndexFile, removeIndexFile, saveIndexFile } from './persistence/index-files.js';
import { readOrCreateSalt } from './persistence/key-salt.js';
import { MemoryStorage } from './storage/memory-storage.js';
import { mapStorageError } from './storage/sqlite/sqlite-errors.js';
import { SqliteStorage } from './storage/sqlite/sqlite-storage.js';
import type { CheckpointStats, Mutation, Storage, StorageStats } from './storage/storage.js';
import { SystemStore } from './system/system-store.js';
import { indexMetricOf } from './vectors/metric.js';

const COLLECTION_NAME = /^[A-Za-z0-9_-]{1,256}$/;

/** One line of `listCollections`. */
export interface CollectionInfo {
  name: string;
  dimensions: number;
  distance: string;
  count: number;
  deletedCount: number;
}

/** What opening a database found and did, per collection: the answer to "what was repaired?". */
export interface OpenReport {
  durationMs: number;
  collections: {
    name: string;
    /** `loaded`: the saved index was used; `rebuilt`: it was missing or damaged. */
    index: 'loaded' | 'rebuilt';
    /** Why the index was rebuilt, when it was. */
    reason: string | null;
    /** Change-log entries replayed onto a loaded index. */
    replayed: number;
    /** Vectors added to a rebuilt index. */
    rebuilt: number;
  }[];
}

/** Options of `Database.open` that are not settings of the database. */
export interface OpenOptions {
  /** Hears about long work while opening (index rebuilds). */
  onProgress?: (collection: string, progress: Parameters<ProgressListener>[0]) => void;
}

/**
 * A Needle database: named collections of vectors, in-process, like SQLite. A file path
 * gives a durable database (one SQLite file in WAL mode, plus saved indexes beside it);
 * `':memory:'` keeps everything in this process.
 *
 * @example
 * ```ts
 * import { Database } from '@needle/engine';
 *
 * const db = await Database.open('data/app.needle', { wal: { syncMode: 'fsync' } });
 * const docs = db.hasCollection('docs') ? db.collection('docs') : await db.createCollection('docs', { dimensions: 384 });
 * await docs.insert({ id: 'intro', vector: embedding, metadata: { lang: 'en' } });
 * const { hits } = await docs.search(queryEmbedding, 10);
 * await db.close();
 * ```
 */
export class Database {
  readonly path: string;
  readonly config: ResolvedDatabaseConfig;
  /** What `open` found and repaired. */
  readonly openReport: OpenReport;
  readonly #storage: Storage;
  readonly #keyring: Keyring | undefined;
  readonly #collections = new Map<string, Collection>();
  /** The state version of each collection when its index was last saved. */
  readonly #savedVersion = new Map<string, number>();
  readonly #snapshots: SnapshotStore;
  /** Collections being restored from a snapshot: offline until the restore ends. */
  readonly #restoring = new Set<string>();
  #sweeper: NodeJS.Timeout | undefined;
  #checkpointer: NodeJS.Timeout | undefined;
  #checkpointing: Promise<CheckpointStats> | null = null;
  /** The seq through which the value log was last pruned for want of a backup chain. */
  #valuesPrunedThrough = 0;
  #closed = false;
  #system: SystemStore | undefined;

  private constructor(
    path: string,
    config: ResolvedDatabaseConfig,
    storage: Storage,
    keyring: Keyring | undefined,
  ) {
    this.path = path;
    this.config = config;
    this.#storage = storage;
    this.#keyring = keyring;
    this.#snapshots =
      path === ':memory:' ? new MemorySnapshotStore() : new FileSnapshotStore(path, keyring);
    this.openReport = { durationMs: 0, collections: [] };
  }

  /** Opens (or creates) a database: a `.needle` file path, or `':memory:'`. */
  static async open(
    path: string,
    config: DatabaseConfig = {},
    options: OpenOptions = {},
  ): Promise<Database> {
    const started = performance.now();
    const resolved = parseOrThrow(databaseConfigSchema, config, 'database config');
    let storage: Storage;
    let keyring: Keyring | undefined;
    if (path === ':memory:') {
      storage = new MemoryStorage();
    } else {
      mkdirSync(dirname(path), { recursive: true });
      if (resolved.encryption) keyring = new Keyring(await databaseKey(path, resolved.encryption));
      storage = await SqliteStorage.open(path, {
        // The database runs the checkpoint timer itself: it saves the indexes at checkpoint.
        wal: { ...resolved.wal, checkpointIntervalMs: 0 },
        cipherKey: keyring?.current.key,
      });
    }
    const db = new Database(path, resolved, storage, keyring);
    try {
      for (const stored of storage.listCollections()) {
        const collection = db.#instantiate(stored.name, stored.config);
        db.openReport.collections.push(
          await db.#loadCollection(collection, stored.config, options),
        );
      }
    } catch (err) {
      await db.close().catch(() => undefined);
      throw err;
    }
    db.openReport.durationMs = performance.now() - started;
    db.#startTimers();
    return db;
  }

  /** Creates a collection; its name must match `^[A-Za-z0-9_-]{1,256}$`. */
  async createCollection(name: string, config: CollectionConfig): Promise<Collection> {
    this.#assertOpen();
    validateName(name);
    if (this.#restoring.has(name)) throw restoring(name);
    if (this.#collections.has(name)) {
      throw new EngineError('COLLECTION_EXISTS', `collection "${name}" already exists`, {
        help: 'Pick another name, or drop the existing collection first.',
        details: { collection: name },
      });
    }
    const resolved = resolveCollectionConfig(config, this.config.limits);
    // An index file under a name with no collection is left from a drop that ended between
    // its commit and the file's removal; it must never pass for the new collection's.
    if (this.path !== ':memory:') removeIndexFile(this.path, name);
    await this.#storage.createCollection({ name, config: resolved, createdAt: Date.now() });
    return this.#instantiate(name, resolved);
  }

  /** The collection with this name; `COLLECTION_NOT_FOUND` when there is none. */
  collection(name: string): Collection {
    this.#assertOpen();
    const collection = this.#collections.get(name);
    if (!collection) {
      if (this.#restoring.has(name)) throw restoring(name);
      throw new EngineError('COLLECTION_NOT_FOUND', `collection "${name}" does not exist`, {
        help: 'Create it with createCollection, or check the name with listCollections.',
        details: { collection: name },
      });
    }
    return collection;
  }

  /** True if a collection has this name. */
  hasCollection(name: string): boolean {
    return this.#collections.has(name) || this.#restoring.has(name);
  }

  /** Every collection, sorted by name. */
  listCollections(): CollectionInfo[] {
    this.#assertOpen();
    return [...this.#collections.values()]
      .map((c) => {
        const s = c.stats();
        return {
          name: c.name,
          dimensions: s.dimensions,
          distance: s.distance,
          count: s.count,
          deletedCount: s.deletedCount,
        };
      })
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Deletes a collection and everything in it. */
  async dropCollection(name: string): Promise<void> {
    const collection = this.collection(name);
    await this.#storage.dropCollection(name);
    this.#collections.delete(name);
    this.#savedVersion.delete(name);
    collection.close();
    if (this.path !== ':memory:') removeIndexFile(this.path, name);
    this.#snapshots.removeAll(name);
  }

  /**
   * Takes a snapshot of a collection's committed vectors under `name` (default: the time),
   * stored beside the database (sealed, encrypted under the database key when it has one) or,
   * for `:memory:`, in this process. Refused with `SNAPSHOT_EXISTS` when the name is taken.
   *
   * @example
   * ```ts
   * await db.createSnapshot('docs', 'before-reimport');
   * // ... later
   * await db.restoreSnapshot('docs', 'before-reimport');
   * ```
   */
  async createSnapshot(collection: string, name?: string): Promise<SnapshotInfo> {
    const target = this.collection(collection);
    const snapshot = validateSnapshotName(name ?? defaultSnapshotName(Date.now()));
    if (this.#snapshots.has(collection, snapshot)) throw snapshotExists(collection, snapshot);
    const now = Date.now();
    const { frames, count } = captureSnapshot(
      this.#storage,
      collection,
      target.config,
      snapshot,
      now,
    );
    if (this.#snapshots.has(collection, snapshot)) throw snapshotExists(collection, snapshot);
    const bytes = await this.#snapshots
      .write(collection, snapshot, frames)
      .catch((err: unknown) => {
        throw mapStorageError(err, `writing snapshot "${snapshot}" of "${collection}"`);
      });
    return { name: snapshot, collection, createdAt: now, count, bytes };
  }

  /** The snapshots of a collection, oldest first. */
  async listSnapshots(collection: string): Promise<SnapshotInfo[]> {
    this.collection(collection);
    const list = await this.#snapshots.list(collection);
    return list.sort((a, b) => a.createdAt - b.createdAt || (a.name < b.name ? -1 : 1));
  }

  /** Deletes a snapshot; `SNAPSHOT_NOT_FOUND` when there is none of that name. */
  async deleteSnapshot(collection: string, name: string): Promise<void> {
    this.collection(collection);
    if (!this.#snapshots.remove(collection, name)) throw snapshotNotFound(collection, name);
  }

  /**
   * Replaces a collection's vectors with those of a snapshot, in one atomic commit. The
   * snapshot is read and verified in full first, so a damaged one changes nothing. The
   * collection is offline meanwhile (`OPERATION_IN_PROGRESS`); writes already in flight
   * commit before the restore, and its index is rebuilt from the restored vectors.
   */
  async restoreSnapshot(
    collection: string,
    name: string,
  ): Promise<{ collection: string; snapshot: string; restored: number; removed: number }> {
    const current = this.collection(collection);
    const stream = this.#snapshots.read(collection, name);
    if (!stream) throw snapshotNotFound(collection, name);
    const contents = await readSnapshot(stream);
    const config = current.config;
    const saved = contents.meta.config;
    if (saved.dimensions !== config.dimensions || saved.distance !== config.distance) {
      throw new EngineError(
        'DIMENSION_MISMATCH',
        `snapshot "${name}" holds ${saved.dimensions}-d ${saved.distance} vectors, collection "${collection}" is ${config.dimensions}-d ${config.distance}`,
        {
          help: 'Restore it into a collection created with the same dimensions and distance.',
          details: { collection, snapshot: name },
        },
      );
    }
    // The same collection object may have been replaced while the snapshot was read.
    if (this.#collections.get(collection) !== current) throw restoring(collection);
    this.#restoring.add(collection);
    this.#collections.delete(collection);
    this.#savedVersion.delete(collection);
    current.close();
    let removed = 0;
    try {
      // Commits apply in call order: once this empty one is done, every write the old
      // collection object had in flight is committed, and no new one can start.
      await this.#storage.commit(collection, []);
      const liveKeys: Mutation[] = [];
      let maxKey = -1;
      this.#storage.scan(collection, (r) => {
        liveKeys.push({ op: 'delete', key: r.key, id: r.id });
        if (r.key > maxKey) maxKey = r.key;
      });
      this.#storage.changesSince(collection, 0, (c) => {
        if (c.key > maxKey) maxKey = c.key;
      });
      // Fresh keys, never used before: a saved index plus the change log stays consistent.
      const puts = contents.records.map((r, i) => ({ ...r, key: maxKey + 1 + i }));
      await this.#storage.commit(collection, [...liveKeys, ...puts]);
      removed = liveKeys.length;
    } finally {
      // Back online from what storage holds, whether the restore committed or not.
      try {
        if (this.path !== ':memory:') removeIndexFile(this.path, collection);
        const stored = this.#storage.listCollections().find((c) => c.name === collection);
        if (stored && !this.#closed) {
          const fresh = this.#instantiate(collection, stored.config, false);
          await this.#loadCollection(fresh, stored.config, {});
          this.#collections.set(collection, fresh);
        }
      } finally {
        this.#restoring.delete(collection);
      }
    }
    return { collection, snapshot: name, restored: contents.records.length, removed };
  }

  /**
   * Moves the WAL into the main file and saves every changed collection's index with the
   * change-log seq it covers, so the next open loads it instead of rebuilding. Runs on the
   * WAL timer and on close too.
   */
  async checkpoint(): Promise<CheckpointStats> {
    this.#assertOpen();
    return this.#checkpoint();
  }

  /**
   * The database's own durable records and logs (principals, roles, backups, alert history,
   * slow queries), kept in the same file as the collections.
   */
  get system(): SystemStore {
    return (this.#system ??= new SystemStore(this.#storage, () => this.#assertOpen()));
  }

  /** Storage figures: file and WAL bytes, last checkpoint. */
  storageStats(): StorageStats {
    return this.#storage.stats();
  }

  /**
   * Re-encrypts the database under a new key while it stays open for readers: the file and
   * its WAL, then every saved index. The old key stays known to this process, so files it
   * sealed (backups) remain readable.
   */
  async rotateKey(encryption: EncryptionConfig): Promise<{ keyId: string; previousKeyId: string }> {
    this.#assertOpen();
    const keyring = this.#keyring;
    if (!keyring || !(this.#storage instanceof SqliteStorage)) {
      throw new EngineError('INVALID_INPUT', 'this database is not encrypted', {
        help: 'Open the database with an `encryption` setting to encrypt it; rotation re-keys an encrypted one.',
      });
    }
    const previousKeyId = keyring.current.keyId;
    const next = await resolveKey(encryption, readOrCreateSalt(this.path, false));
    await this.#storage.rekey(next.key);
    keyring.rotate(next);
    this.#savedVersion.clear();
    await this.#checkpoint();
    return { keyId: next.keyId, previousKeyId };
  }

  /**
   * The backups of this database in `target`: create (full or incremental), list, verify,
   * retention, delete. See docs/runbooks/backup-and-restore.md.
   *
   * @example
   * ```ts
   * const backups = db.backups(new LocalDirectoryTarget('/var/backups/needle'));
   * await backups.create(); // full the first time, incremental after
   * ```
   */
  backups(target: BackupTarget, options: BackupManagerOptions = {}): BackupManager {
    return new BackupManager(this.#backupHost(), target, options);
  }

  /** Takes one backup into `target`; shorthand for `db.backups(target, options).create(options)`. */
  backup(
    target: BackupTarget,
    options: BackupManagerOptions & CreateBackupOptions = {},
  ): Promise<BackupManifest> {
    return this.backups(target, options).create(options);
  }

  /**
   * Replaces this database with a backup, in place: the restored copy is built and verified
   * beside the file while this database stays open and untouched, then this database is
   * closed and the files are swapped by renames. Open the path again afterwards. The caller
   * takes the database out of service first (writes made meanwhile are lost by the restore).
   */
  restoreFrom(options: RestoreInPlaceOptions): Promise<RestoreInPlaceReport> {
    return restoreInPlace(this.#backupHost(), options);
  }

  #backupHost(): BackupHost {
    this.#assertOpen();
    const storage = this.#storage;
    if (!(storage instanceof SqliteStorage)) {
      throw new EngineError('INVALID_INPUT', 'an in-memory database has no file to back up', {
        help: 'Open the database from a .needle file to back it up; use snapshots or an export for in-memory data.',
      });
    }
    const { encryption: _ignored, ...openConfig } = this.config;
    return {
      db: this,
      path: storage.path,
      keyring: this.#keyring,
      storage,
      busyTimeoutMs: 5000,
      openConfig,
      checkpoint: () => this.checkpoint(),
      close: () => this.close(),
      open: (path, config) => Database.open(path, config),
    };
  }

  /** Checkpoints, closes every collection and the storage. The database is unusable afterwards. */
  async close(): Promise<void> {
    if (this.#closed) return;
    clearInterval(this.#sweeper);
    clearInterval(this.#checkpointer);
    try {
      if (this.path !== ':memory:') await this.#checkpoint();
    } finally {
      this.#closed = true;
      for (const c of this.#collections.values()) c.close();
      this.#collections.clear();
      await this.#storage.close();
    }
  }

  /**
   * A database with no backup chain needs no value log: its next backup is a full one. Not
   * while a backup runs (its snapshot may be older than the seq read here); with a chain, each
   * backup prunes to the lowest chain head (docs/adr/0022).
   */
  async #pruneUnchainedValues(): Promise<void> {
    const storage = this.#storage;
    if (!(storage instanceof SqliteStorage) || backupRunning(this)) return;
    const floor = unchainedValueFloor(storage);
    if (floor === null || floor <= this.#valuesPrunedThrough) return;
    await storage.pruneChangeValues(floor);
    this.#valuesPrunedThrough = floor;
  }

  async #checkpoint(): Promise<CheckpointStats> {
    // One checkpoint at a time; a caller arriving meanwhile shares the running one.
    this.#checkpointing ??= (async () => {
      try {
        const stats = await this.#storage.checkpoint();
        await this.#pruneUnchainedValues();
        if (this.path !== ':memory:') {
          for (const c of this.#collections.values()) {
            do await c.settleIndex();
            while (!c.indexIdle);
            const version = c.changeVersion;
            if (this.#savedVersion.get(c.name) === version) continue;
            // Not storage.lastSeq(): a commit may be acknowledged but not yet applied.
            const seq = c.appliedSeq;
            // A full disk (ENOSPC) or an I/O error here is a storage failure like any other:
            // callers get DISK_FULL / STORAGE_ERROR, not a bare Node error.
            const saved = await saveIndexFile(
              this.path,
              c.name,
              c.config,
              c.currentIndex(),
              seq,
              this.#keyring,
              c.deletedSlots,
            ).catch((err: unknown) => {
              throw mapStorageError(err, `saving the index of "${c.name}"`);
            });
            if (saved) this.#savedVersion.set(c.name, version);
          }
        }
        return stats;
      } finally {
        this.#checkpointing = null;
      }
    })();
    return this.#checkpointing;
  }

  async #loadCollection(
    collection: Collection,
    config: ResolvedCollectionConfig,
    options: OpenOptions,
  ): Promise<OpenReport['collections'][number]> {
    const onProgress: ProgressListener | undefined =
      options.onProgress && ((p) => options.onProgress!(collection.name, p));
    if (this.path !== ':memory:') {
      const found = await loadIndexFile(
        this.path,
        collection.name,
        config,
        this.#newIndex(config),
        this.#keyring,
      );
      if (found.status === 'loaded') {
        const { replayed, rebuilt, reason } = await collection.load({
          saved: { index: found.index, seq: found.seq, deletedSlots: found.deletedSlots },
          onProgress,
        });
        if (reason !== undefined)
          return { name: collection.name, index: 'rebuilt', reason, replayed, rebuilt };
        if (replayed === 0) this.#savedVersion.set(collection.name, collection.changeVersion);
        return { name: collection.name, index: 'loaded', reason: null, replayed, rebuilt: 0 };
      }
      const reason = found.status === 'missing' ? 'no saved index' : found.reason;
      const { rebuilt } = await collection.load({ onProgress });
      return { name: collection.name, index: 'rebuilt', reason, replayed: 0, rebuilt };
    }
    const { rebuilt } = await collection.load({ onProgress });
    return {
      name: collection.name,
      index: 'rebuilt',
      reason: 'in-memory database',
      replayed: 0,
      rebuilt,
    };
  }

  #instantiate(name: string, config: ResolvedCollectionConfig, register = true): Collection {
    const collection = new Collection(name, config, this.config, this.#storage, (c) =>
      this.#newIndex(c),
    );
    if (register) this.#collections.set(name, collection);
    return collection;
  }

  #newIndex(config: ResolvedCollectionConfig): VectorIndex {
    return createVectorIndex(
      {
        dimensions: config.dimensions,
        metric: indexMetricOf(config.distance),
        quantization: config.quantization,
        connectivity: config.index.m,
        expansionAdd: config.index.efConstruction,
        expansionSearch: config.index.efSearch,
      },
      this.config.indexImplementation === 'auto' ? undefined : this.config.indexImplementation,
    );
  }

  #startTimers(): void {
    if (this.config.ttlSweepIntervalMs > 0) {
      this.#sweeper = setInterval(() => {
        for (const c of this.#collections.values()) void c.sweepExpired().catch(() => undefined);
      }, this.config.ttlSweepIntervalMs);
      this.#sweeper.unref();
    }
    if (this.path !== ':memory:' && this.config.wal.checkpointIntervalMs > 0) {
      this.#checkpointer = setInterval(() => {
        if (!this.#closed) void this.#checkpoint().catch(() => undefined);
      }, this.config.wal.checkpointIntervalMs);
      this.#checkpointer.unref();
    }
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw new EngineError('CLOSED', 'the database is closed', {
        help: 'Open it again with Database.open.',
      });
    }
  }
}

/** Resolves the database key, creating the KDF salt of a new passphrase-keyed database. */
async function databaseKey(
  path: string,
  encryption: NonNullable<ResolvedDatabaseConfig['encryption']>,
) {
  const needsSalt = encryption.kdf !== 'none' && encryption.salt === undefined;
  const salt = needsSalt ? readOrCreateSalt(path, !existsSync(path)) : undefined;
  if (needsSalt && !salt) {
    throw new EngineError('KEY_UNAVAILABLE', `the key salt of "${path}" is missing`, {
      help: `Restore the file "${path}-salt" that sits beside the database; without it the passphrase cannot produce the key.`,
    });
  }
  return resolveKey(encryption, salt);
}

function restoring(collection: string): EngineError {
  return new EngineError(
    'OPERATION_IN_PROGRESS',
    `collection "${collection}" is being restored from a snapshot`,
    {
      help: 'Retry in a moment: the collection is back once the restore ends.',
      details: { collection, operation: 'restore' },
    },
  );
}

function snapshotExists(collection: string, snapshot: string): EngineError {
  return new EngineError(
    'SNAPSHOT_EXISTS',
    `collection "${collection}" already has a snapshot "${snapshot}"`,
    {
      help: 'Pick another name, or delete the existing snapshot first.',
      details: { collection, snapshot },
    },
  );
}

function snapshotNotFound(collection: string, snapshot: string): EngineError {
  return new EngineError(
    'SNAPSHOT_NOT_FOUND',
    `collection "${collection}" has no snapshot "${snapshot}"`,
    {
      help: 'List the snapshots of the collection to see which exist.',
      details: { collection, snapshot },
    },
  );
}

function validateName(name: unknown): void {
  if (typeof name !== 'string' || !COLLECTION_NAME.test(name)) {
    throw new EngineError(
      'INVALID_COLLECTION_NAME',
      `invalid collection name ${JSON.stringify(name)}`,
      {
        help: 'Use 1 to 256 letters, digits, "_" or "-".',
        details: { name },
      },
    );
  }
}
