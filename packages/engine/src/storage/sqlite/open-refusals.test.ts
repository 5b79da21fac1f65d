import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import SqliteDatabase from 'better-sqlite3-multiple-ciphers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { put, scanAll, tempDir, testCollection } from '../../../test/helpers/storage-fixtures.js';
import { classifyHeader } from './inspect-file.js';
import { FORMAT_VERSION } from './migrate-database.js';
import { SqliteStorage } from './sqlite-storage.js';

let tmp: ReturnType<typeof tempDir>;
let file: string;

beforeEach(() => {
  tmp = tempDir();
  file = join(tmp.dir, 'db.needle');
});
afterEach(() => tmp.remove());

/** A Needle database at `file` with one record, closed (so no WAL is left). */
async function createNeedleFile(cipherKey?: Uint8Array): Promise<void> {
  const storage = await SqliteStorage.open(file, { cipherKey });
  await storage.createCollection(testCollection('docs'));
  await storage.commit('docs', [put(1, 'a', { metadata: '{"x":1}' })]);
  await storage.close();
}

/** The file's bytes, mtime and the directory listing: everything a refused open must not change. */
function snapshot(): { hash: string; mtimeMs: number; files: string[] } {
  return {
    hash: createHash('sha256').update(readFileSync(file)).digest('hex'),
    mtimeMs: statSync(file).mtimeMs,
    files: readdirSync(tmp.dir).sort(),
  };
}

describe('opening files SqliteStorage cannot use', () => {
  it('refuses a file of a newer format version and leaves it untouched', async () => {
    await createNeedleFile();
    const raw = new SqliteDatabase(file);
    raw
      .prepare(`UPDATE meta SET value = ? WHERE key = 'format_version'`)
      .run(String(FORMAT_VERSION + 1));
    raw.close();
    const before = snapshot();
    await expect(SqliteStorage.open(file)).rejects.toMatchObject({
      code: 'UNSUPPORTED_FORMAT_VERSION',
      details: { formatVersion: FORMAT_VERSION + 1, supported: FORMAT_VERSION },
    });
    expect(snapshot()).toEqual(before);
  });

  it('refuses a file of random bytes', async () => {
    writeFileSync(file, randomBytes(8192));
    const before = snapshot();
    await expect(SqliteStorage.open(file)).rejects.toMatchObject({ code: 'NOT_A_DATABASE' });
    expect(snapshot()).toEqual(before);
  });

  it('refuses a text file', async () => {
    writeFileSync(file, 'name,vector\na,"[1,2,3]"\n'.repeat(100));
    await expect(SqliteStorage.open(file)).rejects.toMatchObject({ code: 'NOT_A_DATABASE' });
  });

  it("refuses an SQLite database that is not Needle's, untouched", async () => {
    const raw = new SqliteDatabase(file);
    raw.pragma('journal_mode=WAL');
    raw.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)');
    raw.close();
    const before = snapshot();
    await expect(SqliteStorage.open(file)).rejects.toMatchObject({
      code: 'NOT_A_DATABASE',
      message: expect.stringContaining('invoices'),
    });
    expect(snapshot()).toEqual(before);
  });

  it('treats an empty file as a new database', async () => {
    writeFileSync(file, '');
    const storage = await SqliteStorage.open(file);
    await storage.createCollection(testCollection('docs'));
    expect(storage.listCollections()).toHaveLength(1);
    await storage.close();
  });
});

describe('encrypted files', () => {
  const key = new Uint8Array(32).fill(7);
  const otherKey = new Uint8Array(32).fill(9);

  it('opens with the right key and finds everything', async () => {
    await createNeedleFile(key);
    expect(classifyHeader(readFileSync(file).subarray(0, 100))).toBe('encrypted-sqlite');
    const storage = await SqliteStorage.open(file, { cipherKey: key });
    expect(scanAll(storage, 'docs').map((r) => [r.id, r.metadata])).toEqual([['a', '{"x":1}']]);
    expect(storage.stats().encrypted).toBe(true);
    await storage.close();
  });

  it.each([
    ['no key', undefined, /encrypted and no cipherKey/],
    ['another key', otherKey, /does not decrypt/],
  ])('refuses %s with WRONG_KEY and leaves the file untouched', async (_, cipherKey, message) => {
    await createNeedleFile(key);
    const before = snapshot();
    await expect(SqliteStorage.open(file, { cipherKey })).rejects.toMatchObject({
      code: 'WRONG_KEY',
      message: expect.stringMatching(message),
    });
    expect(snapshot()).toEqual(before);
  });

  it('refuses a key for a plaintext file, untouched', async () => {
    await createNeedleFile();
    expect(classifyHeader(readFileSync(file).subarray(0, 100))).toBe('sqlite');
    const before = snapshot();
    await expect(SqliteStorage.open(file, { cipherKey: key })).rejects.toMatchObject({
      code: 'WRONG_KEY',
      message: expect.stringMatching(/not encrypted/),
    });
    expect(snapshot()).toEqual(before);
    expect(existsSync(`${file}-wal`)).toBe(false);
  });
});
