import type { Connection } from '../storage/sqlite/open-connection.js';

/** What a consistent read of a database file says about it. */
export interface SnapshotFacts {
  /** Highest change-log seq ever handed out (AUTOINCREMENT keeps it past dropped rows). */
  seq: number;
  /** Highest system-log seq ever handed out. */
  systemLogSeq: number;
  /** The file's format version (`meta`). */
  formatVersion: number;
  /** Every collection, in creation order, with its stored vector count. */
  collections: { name: string; config: string; createdAt: number; vectors: number }[];
  /** The audit log's chain head record, when there is one. */
  auditHead: Record<string, unknown> | null;
}

/**
 * Reads the facts of the snapshot `conn` sees (call it inside the read transaction whose
 * snapshot the backup is, or on a finished copy).
 */
export function readSnapshotFacts(conn: Connection): SnapshotFacts {
  const highWater = (table: string): number =>
    conn
      .prepare<[string], number>(
        `SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?), 0),
                    coalesce((SELECT max(seq) FROM ${table}), 0))`,
      )
      .pluck()
      .get(table) ?? 0;
  const counts = new Map(
    conn
      .prepare<[], [string, number]>('SELECT collection, count(*) FROM vectors GROUP BY collection')
      .raw()
      .all(),
  );
  const collections = conn
    .prepare<[], { name: string; config: string; created_at: number }>(
      'SELECT name, config, created_at FROM collections ORDER BY rowid',
    )
    .all()
    .map((c) => ({
      name: c.name,
      config: c.config,
      createdAt: c.created_at,
      vectors: counts.get(c.name) ?? 0,
    }));
  const audit = conn
    .prepare<[], string>(
      `SELECT value FROM system_records WHERE namespace = 'audit-state' AND key = 'chain'`,
    )
    .pluck()
    .get();
  const formatVersion = conn
    .prepare<[], string>(`SELECT value FROM meta WHERE key = 'format_version'`)
    .pluck()
    .get();
  return {
    seq: highWater('changes'),
    systemLogSeq: highWater('system_log'),
    formatVersion: Number(formatVersion ?? 1),
    collections,
    auditHead: audit === undefined ? null : (JSON.parse(audit) as Record<string, unknown>),
  };
}

/** A stored vector BLOB as a Float32Array of its own (BLOBs need not be 4-byte aligned). */
export function blobToFloat32(blob: Buffer): Float32Array {
  const vector = new Float32Array(blob.byteLength / 4);
  new Uint8Array(vector.buffer).set(blob);
  return vector;
}
