import { Database } from '@needle/engine';
import type { DatabaseConfig, ProgressListener } from '@needle/engine';

import { acquireDataDirLock, resolveDataFile } from '../data-dir.js';
import type {
  BatchInsertResult,
  CheckpointOutcome,
  CollectionShape,
  CompactOutcome,
  ExportPage,
  InfoReport,
  NeedleBackend,
  StorageFigures,
  WireRecord,
} from './backend.js';

/** Options of {@link EmbeddedBackend.open}. */
export interface EmbeddedOptions {
  dataDir: string;
  /** Encryption and other database settings. */
  config?: DatabaseConfig;
  /** Hears about index rebuilds while the database opens. */
  onOpenProgress?: (collection: string, progress: Parameters<ProgressListener>[0]) => void;
  /** Written into the lock file, e.g. `needle import`. */
  owner: string;
}

/** The commands' operations on a database opened in this process, under the data-dir lock. */
export class EmbeddedBackend implements NeedleBackend {
  readonly kind = 'embedded';
  readonly source: string;
  readonly maxBatchBytes = Number.POSITIVE_INFINITY;
  readonly #db: Database;
  readonly #release: () => void;

  private constructor(source: string, db: Database, release: () => void) {
    this.source = source;
    this.#db = db;
    this.#release = release;
  }

  /** Locks the data directory and opens its database; throws `DATA_DIR_LOCKED` if held. */
  static async open(options: EmbeddedOptions): Promise<EmbeddedBackend> {
    const release = acquireDataDirLock(options.dataDir, { owner: options.owner });
    try {
      const db = await Database.open(resolveDataFile(options.dataDir), options.config ?? {}, {
        onProgress: options.onOpenProgress,
      });
      return new EmbeddedBackend(`data directory ${options.dataDir}`, db, release);
    } catch (err) {
      release();
      throw err;
    }
  }

  /** The open database, for commands that work on more than vectors (keys, roles, audit). */
  get database(): Database {
    return this.#db;
  }

  describeCollection(name: string): Promise<CollectionShape | null> {
    if (!this.#db.hasCollection(name)) return Promise.resolve(null);
    const { dimensions, distance } = this.#db.collection(name).stats();
    return Promise.resolve({ name, dimensions, distance });
  }

  async createCollection(
    name: string,
    options: { dimensions: number; distance: string },
  ): Promise<void> {
    await this.#db.createCollection(name, options);
  }

  insertBatch(collection: string, records: WireRecord[]): Promise<BatchInsertResult> {
    return this.#db.collection(collection).insertMany(records.map(toInput));
  }

  async upsertBatch(collection: string, records: WireRecord[]): Promise<{ updated: number }> {
    const results = await this.#db.collection(collection).upsertMany(records.map(toInput));
    return { updated: results.filter((r) => r.updated).length };
  }

  async *exportPages(name: string, pageSize: number): AsyncIterable<ExportPage> {
    const collection = this.#db.collection(name);
    const limit = Math.min(pageSize, this.#db.config.limits.maxQueryLimit);
    for (let offset = 0; ; offset += limit) {
      const page = collection.query({}, { offset, limit });
      const now = Date.now();
      const records: ExportPage['records'] = [];
      for (const { id } of page.records) {
        const record = collection.get(id);
        if (!record) continue; // expired since the page was read
        records.push({
          id,
          vector: record.vector,
          metadata: record.metadata,
          ttlSeconds:
            record.expiresAt === null
              ? undefined
              : Math.max(1, Math.ceil((record.expiresAt - now) / 1000)),
        });
      }
      yield { total: page.total, records };
      if (!page.hasMore) return;
    }
  }

  compact(
    collection: string,
    options: { dryRun: boolean; onProgress?: ProgressListener },
  ): Promise<CompactOutcome> {
    return this.#db.collection(collection).compact(options);
  }

  async checkpoint(): Promise<CheckpointOutcome> {
    const walBytesBefore = this.#db.storageStats().walBytes;
    const stats = await this.#db.checkpoint();
    return {
      durationMs: stats.durationMs,
      pagesCheckpointed: stats.pagesCheckpointed,
      walBytesBefore,
      storage: this.#storage(),
    };
  }

  info(): Promise<InfoReport> {
    const collections = this.#db.listCollections().map(({ name }) => {
      const s = this.#db.collection(name).stats();
      return {
        name,
        dimensions: s.dimensions,
        distance: s.distance,
        count: s.count,
        deletedCount: s.deletedCount,
        fragmentationRatio: s.fragmentationRatio,
        needsCompaction: s.needsCompaction,
        quantization: s.quantization,
        index: { ...s.index },
        memoryBytes: s.memoryBytes,
        indexMemoryBytes: s.indexMemoryBytes,
      };
    });
    return Promise.resolve({
      source: this.source,
      version: null,
      totalVectors: collections.reduce((sum, c) => sum + c.count, 0),
      collections,
      storage: this.#storage(),
    });
  }

  async close(): Promise<void> {
    try {
      await this.#db.close();
    } finally {
      this.#release();
    }
  }

  #storage(): StorageFigures {
    const s = this.#db.storageStats();
    return {
      fileBytes: s.fileBytes,
      walBytes: s.walBytes,
      lastCheckpointAt: s.lastCheckpoint ? new Date(s.lastCheckpoint.at).toISOString() : null,
    };
  }
}

function toInput(r: WireRecord) {
  return { id: r.id, vector: r.vector, metadata: r.metadata ?? null, ttlSeconds: r.ttl_seconds };
}
