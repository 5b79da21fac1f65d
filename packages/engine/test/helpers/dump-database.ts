/** Reads everything a database file holds, byte for byte, for comparing a restore with the original. */
import { openConnection } from '../../src/storage/sqlite/open-connection.js';

/** Every row of the tables a restore must reproduce, as comparable text. */
export interface DatabaseDump {
  collections: string[];
  vectors: string[];
  changes: string[];
  systemRecords: string[];
  systemLog: string[];
  sequences: string[];
}

/** Namespaces a restore rewrites on purpose (the chain head and the catalog). */
const BACKUP_NAMESPACES = new Set(['backups', 'backup-state']);

/** Dumps the file at `path` (opened read-only with `key` when encrypted). */
export function dumpDatabase(path: string, key?: Uint8Array): DatabaseDump {
  const db = openConnection(path, { readonly: true, cipherKey: key, busyTimeoutMs: 5000 });
  try {
    const rows = (sql: string): string[] =>
      (db.prepare(sql).raw().all() as unknown[][]).map((r) => JSON.stringify(r));
    return {
      collections: rows('SELECT name, config, created_at FROM collections ORDER BY rowid'),
      vectors: rows(
        'SELECT collection, key, id, hex(vector), metadata, expires_at FROM vectors ORDER BY collection, key',
      ),
      changes: rows('SELECT seq, collection, op, key, id, at FROM changes ORDER BY seq'),
      systemRecords: (
        db
          .prepare(
            'SELECT namespace, key, value, updated_at FROM system_records ORDER BY namespace, key',
          )
          .raw()
          .all() as [string, string, string, number][]
      )
        .filter(([namespace]) => !BACKUP_NAMESPACES.has(namespace))
        .map((r) => JSON.stringify(r)),
      systemLog: rows('SELECT seq, log, at, entry FROM system_log ORDER BY seq'),
      sequences: rows(
        `SELECT name, seq FROM sqlite_sequence WHERE name IN ('changes', 'system_log') ORDER BY name`,
      ),
    };
  } finally {
    db.close();
  }
}
