import type { ResolvedCollectionConfig } from '../../config.js';
import { EngineError } from '../../errors.js';
import type {
  Change,
  StoredCollection,
  StoredEntry,
  StoredRecord,
  SystemLogEntry,
  SystemLogQuery,
  SystemRecord,
} from '../storage.js';
import type { Connection } from './open-connection.js';

type RecordRow = [
  key: number,
  id: string,
  vector: Buffer,
  metadata: string | null,
  expiresAt: number | null,
];
type EntryRow = [key: number, id: string, metadata: string | null, expiresAt: number | null];
type ChangeRow = [seq: number, op: Change['op'], key: number, id: string];

/**
 * The main thread's read-only connection. In WAL mode it reads the last committed snapshot
 * without waiting for the writer thread, so reads stay fast during a long write.
 */
export class SqliteReader {
  readonly #db: Connection;
  readonly #sql;

  constructor(db: Connection) {
    this.#db = db;
    this.#sql = {
      collections: db.prepare<[], { name: string; config: string; created_at: number }>(
        'SELECT name, config, created_at FROM collections ORDER BY rowid',
      ),
      scan: db
        .prepare<[string], RecordRow>(
          'SELECT key, id, vector, metadata, expires_at FROM vectors WHERE collection = ? ORDER BY key',
        )
        .raw(),
      entries: db
        .prepare<[string], EntryRow>(
          'SELECT key, id, metadata, expires_at FROM vectors WHERE collection = ? ORDER BY key',
        )
        .raw(),
      vector: db
        .prepare<[string, number], Buffer>(
          'SELECT vector FROM vectors WHERE collection = ? AND key = ?',
        )
        .pluck(),
      changes: db
        .prepare<[string, number], ChangeRow>(
          'SELECT seq, op, key, id FROM changes WHERE collection = ? AND seq > ? ORDER BY seq',
        )
        .raw(),
      systemRecord: db
        .prepare<[string, string], string>(
          'SELECT value FROM system_records WHERE namespace = ? AND key = ?',
        )
        .pluck(),
      systemRecords: db.prepare<[string], { key: string; value: string; updated_at: number }>(
        'SELECT key, value, updated_at FROM system_records WHERE namespace = ? ORDER BY key',
      ),
    };
  }

  /** The JSON value of a system record, or undefined. */
  systemRecord(namespace: string, key: string): string | undefined {
    return this.#sql.systemRecord.get(namespace, key);
  }

  /** Every record of a namespace, by key. */
  systemRecords(namespace: string): SystemRecord[] {
    return this.#sql.systemRecords
      .all(namespace)
      .map((row) => ({ key: row.key, value: row.value, updatedAt: row.updated_at }));
  }

  /** Entries of a system log matching `query`. */
  systemLog(log: string, query: SystemLogQuery): SystemLogEntry[] {
    const where = ['log = ?'];
    const params: (string | number)[] = [log];
    if (query.afterSeq !== undefined) {
      where.push('seq > ?');
      params.push(query.afterSeq);
    }
    if (query.beforeSeq !== undefined) {
      where.push('seq < ?');
      params.push(query.beforeSeq);
    }
    if (query.sinceAt !== undefined) {
      where.push('at >= ?');
      params.push(query.sinceAt);
    }
    if (query.untilAt !== undefined) {
      where.push('at < ?');
      params.push(query.untilAt);
    }
    for (const [field, value] of Object.entries(query.match ?? {})) {
      where.push('json_extract(entry, ?) IS ?');
      params.push(
        `$."${field.replaceAll('"', '""')}"`,
        typeof value === 'boolean' ? Number(value) : value,
      );
    }
    const order = query.descending ? 'DESC' : 'ASC';
    const limit = query.limit === undefined ? -1 : query.limit;
    return this.#db
      .prepare<(string | number)[], SystemLogEntry>(
        `SELECT seq, at, entry FROM system_log WHERE ${where.join(' AND ')} ORDER BY seq ${order} LIMIT ?`,
      )
      .all(...params, limit);
  }

  /** Every collection, in creation order. */
  listCollections(): StoredCollection[] {
    return this.#sql.collections.all().map((row) => ({
      name: row.name,
      config: JSON.parse(row.config) as ResolvedCollectionConfig,
      createdAt: row.created_at,
    }));
  }

  /** Visits every record of a collection in key order. */
  scan(collection: string, visit: (record: StoredRecord) => void): void {
    for (const [key, id, blob, metadata, expiresAt] of this.#sql.scan.iterate(collection)) {
      visit({ key, id, vector: toFloat32(blob), metadata, expiresAt });
    }
  }

  /** Visits every record of a collection in key order, without reading its vector. */
  scanEntries(collection: string, visit: (entry: StoredEntry) => void): void {
    for (const [key, id, metadata, expiresAt] of this.#sql.entries.iterate(collection)) {
      visit({ key, id, metadata, expiresAt });
    }
  }

  /** Copies the vector of `key` into `out`; false when there is none. */
  readVector(collection: string, key: number, out: Float32Array): boolean {
    const blob = this.#sql.vector.get(collection, key);
    if (blob === undefined) return false;
    if (blob.byteLength !== out.byteLength) {
      throw new EngineError(
        'INTERNAL_ERROR',
        `stored vector ${key} of "${collection}" has ${blob.byteLength / 4} dimensions, expected ${out.length}`,
        {
          help: 'The stored record does not match its collection; restore the file from a backup.',
          details: { collection, key },
        },
      );
    }
    new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(blob);
    return true;
  }

  /** Visits the change-log entries of a collection after `after`, in seq order. */
  changesSince(collection: string, after: number, visit: (change: Change) => void): void {
    for (const [seq, op, key, id] of this.#sql.changes.iterate(collection, after))
      visit({ seq, op, key, id });
  }

  /** Closes the connection. */
  close(): void {
    this.#db.close();
  }
}

/** A stored BLOB as a Float32Array of its own (BLOB buffers need not be 4-byte aligned). */
function toFloat32(blob: Buffer): Float32Array {
  const vector = new Float32Array(blob.byteLength / 4);
  new Uint8Array(vector.buffer).set(blob);
  return vector;
}
