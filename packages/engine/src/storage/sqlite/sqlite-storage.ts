import { rmSync } from 'node:fs';
import { resolve } from 'node:path';

import type { ResolvedCollectionConfig } from '../../config.js';
import { parseOrThrow } from '../../parse-or-throw.js';
import { EngineError } from '../../errors.js';
import type {
  Change,
  CheckpointStats,
  Mutation,
  Storage,
  StorageStats,
  StoredCollection,
  StoredEntry,
  StoredRecord,
  SystemLogEntry,
  SystemLogQuery,
  SystemRecord,
  VacuumStats,
} from '../storage.js';
import { fileBytes } from './checkpoint-wal.js';
import { inspectFile } from './inspect-file.js';
import { chunkCount, encodeMutationChunks } from './mutation-codec.js';
import { openConnection } from './open-connection.js';
import { mapStorageError } from './sqlite-errors.js';
import {
  sqliteStorageOptionsSchema,
  type ResolvedSqliteStorageOptions,
  type SqliteStorageOptions,
} from './sqlite-options.js';
import { SqliteReader } from './sqlite-reader.js';
import { WriteQueue } from './write-queue.js';
import { WriterThread } from './writer-thread.js';
import type { WriteOp, WriterSettings } from './writer-protocol.js';

export type { SqliteStorageOptions, WalOptions } from './sqlite-options.js';
export type { WriterSettings } from './writer-protocol.js';

/** {@link StorageStats} plus the SQLite store's own figures. */
export interface SqliteStorageStats extends StorageStats {
  /** Transactions committed so far; below `writes` when group commit merged writes. */
  transactions: number;
  /** Writes (commits, collection changes) acknowledged so far. */
  writes: number;
  syncMode: ResolvedSqliteStorageOptions['wal']['syncMode'];
  encrypted: boolean;
  /** Why the last timer or size-limit checkpoint failed, or null. */
  lastCheckpointError: string | null;
  /** The writer connection's effective SQLite settings. */
  settings: WriterSettings;
}

/**
 * The store of record for `.needle` files: one SQLite database in WAL mode. Writes go through
 * a group-commit queue to a writer thread that owns the only read-write connection, so large
 * transactions, fsyncs and checkpoints never run on the main thread; reads use a read-only
 * connection on the main thread. Opening inspects the file read-only first, so a file it
 * cannot use (newer format, wrong key, not a Needle database) is refused untouched.
 *
 * @example
 * ```ts
 * const storage = await SqliteStorage.open('data/app.needle', { wal: { syncMode: 'fsync' } });
 * await storage.createCollection({ name: 'docs', config, createdAt: Date.now() });
 * const seq = await storage.commit('docs', [{ op: 'put', key: 1, id: 'a', vector, metadata: null, expiresAt: null }]);
 * await storage.close();
 * ```
 */
