import { createVectorIndex } from './ann/create-vector-index.js';
import type { VectorIndex } from './ann/vector-index.js';
import { Collection } from './collection/collection.js';
import { databaseConfigSchema, parseOrThrow, resolveCollectionConfig } from './config.js';
import type { CollectionConfig, DatabaseConfig, ResolvedCollectionConfig, ResolvedDatabaseConfig } from './config.js';
import { EngineError } from './errors.js';
import { MemoryStorage } from './storage/memory-storage.js';
import type { Storage } from './storage/storage.js';
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

/**
 * A Needle database: named collections of vectors, in-process, like SQLite.
 *
 * @example
 * ```ts
 * import { Database } from '@needle/engine';
 *
 * const db = await Database.open(':memory:');
 * const docs = await db.createCollection('docs', { dimensions: 384 });
 * await docs.insert({ id: 'intro', vector: embedding, metadata: { lang: 'en' } });
 * const { hits } = await docs.search(queryEmbedding, 10);
 * await db.close();
 * ```
 */
export class Database {
  readonly path: string;
  readonly config: ResolvedDatabaseConfig;
  readonly #storage: Storage;
  readonly #collections = new Map<string, Collection>();
  #sweeper: NodeJS.Timeout | undefined;
  #closed = false;

  private constructor(path: string, config: ResolvedDatabaseConfig, storage: Storage) {
    this.path = path;
    this.config = config;
    this.#storage = storage;
  }

  /**
   * Opens a database. `':memory:'` keeps everything in this process; file paths arrive
   * with the durable store.
   */
  static async open(path: string, config: DatabaseConfig = {}): Promise<Database> {
    const resolved = parseOrThrow(databaseConfigSchema, config, 'database config');
    if (path !== ':memory:') {
      throw new EngineError('INVALID_INPUT', `cannot open "${path}": only ':memory:' databases are supported by this build`, {
        help: "Open ':memory:' for an in-process database.",
        details: { path },
      });
    }
    const db = new Database(path, resolved, new MemoryStorage());
    for (const stored of db.#storage.listCollections()) {
      const collection = db.#instantiate(stored.name, stored.config);
      await collection.load();
    }
    db.#startSweeper();
    return db;
  }

  /** Creates a collection; its name must match `^[A-Za-z0-9_-]{1,256}$`. */
  async createCollection(name: string, config: CollectionConfig): Promise<Collection> {
    this.#assertOpen();
    validateName(name);
    if (this.#collections.has(name)) {
      throw new EngineError('COLLECTION_EXISTS', `collection "${name}" already exists`, {
        help: 'Pick another name, or drop the existing collection first.',
        details: { collection: name },
      });
    }
    const resolved = resolveCollectionConfig(config, this.config.limits);
    await this.#storage.createCollection({ name, config: resolved, createdAt: Date.now() });
    return this.#instantiate(name, resolved);
  }

  /** The collection with this name; `COLLECTION_NOT_FOUND` when there is none. */
  collection(name: string): Collection {
    this.#assertOpen();
    const collection = this.#collections.get(name);
    if (!collection) {
      throw new EngineError('COLLECTION_NOT_FOUND', `collection "${name}" does not exist`, {
        help: 'Create it with createCollection, or check the name with listCollections.',
        details: { collection: name },
      });
    }
    return collection;
  }

  /** True if a collection has this name. */
  hasCollection(name: string): boolean {
    return this.#collections.has(name);
  }

  /** Every collection, sorted by name. */
  listCollections(): CollectionInfo[] {
    this.#assertOpen();
    return [...this.#collections.values()]
      .map((c) => {
        const s = c.stats();
        return { name: c.name, dimensions: s.dimensions, distance: s.distance, count: s.count, deletedCount: s.deletedCount };
      })
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Deletes a collection and everything in it. */
  async dropCollection(name: string): Promise<void> {
    const collection = this.collection(name);
    await this.#storage.dropCollection(name);
    this.#collections.delete(name);
    collection.close();
  }

  /** Closes every collection and the storage. The database is unusable afterwards. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#sweeper);
    for (const c of this.#collections.values()) c.close();
    this.#collections.clear();
    await this.#storage.close();
  }

  #instantiate(name: string, config: ResolvedCollectionConfig): Collection {
    const collection = new Collection(name, config, this.config, this.#storage, (c) => this.#newIndex(c));
    this.#collections.set(name, collection);
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

  #startSweeper(): void {
    if (this.config.ttlSweepIntervalMs === 0) return;
    this.#sweeper = setInterval(() => {
      for (const c of this.#collections.values()) void c.sweepExpired().catch(() => undefined);
    }, this.config.ttlSweepIntervalMs);
    this.#sweeper.unref();
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw new EngineError('CLOSED', 'the database is closed', { help: 'Open it again with Database.open.' });
    }
  }
}

function validateName(name: unknown): void {
  if (typeof name !== 'string' || !COLLECTION_NAME.test(name)) {
    throw new EngineError('INVALID_COLLECTION_NAME', `invalid collection name ${JSON.stringify(name)}`, {
      help: 'Use 1 to 256 letters, digits, "_" or "-".',
      details: { name },
    });
  }
}
