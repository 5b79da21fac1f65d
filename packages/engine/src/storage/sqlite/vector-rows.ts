import type SqliteDatabase from 'better-sqlite3-multiple-ciphers';

import type { DecodedMutation } from './mutation-codec.js';
import type { Connection } from './open-connection.js';

/** The statements that apply a mutation to the `vectors` table. */
export interface VectorRowStatements {
  readonly upsert: SqliteDatabase.Statement<
    [string, number, string, Buffer, string | null, number | null]
  >;
  readonly delete: SqliteDatabase.Statement<[string, number]>;
  readonly metadata: SqliteDatabase.Statement<[string | null, string, number]>;
}

/** Prepares the statements of {@link applyToVectorRows} on a connection. */
export function vectorRowStatements(conn: Connection): VectorRowStatements {
  return {
    upsert: conn.prepare<[string, number, string, Buffer, string | null, number | null]>(
      `INSERT INTO vectors (collection, key, id, vector, metadata, expires_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (collection, key) DO UPDATE SET
         id = excluded.id, vector = excluded.vector, metadata = excluded.metadata, expires_at = excluded.expires_at`,
    ),
    delete: conn.prepare<[string, number]>('DELETE FROM vectors WHERE collection = ? AND key = ?'),
    metadata: conn.prepare<[string | null, string, number]>(
      'UPDATE vectors SET metadata = ? WHERE collection = ? AND key = ?',
    ),
  };
}

/**
 * Applies one mutation to a collection's rows: what the writer does with every change, and
 * what a point-in-time restore does again when it replays the changes of a backup
 * (docs/adr/0022), so both leave the same rows.
 */
export function applyToVectorRows(
  sql: VectorRowStatements,
  collection: string,
  m: DecodedMutation,
): void {
  switch (m.op) {
    case 'put':
      sql.upsert.run(collection, m.key, m.id, m.vector!, m.metadata, m.expiresAt);
      break;
    case 'delete':
      sql.delete.run(collection, m.key);
      break;
    case 'metadata':
      sql.metadata.run(m.metadata, collection, m.key);
      break;
  }
}