export class SqliteStorage implements Storage {
  readonly kind = 'sqlite';
  /** Absolute path of the database file. */
  readonly path: string;
  readonly #options: ResolvedSqliteStorageOptions;
  readonly #thread: WriterThread;
  readonly #queue: WriteQueue;
  readonly #settings: WriterSettings;
  #reader: SqliteReader | undefined;
  #key: Uint8Array | undefined;
  #collections: Set<string>;
  #lastSeq: number;
  #lastCheckpoint: CheckpointStats | null = null;
  #lastCheckpointError: string | null = null;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  private constructor(
    path: string,
    options: ResolvedSqliteStorageOptions,
    thread: WriterThread,
    reader: SqliteReader,
    opened: { lastSeq: number; settings: WriterSettings },
  ) {
    this.path = path;
    this.#settings = opened.settings;
    this.#options = options;
    this.#thread = thread;
    this.#reader = reader;
    this.#key = options.cipherKey;
    this.#lastSeq = opened.lastSeq;
    this.#collections = new Set(reader.listCollections().map((c) => c.name));
    this.#queue = new WriteQueue(thread, (seq) => (this.#lastSeq = seq));
    const interval = options.wal.checkpointIntervalMs;
    if (interval > 0) {
      this.#timer = setInterval(
        () => void this.#checkpoint('timer').catch(() => undefined),
        interval,
      );
      this.#timer.unref();
    }
  }

  /**
   * Opens (or creates) the database at `path`, running pending schema migrations. Refuses,
   * without modifying the file: a newer format (`UNSUPPORTED_FORMAT_VERSION`), a wrong or
   * missing key (`WRONG_KEY`), anything that is not a Needle database (`NOT_A_DATABASE`).
   */
  static async open(path: string, options?: SqliteStorageOptions): Promise<SqliteStorage> {
    const resolved = resolveSqliteStorageOptions(options);
    const file = resolve(path);
    const { cipherKey, busyTimeoutMs } = resolved;
    inspectFile(file, cipherKey, busyTimeoutMs);
    // A read copy left by a rekey that was interrupted (the rewrite is one transaction).
    removeReadCopy(file);
    let storage: SqliteStorage | undefined;
    const { thread, ...opened } = await WriterThread.start(
      {
        path: file,
        cipherKey,
        syncMode: resolved.wal.syncMode,
        maxWalBytes: resolved.wal.maxWalBytes,
        busyTimeoutMs,
      },
      {
        onCheckpoint: (stats) => {
          if (storage) storage.#checkpointed(stats);
        },
        onCheckpointFailed: (err) => {
          if (storage) storage.#lastCheckpointError = err.message;
        },
      },
    );
    try {
      const reader = new SqliteReader(
        openConnection(file, { readonly: true, cipherKey, busyTimeoutMs }),
      );
      storage = new SqliteStorage(file, resolved, thread, reader, opened);
      return storage;
    } catch (err) {
      await thread.terminate();
      throw mapStorageError(err, `opening "${file}"`);
    }
  }

  listCollections(): StoredCollection[] {
    return this.#read('list collections', (r) => r.listCollections());
  }

  async createCollection(collection: StoredCollection): Promise<void> {
    const { name, config, createdAt } = collection;
    await this.#write(
      { kind: 'create', name, config: JSON.stringify(config), createdAt },
      `create collection "${name}"`,
    );
    this.#collections.add(name);
  }

  async updateCollectionConfig(name: string, config: ResolvedCollectionConfig): Promise<void> {
    await this.#write(
      { kind: 'update', name, config: JSON.stringify(config) },
      `update collection "${name}"`,
    );
  }

  async dropCollection(name: string): Promise<void> {
    await this.#write({ kind: 'drop', name }, `drop collection "${name}"`);
    this.#collections.delete(name);
  }

  /**
   * Commits `mutations` atomically. A commit of more than a few hundred kilobytes is encoded
   * in slices with a yield to the event loop between them, so even a 100k-vector commit never
   * holds the main thread for more than a fraction of a millisecond at a time.
   */
  async commit(collection: string, mutations: readonly Mutation[]): Promise<number> {
    const what = `commit to "${collection}"`;
    const chunks = encodeMutationChunks(mutations);
    const first = chunks.next().value!;
    if (chunkCount(first) === mutations.length)
      return this.#write({ kind: 'commit', collection, chunks: [first] }, what);
    const encodeRest = async (): Promise<WriteOp> => {
      const all = [first];
      for (;;) {
        await yieldToEventLoop();
        const next = chunks.next();
        if (next.done) return { kind: 'commit', collection, chunks: all };
        all.push(next.value);
      }
    };
    return this.#write(encodeRest(), what);
  }

  scan(collection: string, visit: (record: StoredRecord) => void): void {
    this.#read(`scan "${collection}"`, (r) => r.scan(this.#known(collection), visit));
  }

  scanEntries(collection: string, visit: (entry: StoredEntry) => void): void {
    this.#read(`scan "${collection}"`, (r) => r.scanEntries(this.#known(collection), visit));
  }

  readVector(collection: string, key: number, out: Float32Array): boolean {
    return this.#read(`read a vector of "${collection}"`, (r) =>
      r.readVector(this.#known(collection), key, out),
    );
  }

  lastSeq(): number {
    return this.#lastSeq;
  }

  changesSince(collection: string, after: number, visit: (change: Change) => void): void {
    this.#read(`read the changes of "${collection}"`, (r) =>
      r.changesSince(this.#known(collection), after, visit),
    );
  }

  getSystemRecord(namespace: string, key: string): string | undefined {
    return this.#read(`read system record ${namespace}/${key}`, (r) =>
      r.systemRecord(namespace, key),
    );
  }

  listSystemRecords(namespace: string): SystemRecord[] {
    return this.#read(`list system records of ${namespace}`, (r) => r.systemRecords(namespace));
  }

  async putSystemRecord(namespace: string, key: string, value: string | null): Promise<void> {
    await this.#write(
      { kind: 'system-put', namespace, key, value },
      `write system record ${namespace}/${key}`,
    );
  }

  async appendSystemLog(log: string, entries: readonly string[]): Promise<number[]> {
    if (entries.length === 0) return [];
    const last = await this.#write(
      { kind: 'log-append', log, entries: [...entries] },
      `append to the ${log} log`,
    );
    // One op inserts its entries in order with consecutive rowids.
    return entries.map((_, i) => last - (entries.length - 1 - i));
  }

  readSystemLog(log: string, query: SystemLogQuery = {}): SystemLogEntry[] {
    return this.#read(`read the ${log} log`, (r) => r.systemLog(log, query));
  }

  pruneSystemLog(log: string, beforeSeq: number): Promise<number> {
    return this.#write({ kind: 'log-prune', log, beforeSeq }, `prune the ${log} log`);
  }

  /**
   * Drops the values the value log holds for changes at or below `throughSeq` (docs/adr/0022):
   * backups that carry them exist, and no incremental to come starts below it. Resolves with the
   * number of values removed.
   */
  pruneChangeValues(throughSeq: number): Promise<number> {
    return this.#write({ kind: 'values-prune', throughSeq }, 'prune the value log');
  }

  checkpoint(): Promise<CheckpointStats> {
    return this.#checkpoint('manual');
  }

  /** Rewrites the file without free pages (SQLite `VACUUM`) on the writer thread. */
  async vacuum(): Promise<VacuumStats> {
    this.#assertOpen();
    try {
      return await this.#thread.request<VacuumStats>({ type: 'vacuum' });
    } catch (err) {
      throw mapStorageError(err, 'vacuum');
    }
  }

  stats(): SqliteStorageStats {
    return {
      fileBytes: fileBytes(this.path),
      walBytes: fileBytes(`${this.path}-wal`),
      lastCheckpoint: this.#lastCheckpoint,
      lastSeq: this.#lastSeq,
      transactions: this.#queue.transactions,
      writes: this.#queue.writes,
      syncMode: this.#options.wal.syncMode,
      encrypted: this.#key !== undefined,
      lastCheckpointError: this.#lastCheckpointError,
      settings: { ...this.#settings },
    };
  }

  /**
   * Re-encrypts the file and its WAL under `newKey` (32 bytes); a plaintext file becomes
   * encrypted. Writes queue behind it. Reads go on from a copy of the checkpointed file (under
   * the old key) while the file is rewritten; only if the disk has no room for that copy do
   * they fail with `OPERATION_IN_PROGRESS` for the duration.
   */
  async rekey(newKey: Uint8Array): Promise<void> {
    this.#assertOpen();
    const key = resolveSqliteStorageOptions({ cipherKey: newKey }).cipherKey!;
    if (!this.#reader) throw inProgress();
    const { busyTimeoutMs } = this.#options;
    const copyPath = readCopyPath(this.path);
    const gate = new Int32Array(new SharedArrayBuffer(4));
    const release = (): void => {
      Atomics.store(gate, 0, 1);
      Atomics.notify(gate, 0);
    };
    let rekeyed = false;
    try {
      await this.#thread.request(
        { type: 'rekey', key: Uint8Array.from(key), readCopy: copyPath, gate },
        [],
        (notice) => {
          // The live file must have no other connection while it is rewritten.
          const live = this.#reader;
          this.#reader = undefined;
          live?.close();
          try {
            if ((notice as { copied: boolean }).copied) {
              this.#reader = new SqliteReader(
                openConnection(copyPath, { readonly: false, cipherKey: this.#key, busyTimeoutMs }),
              );
            }
          } finally {
            release();
          }
        },
      );
      rekeyed = true;
    } catch (err) {
      throw mapStorageError(err, 'rekey');
    } finally {
      release();
      if (rekeyed) this.#key = Uint8Array.from(key);
      this.#reader?.close();
      this.#reader = new SqliteReader(
        openConnection(this.path, { readonly: true, cipherKey: this.#key, busyTimeoutMs }),
      );
      removeReadCopy(this.path);
    }
  }

  /** Waits for queued writes, checkpoints the WAL into the file and releases everything. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#queue.idle();
    this.#reader?.close();
    this.#reader = undefined;
    try {
      const stats = await this.#thread.request<CheckpointStats | null>({ type: 'close' });
      if (stats) this.#lastCheckpoint = stats;
    } catch (err) {
      await this.#thread.terminate();
      throw mapStorageError(err, `closing "${this.path}"`);
    }
    await this.#thread.exited();
  }

  async #checkpoint(reason: CheckpointStats['reason']): Promise<CheckpointStats> {
    this.#assertOpen();
    try {
      const stats = await this.#thread.request<CheckpointStats>({ type: 'checkpoint', reason });
      return this.#checkpointed(stats);
    } catch (err) {
      const mapped = mapStorageError(err, 'checkpoint');
      this.#lastCheckpointError = mapped.message;
      throw mapped;
    }
  }

  #checkpointed(stats: CheckpointStats): CheckpointStats {
    this.#lastCheckpoint = stats;
    this.#lastCheckpointError = null;
    return stats;
  }

  async #write(op: WriteOp | Promise<WriteOp>, what: string): Promise<number> {
    this.#assertOpen();
    return this.#queue.submit(op, what);
  }

  #read<T>(what: string, read: (reader: SqliteReader) => T): T {
    this.#assertOpen();
    if (!this.#reader) throw inProgress();
    try {
      return read(this.#reader);
    } catch (err) {
      throw mapStorageError(err, what);
    }
  }

  #known(collection: string): string {
    if (!this.#collections.has(collection)) {
      throw new EngineError(
        'COLLECTION_NOT_FOUND',
        `collection "${collection}" does not exist in storage`,
        {
          help: 'Create the collection first.',
          details: { collection },
        },
      );
    }
    return collection;
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw new EngineError('CLOSED', `the database "${this.path}" is closed`, {
        help: 'Open it again to use it.',
      });
    }
  }
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Validates storage options once, at open; `INVALID_INPUT` names the offending field. */
function resolveSqliteStorageOptions(
  input: SqliteStorageOptions | undefined,
): ResolvedSqliteStorageOptions {
  return parseOrThrow(sqliteStorageOptionsSchema, input, 'storage options');
}

function inProgress(): EngineError {
  return new EngineError(
    'OPERATION_IN_PROGRESS',
    'the database is being re-encrypted under a new key',
    {
      help: 'Retry the read once the key rotation has finished.',
    },
  );
}

/** The copy of the file that readers use while a rekey rewrites it. */
function readCopyPath(path: string): string {
  return `${path}-rekey`;
}

function removeReadCopy(path: string): void {
  const copy = readCopyPath(path);
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${copy}${suffix}`, { force: true });
}
