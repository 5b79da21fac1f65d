import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { getTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { tempDir } from '../../../test/helpers/storage-fixtures.js';
import { FORMAT_VERSION, MIGRATIONS_FOLDER, migrateDatabase } from './migrate-database.js';
import { openConnection, type Connection } from './open-connection.js';
import * as schema from './schema.js';

let tmp: ReturnType<typeof tempDir>;
let db: Connection;

beforeEach(() => {
  tmp = tempDir();
  db = openConnection(join(tmp.dir, 'm.needle'), {
    readonly: false,
    cipherKey: undefined,
    busyTimeoutMs: 100,
  });
});
afterEach(() => {
  db.close();
  tmp.remove();
});

describe('migrateDatabase', () => {
  it('finds the committed migrations beside the package, not in the working directory', () => {
    expect(MIGRATIONS_FOLDER.replaceAll('\\', '/')).toMatch(/packages\/engine\/drizzle$/);
    expect(existsSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'))).toBe(true);
  });

  it('creates every table and column of schema.ts and writes the format version', async () => {
    await migrateDatabase(db);
    const tables: SQLiteTable[] = [schema.collections, schema.vectors, schema.changes, schema.meta];
    for (const table of tables) {
      const { name, columns } = getTableConfig(table);
      const actual = db
        .prepare<[], string>(`SELECT name FROM pragma_table_info('${name}')`)
        .pluck()
        .all();
      expect(actual.sort(), `columns of ${name}`).toEqual(columns.map((c) => c.name).sort());
    }
    expect(db.prepare(`SELECT value FROM meta WHERE key = 'format_version'`).pluck().get()).toBe(
      String(FORMAT_VERSION),
    );
  });

  it('applies each migration once', async () => {
    await migrateDatabase(db);
    await migrateDatabase(db);
    const applied = db
      .prepare<[], number>('SELECT count(*) FROM __drizzle_migrations')
      .pluck()
      .get();
    const journal = JSON.parse(
      readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8'),
    ) as { entries: unknown[] };
    expect(applied).toBe(journal.entries.length);
  });
});
