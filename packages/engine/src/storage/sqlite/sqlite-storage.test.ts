import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import {
  changesOf,
  put,
  scanAll,
  tempDir,
  testCollection,
} from '../../../test/helpers/storage-fixtures.js';
import type { Mutation } from '../storage.js';
import { SqliteStorage, type SqliteStorageOptions } from './sqlite-storage.js';

let tmp: ReturnType<typeof tempDir>;
let file: string;
const open: SqliteStorage[] = [];

async function openStorage(options: SqliteStorageOptions = {}): Promise<SqliteStorage> {
  const storage = await SqliteStorage.open(file, {
    ...options,
    wal: { checkpointIntervalMs: 0, ...options.wal },
  });
  open.push(storage);
  return storage;
}

/** `n` puts with keys from `from`, 32-d vectors: enough bytes to grow the WAL. */
function puts(n: number, from = 1): Mutation[] {
  return Array.from({ length: n }, (_, i) =>
    put(from + i, `v${from + i}`, { vector: Array.from({ length: 32 }, (_, d) => from + i + d) }),
  );
}

beforeEach(() => {
  tmp = tempDir();
  file = join(tmp.dir, 'db.needle');
});
afterEach(async () => {
  for (const storage of open.splice(0)) await storage.close();
  tmp.remove();
});

describe('SqliteStorage durability', () => {
  it('keeps collections, records, changes and seq across close and reopen', async () => {
    const first = await openStorage();
    await first.createCollection(testCollection('docs'));
    await first.commit('docs', [
      put(1, 'a', { metadata: '{"k":1}', expiresAt: 1_900_000_000_000 }),
      put(2, 'b'),
    ]);
    await first.commit('docs', [{ op: 'delete', key: 2, id: 'b' }]);
    const before = scanAll(first, 'docs');
    await first.close();
    expect(existsSync(`${file}-wal`)).toBe(false);

    const second = await openStorage();
    expect(second.listCollections()).toEqual([testCollection('docs')]);
    expect(scanAll(second, 'docs')).toEqual(before);
    expect(second.lastSeq()).toBe(3);
    expect(changesOf(second, 'docs').map((c) => `${c.seq}:${c.op}:${c.key}`)).toEqual([
      '1:put:1',
      '2:put:2',
      '3:delete:2',
    ]);
    expect(await second.commit('docs', [put(3, 'c')])).toBe(4);
  });

  it('keeps system records and logs across close and reopen, and carries on their seqs', async () => {
    const first = await openStorage();
    await first.putSystemRecord('roles', 'reader', '{"can":["search"]}');
    const seqs = await first.appendSystemLog('audit', ['{"a":1}', '{"a":2}']);
    await first.close();

    const second = await openStorage();
    expect(second.getSystemRecord('roles', 'reader')).toBe('{"can":["search"]}');
    expect(second.readSystemLog('audit').map((e) => e.seq)).toEqual(seqs);
    const [next] = await second.appendSystemLog('audit', ['{"a":3}']);
    expect(next).toBe(seqs[1]! + 1);
  });

  it('groups concurrent commits into fewer transactions than commits', async () => {
    const storage = await openStorage();
    await storage.createCollection(testCollection('docs'));
    const before = storage.stats();
    const seqs = await Promise.all(
      Array.from({ length: 50 }, (_, i) => storage.commit('docs', [put(i + 1, `id${i}`)])),
    );
    const after = storage.stats();
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(after.writes - before.writes).toBe(50);
    expect(after.transactions - before.transactions).toBeLessThan(50);
    expect(scanAll(storage, 'docs')).toHaveLength(50);
  });

  it('rejects only the failing commit of a group, atomically, with the SQLite error as cause', async () => {
    const storage = await openStorage();
    await storage.createCollection(testCollection('docs'));
    await storage.commit('docs', [put(1, 'taken')]);
    const ok1 = storage.commit('docs', [put(2, 'two')]);
    // Its first put is valid, its second reuses an id stored under another key: all or nothing.
    const bad = storage.commit('docs', [put(3, 'three'), put(4, 'taken')]);
    const ok2 = storage.commit('docs', [put(5, 'five')]);
    await expect(bad).rejects.toMatchObject({
      code: 'VECTOR_EXISTS',
      cause: { code: 'SQLITE_CONSTRAINT_UNIQUE' },
    });
    expect(await ok1).toBe(2);
    expect(await ok2).toBe(3);
    expect(scanAll(storage, 'docs').map((r) => r.id)).toEqual(['taken', 'two', 'five']);
    expect(changesOf(storage, 'docs').map((c) => c.seq)).toEqual([1, 2, 3]);
  });

  it('keeps a commit too big for one encoding slice atomic', async () => {
    const storage = await openStorage();
    await storage.createCollection(testCollection('docs'));
    await storage.commit('docs', [put(1, 'taken')]);
    // 128-d vectors: ~3 MB, several slices; the very last mutation fails.
    const big = Array.from({ length: 6000 }, (_, i) =>
      put(i + 2, `big${i}`, { vector: Array.from({ length: 128 }, () => i) }),
    );
    big.push(put(7000, 'taken'));
    await expect(storage.commit('docs', big)).rejects.toMatchObject({ code: 'VECTOR_EXISTS' });
    expect(scanAll(storage, 'docs').map((r) => r.id)).toEqual(['taken']);
    big.pop();
    expect(await storage.commit('docs', big)).toBe(6001);
    const out = new Float32Array(128);
    expect(storage.readVector('docs', 6001, out)).toBe(true);
    expect(out[0]).toBe(5999);
  });

  it('reports a directory that does not exist as a storage error', async () => {
    await expect(SqliteStorage.open(join(tmp.dir, 'missing', 'db.needle'))).rejects.toMatchObject({
      code: 'STORAGE_ERROR',
      message: expect.stringContaining('directory does not exist'),
    });
  });

  it('refuses writes after close', async () => {
    const storage = await openStorage();
    await storage.createCollection(testCollection('docs'));
    await storage.close();
    await expect(storage.commit('docs', [put(1, 'a')])).rejects.toMatchObject({ code: 'CLOSED' });
    expect(() => storage.listCollections()).toThrow(expect.objectContaining({ code: 'CLOSED' }));
  });
});

