import { fileURLToPath } from 'node:url';

import { readMigrationFiles } from 'drizzle-orm/migrator';

import { EngineError } from '../../errors.js';
import type { Connection } from './open-connection.js';

/**
 * The on-disk format this build writes and the newest it can open. The migrations write it
 * into the `meta` table; a file with a higher number was written by a newer build and is
 * refused untouched (docs/adr/0007 says when to bump it).
 */
export const FORMAT_VERSION = 2;

/**
 * The committed migrations (`packages/engine/drizzle/`). Resolved from this module's URL,
 * never from the working directory: `src/storage/sqlite/` and `dist/storage/sqlite/` sit at
 * the same depth, so one relative URL serves tests (source) and the built package.
 */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../drizzle', import.meta.url));

/**
 * Brings the schema up to date (all pending migrations in one transaction, with drizzle's
 * migrator) and checks that the result is the format this build expects. Runs on the writer
 * connection only, after the file was inspected read-only. When nothing is pending (every
 * open but the first) drizzle's query layer is not even loaded: it costs ~100 ms per thread.
 */
export async function migrateDatabase(db: Connection): Promise<void> {
  const config = { migrationsFolder: MIGRATIONS_FOLDER };
  const migrations = readMigrationFiles(config);
  const newest = Math.max(...migrations.map((m) => m.folderMillis));
  if (appliedUpTo(db) < newest) {
    const [{ SQLiteSyncDialect }, { BetterSQLiteSession }] = await Promise.all([
      import('drizzle-orm/sqlite-core/dialect'),
      import('drizzle-orm/better-sqlite3/session'),
    ]);
    // What drizzle-orm/better-sqlite3/migrator does, minus its driver module, which imports the
    // upstream `better-sqlite3` package at load time; this fork has the same API.
    const dialect = new SQLiteSyncDialect();
    dialect.migrate(migrations, new BetterSQLiteSession(db, dialect, undefined), config);
  }
  const row = db
    .prepare<[], { value: string }>(`SELECT value FROM meta WHERE key = 'format_version'`)
    .get();
  if (Number(row?.value) !== FORMAT_VERSION) {
    throw new EngineError(
      'INTERNAL_ERROR',
      `after migration the format version is ${row?.value ?? 'missing'}, expected ${FORMAT_VERSION}`,
      {
        help: 'The migrations under drizzle/ and FORMAT_VERSION disagree; this build is broken.',
        details: { found: row?.value, expected: FORMAT_VERSION },
      },
    );
  }
}

/** The timestamp of the last migration drizzle recorded in the file (0 for none). */
function appliedUpTo(db: Connection): number {
  const table = db
    .prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'`)
    .get();
  if (!table) return 0;
  const last = db
    .prepare<[], number>('SELECT max(created_at) FROM __drizzle_migrations')
    .pluck()
    .get();
  return Number(last ?? 0);
}
