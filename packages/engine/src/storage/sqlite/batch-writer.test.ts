import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { put, tempDir } from '../../../test/helpers/storage-fixtures.js';
import { BatchWriter } from './batch-writer.js';
import { migrateDatabase } from './migrate-database.js';
import { encodeMutationChunks } from './mutation-codec.js';
import { openConnection, type Connection } from './open-connection.js';
import { fromWireError, mapStorageError } from './sqlite-errors.js';
import type { WriteOp } from './writer-protocol.js';

let tmp: ReturnType<typeof tempDir>;
let db: Connection;
let writer: BatchWriter;

const commit = (keys: number[], vectorLength = 4): WriteOp => ({
  kind: 'commit',
  collection: 'docs',
  chunks: [
    ...encodeMutationChunks(
      keys.map((k) => put(k, `id${k}`, { vector: Array.from({ length: vectorLength }, () => k) })),
      4096,
    ),
  ],
});
const count = (): number => db.prepare<[], number>('SELECT count(*) FROM vectors').pluck().get()!;

beforeEach(async () => {
  tmp = tempDir();
  db = openConnection(join(tmp.dir, 'w.needle'), {
    readonly: false,
    cipherKey: undefined,
    busyTimeoutMs: 100,
  });
  db.pragma('journal_mode=WAL');
  await migrateDatabase(db);
  writer = new BatchWriter(db, 0);
  writer.apply([{ kind: 'create', name: 'docs', config: '{}', createdAt: 1 }]);
});
afterEach(() => {
  db.close();
  tmp.remove();
});

describe('BatchWriter', () => {
  it('undoes a failing op alone and renumbers the ops after it', () => {
    const results = writer.apply([
      commit([1]),
      { kind: 'create', name: 'docs', config: '{}', createdAt: 2 },
      commit([2, 3]),
    ]);
    expect(results.map((r) => (r.ok ? r.seq : fromWireError(r.error).name))).toEqual([
      1,
      'EngineError',
      3,
    ]);
    expect(writer.lastSeq).toBe(3);
    expect(count()).toBe(3);
  });

  it('refuses a commit the disk cannot hold with SQLITE_FULL, keeps what was committed, and writes again once there is room', () => {
    expect(writer.apply([commit([1, 2])])[0]).toMatchObject({ ok: true });
    // A real SQLITE_FULL: SQLite refuses to grow the file past max_page_count.
    const pages = Number(db.pragma('page_count', { simple: true }));
    db.pragma(`max_page_count=${pages + 2}`);
    const [result] = writer.apply([
      commit(
        Array.from({ length: 200 }, (_, i) => 100 + i),
        256,
      ),
    ]);
    expect(result?.ok).toBe(false);
    if (result && !result.ok) {
      expect(mapStorageError(fromWireError(result.error), 'commit')).toMatchObject({
        code: 'DISK_FULL',
        cause: { code: 'SQLITE_FULL' },
      });
    }
    expect(writer.lastSeq).toBe(2);
    expect(count()).toBe(2);
    expect(db.inTransaction).toBe(false);
    expect(db.prepare('PRAGMA integrity_check').pluck().get()).toBe('ok');

    db.pragma('max_page_count=1073741823');
    expect(writer.apply([commit([3])])[0]).toEqual({ ok: true, seq: 3 });
    expect(count()).toBe(3);
  });
});