describe('SqliteStorage WAL settings', () => {
  it.each([
    ['fsync', 'FULL'],
    ['normal', 'NORMAL'],
    ['off', 'OFF'],
  ] as const)(
    'maps syncMode %s onto synchronous=%s, in WAL mode with our own checkpoints',
    async (syncMode, synchronous) => {
      const storage = await openStorage({ wal: { syncMode, maxWalBytes: 8 * 1024 * 1024 } });
      expect(storage.stats().settings).toEqual({
        journalMode: 'wal',
        synchronous,
        journalSizeLimit: 8 * 1024 * 1024,
        walAutocheckpoint: 0,
      });
    },
  );

  it('validates the options', async () => {
    await expect(
      SqliteStorage.open(file, { wal: { syncMode: 'always' as 'fsync' } }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      details: { path: 'wal.syncMode' },
    });
    await expect(SqliteStorage.open(file, { cipherKey: new Uint8Array(16) })).rejects.toMatchObject(
      { code: 'INVALID_INPUT', details: { path: 'cipherKey' } },
    );
    expect(existsSync(file)).toBe(false);
  });

  it('shrinks the WAL to nothing on checkpoint and reports it', async () => {
    const storage = await openStorage();
    await storage.createCollection(testCollection('docs'));
    await storage.commit('docs', puts(500));
    expect(storage.stats().walBytes).toBeGreaterThan(50_000);
    const checkpoint = await storage.checkpoint();
    expect(checkpoint).toMatchObject({ reason: 'manual' });
    expect(checkpoint.pagesCheckpointed).toBeGreaterThan(10);
    expect(storage.stats()).toMatchObject({ walBytes: 0, lastCheckpoint: checkpoint });
    expect(storage.stats().fileBytes).toBeGreaterThan(50_000);
  });

  it('checkpoints as soon as the WAL passes maxWalBytes', async () => {
    const storage = await openStorage({ wal: { maxWalBytes: 64 * 1024 } });
    await storage.createCollection(testCollection('docs'));
    await storage.commit('docs', puts(500));
    await vi.waitFor(() =>
      expect(storage.stats()).toMatchObject({
        walBytes: 0,
        lastCheckpoint: { reason: 'wal-size' },
      }),
    );
    expect(storage.stats().lastCheckpoint!.pagesCheckpointed).toBeGreaterThan(10);
  });

  it('checkpoints on the interval timer', async () => {
    const storage = await SqliteStorage.open(file, { wal: { checkpointIntervalMs: 50 } });
    open.push(storage);
    await storage.createCollection(testCollection('docs'));
    await storage.commit('docs', puts(10));
    await vi.waitFor(() => expect(storage.stats().lastCheckpoint?.reason).toBe('timer'), {
      timeout: 5000,
    });
  });

  it('checkpoints on close, leaving no WAL behind', async () => {
    const storage = await openStorage();
    await storage.createCollection(testCollection('docs'));
    await storage.commit('docs', puts(200));
    expect(storage.stats().walBytes).toBeGreaterThan(0);
    await storage.close();
    expect(storage.stats().lastCheckpoint).toMatchObject({ reason: 'close' });
    expect(storage.stats().lastCheckpoint!.pagesCheckpointed).toBeGreaterThan(0);
    expect(existsSync(`${file}-wal`)).toBe(false);
  });
});
