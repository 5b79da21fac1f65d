import SqliteDatabase from 'better-sqlite3-multiple-ciphers';

/** One better-sqlite3 connection. */
export type Connection = SqliteDatabase.Database;

/** How to open a {@link Connection}. */
export interface ConnectionOptions {
  readonly: boolean;
  /** 32 raw key bytes for the `chacha20` cipher, or undefined for a plaintext file. */
  cipherKey: Uint8Array | undefined;
  busyTimeoutMs: number;
}

/**
 * Opens a connection and proves it can read the file. The cipher and key are set before
 * anything else touches the file (SQLite3MultipleCiphers reads page 1 with whatever key is set
 * at the first access); a wrong key or a foreign file then fails the first read with
 * `SQLITE_NOTADB`, and the connection is closed before the error propagates.
 *
 * The key is given as a raw key (`x'<64 hex>'`), which bypasses the cipher's own passphrase
 * KDF: key derivation is done once, by the caller, not on every connection.
 */
export function openConnection(path: string, options: ConnectionOptions): Connection {
  const db = new SqliteDatabase(path, {
    readonly: options.readonly,
    fileMustExist: options.readonly,
  });
  try {
    if (options.cipherKey) {
      db.pragma(`cipher='chacha20'`);
      db.pragma(`key="${rawKeyLiteral(options.cipherKey)}"`);
    }
    db.pragma(`busy_timeout=${options.busyTimeoutMs}`);
    // Temp files (large sorts, temp tables) are never encrypted: keep them in memory.
    db.pragma('temp_store=MEMORY');
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Re-encrypts the file under `newKey` (`PRAGMA rekey`), on a connection opened with its old key. */
export function rekeyConnection(db: Connection, newKey: Uint8Array): void {
  db.pragma(`rekey="${rawKeyLiteral(newKey)}"`);
}

/** SQLite3MultipleCiphers' raw-key syntax: `x'` + 64 hex digits + `'`. */
function rawKeyLiteral(key: Uint8Array): string {
  return `x'${Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('hex')}'`;
}
