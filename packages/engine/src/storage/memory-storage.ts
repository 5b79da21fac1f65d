import type { ResolvedCollectionConfig } from '../config.js';
import { EngineError } from '../errors.js';
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
  #system = new Map<string, Map<string, SystemRecord>>();
  #logs = new Map<string, SystemLogEntry[]>();
  #logSeq = 0;

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

  scanEntries(collection: string, visit: (entry: StoredEntry) => void): void {
    this.scan(collection, ({ key, id, metadata, expiresAt }) =>
      visit({ key, id, metadata, expiresAt }),
    );
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

  getSystemRecord(namespace: string, key: string): string | undefined {
    return this.#system.get(namespace)?.get(key)?.value;
  }

  listSystemRecords(namespace: string): SystemRecord[] {
    const records = [...(this.#system.get(namespace)?.values() ?? [])];
    return records.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  putSystemRecord(namespace: string, key: string, value: string | null): Promise<void> {
    let records = this.#system.get(namespace);
    if (!records) this.#system.set(namespace, (records = new Map<string, SystemRecord>()));
    if (value === null) records.delete(key);
    else records.set(key, { key, value, updatedAt: Date.now() });
    return Promise.resolve();
  }

  appendSystemLog(log: string, entries: readonly string[]): Promise<number[]> {
    let list = this.#logs.get(log);
    if (!list) this.#logs.set(log, (list = []));
    const at = Date.now();
    const seqs: number[] = [];
    for (const entry of entries) {
      this.#logSeq += 1;
      list.push({ seq: this.#logSeq, at, entry });
      seqs.push(this.#logSeq);
    }
    return Promise.resolve(seqs);
  }

  readSystemLog(log: string, query: SystemLogQuery = {}): SystemLogEntry[] {
    const match = Object.entries(query.match ?? {});
    const picked = (this.#logs.get(log) ?? []).filter((e) => {
      if (query.afterSeq !== undefined && e.seq <= query.afterSeq) return false;
      if (query.beforeSeq !== undefined && e.seq >= query.beforeSeq) return false;
      if (query.sinceAt !== undefined && e.at < query.sinceAt) return false;
      if (query.untilAt !== undefined && e.at >= query.untilAt) return false;
      if (match.length === 0) return true;
      const entry = JSON.parse(e.entry) as Record<string, unknown>;
      return match.every(([field, value]) => entry[field] === value);
    });
    if (query.descending) picked.reverse();
    return (query.limit === undefined ? picked : picked.slice(0, query.limit)).map((e) => ({
      ...e,
    }));
  }

  pruneSystemLog(log: string, beforeSeq: number): Promise<number> {
    const list = this.#logs.get(log) ?? [];
    const kept = list.filter((e) => e.seq >= beforeSeq);
    this.#logs.set(log, kept);
    return Promise.resolve(list.length - kept.length);
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
