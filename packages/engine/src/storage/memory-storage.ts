import type { ResolvedCollectionConfig } from '../config.js';
import { EngineError } from '../errors.js';
import type {
  Change,
  CheckpointStats,
  Mutation,
  Storage,
  StorageStats,
  StoredCollection,
  StoredRecord,
  VacuumStats,
} from './storage.js';

interface MemoryCollection {
  meta: StoredCollection;
  records: Map<number, StoredRecord>;
  changes: Change[];
}

/**
 * Storage for `:memory:` databases: records live in maps and vanish when the process ends.
 * It honours the {@link Storage} contract (commits apply in call order and resolve after
 * they apply) so the engine behaves exactly as it does over a file.
 */
export class MemoryStorage implements Storage {
  readonly kind = 'memory';
  #collections = new Map<string, MemoryCollection>();
  #seq = 0;

  listCollections(): StoredCollection[] {
    return [...this.#collections.values()].map((c) => c.meta);
  }

  createCollection(collection: StoredCollection): Promise<void> {
    if (this.#collections.has(collection.name)) {
      return Promise.reject(existsError(collection.name));
    }
    this.#collections.set(collection.name, {
      meta: { ...collection },
      records: new Map(),
      changes: [],
    });
    return Promise.resolve();
  }

  // Async so that an unknown collection rejects, as every Storage does, instead of throwing.
  async updateCollectionConfig(name: string, config: ResolvedCollectionConfig): Promise<void> {
    this.#get(name).meta.config = config;
  }

  dropCollection(name: string): Promise<void> {
    this.#collections.delete(name);
    return Promise.resolve();
  }

  async commit(collection: string, mutations: readonly Mutation[]): Promise<number> {
    return this.#apply(collection, mutations);
  }

  #apply(collection: string, mutations: readonly Mutation[]): number {
    const { records, changes } = this.#get(collection);
    for (const m of mutations) {
      this.#seq += 1;
      changes.push({ seq: this.#seq, op: m.op, key: m.key, id: m.id });
      switch (m.op) {
        case 'put':
          records.set(m.key, {
            key: m.key,
            id: m.id,
            vector: m.vector,
            metadata: m.metadata,
            expiresAt: m.expiresAt,
          });
          break;
        case 'delete':
          records.delete(m.key);
          break;
        case 'metadata': {
          const record = records.get(m.key);
          if (record) record.metadata = m.metadata;
          break;
        }
      }
    }
    return this.#seq;
  }

  scan(collection: string, visit: (record: StoredRecord) => void): void {
    const keys = [...this.#get(collection).records.keys()].sort((a, b) => a - b);
    const { records } = this.#get(collection);
    for (const key of keys) visit(records.get(key)!);
  }

  readVector(collection: string, key: number, out: Float32Array): boolean {
    const record = this.#get(collection).records.get(key);
    if (!record) return false;
    out.set(record.vector);
    return true;
  }

  lastSeq(): number {
    return this.#seq;
  }

  changesSince(collection: string, after: number, visit: (change: Change) => void): void {
    for (const change of this.#get(collection).changes) if (change.seq > after) visit(change);
  }

  checkpoint(): Promise<CheckpointStats> {
    return Promise.resolve({
      at: Date.now(),
      durationMs: 0,
      pagesCheckpointed: 0,
      reason: 'manual',
    });
  }

  vacuum(): Promise<VacuumStats> {
    return Promise.resolve({ bytesBefore: 0, bytesAfter: 0 });
  }

  stats(): StorageStats {
    return { fileBytes: 0, walBytes: 0, lastCheckpoint: null, lastSeq: this.#seq };
  }

  close(): Promise<void> {
    this.#collections.clear();
    return Promise.resolve();
  }

  #get(name: string): MemoryCollection {
    const c = this.#collections.get(name);
    if (!c) {
      throw new EngineError(
        'COLLECTION_NOT_FOUND',
        `collection "${name}" does not exist in storage`,
        {
          help: 'Create the collection first.',
        },
      );
    }
    return c;
  }
}

function existsError(name: string): EngineError {
  return new EngineError('COLLECTION_EXISTS', `collection "${name}" already exists`, {
    help: 'Pick another name, or drop the existing collection first.',
    details: { collection: name },
  });
}
