import type { DatabaseConfig } from '../config.js';
import type { Keyring } from '../crypto/keyring.js';
import type { Database } from '../database.js';
import { EngineError } from '../errors.js';
import type { Storage } from '../storage/storage.js';

/**
 * What the backup code needs of the database it works on; the database hands it over, so the
 * backup code reaches no private state of its own accord.
 */
export interface BackupHost {
  readonly db: Database;
  readonly path: string;
  /** The database's keys (current and rotated-out ones this process knows), if encrypted. */
  readonly keyring: Keyring | undefined;
  readonly storage: Storage;
  /** How long the backup's own connections wait for a lock. */
  readonly busyTimeoutMs: number;
  /** The settings to open a restored copy with (no encryption: the restore supplies the key). */
  readonly openConfig: Omit<DatabaseConfig, 'encryption'>;
  /** Checkpoints the WAL and saves the indexes. */
  checkpoint(): Promise<unknown>;
  /** Closes the database (before an in-place restore swaps its file). */
  close(): Promise<void>;
  /** `Database.open`. */
  open(path: string, config: DatabaseConfig): Promise<Database>;
}

const running = new WeakMap<Database, string>();

/** Whether a backup operation of `db` runs now. */
export function backupRunning(db: Database): boolean {
  return running.has(db);
}

/**
 * Runs one backup operation at a time per database; another one meanwhile is refused with
 * `OPERATION_IN_PROGRESS` (the scheduler retries later).
 */
export async function exclusive<T>(
  host: BackupHost,
  operation: string,
  run: () => Promise<T>,
): Promise<T> {
  const busy = running.get(host.db);
  if (busy !== undefined) {
    throw new EngineError('OPERATION_IN_PROGRESS', `a ${busy} of this database is running`, {
      help: 'Wait for it to finish, then retry.',
      details: { operation: busy },
    });
  }
  running.set(host.db, operation);
  try {
    return await run();
  } finally {
    running.delete(host.db);
  }
}
