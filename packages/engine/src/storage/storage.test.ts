import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  changesOf,
  put,
  scanAll,
  tempDir,
  testCollection,
  testConfig,
} from '../../test/helpers/storage-fixtures.js';
import { MemoryStorage } from './memory-storage.js';
import { SqliteStorage } from './sqlite/sqlite-storage.js';
import type { Storage } from './storage.js';

interface Target {
  name: string;
  /** Opens a fresh, empty storage; `dispose` closes it and removes its files. */
  open: () => Promise<{ storage: Storage; dispose: () => Promise<void> }>;
}

const targets: Target[] = [
  {
    name: 'memory',
    open: () => {
      const storage = new MemoryStorage();
      return Promise.resolve({ storage, dispose: () => storage.close() });
    },
  },
  {
    name: 'sqlite',
    open: async () => {
      const tmp = tempDir();
      const storage = await SqliteStorage.open(join(tmp.dir, 'conformance.needle'), {
        wal: { checkpointIntervalMs: 0 },
      });
      return {
        storage,
        dispose: async () => {
          await storage.close();
          tmp.remove();
        },
      };
    },
  },
];

/** One top-level field of a JSON log entry. */
const field = (json: string, name: string): unknown =>
  (JSON.parse(json) as Record<string, unknown>)[name];

/** Runs `f` so a synchronous throw and a rejection are asserted the same way. */
const attempt = <T>(f: () => T | Promise<T>): Promise<T> => Promise.resolve().then(f);

describe.each(targets)('Storage conformance: $name', (target) => {
  let storage: Storage;
  let dispose: () => Promise<void>;

  beforeEach(async () => {
    ({ storage, dispose } = await target.open());
    await storage.createCollection(testCollection('docs'));
  });
  afterEach(async () => {
    await dispose();
  });

  it('lists collections in creation order, with their configs', async () => {
    await storage.createCollection(testCollection('b-later', 8));
    await storage.createCollection(testCollection('a-last', 2));
    expect(storage.listCollections().map((c) => [c.name, c.config.dimensions])).toEqual([
      ['docs', 4],
      ['b-later', 8],
      ['a-last', 2],
    ]);
    expect(storage.listCollections()[0]).toEqual(testCollection('docs'));
  });

  it('refuses a second collection with the same name', async () => {
    await expect(
      attempt(() => storage.createCollection(testCollection('docs'))),
    ).rejects.toMatchObject({ code: 'COLLECTION_EXISTS' });
    expect(storage.listCollections()).toHaveLength(1);
  });

  it('persists an updated collection config', async () => {
    const config = { ...testConfig(), index: { m: 16, efSearch: 123, efConstruction: 200 } };
    await storage.updateCollectionConfig('docs', config);
    expect(storage.listCollections()[0]?.config.index.efSearch).toBe(123);
  });

  it('drops a collection with its records and changes', async () => {
    await storage.commit('docs', [put(1, 'a')]);
    await storage.dropCollection('docs');
    expect(storage.listCollections()).toEqual([]);
    expect(() => scanAll(storage, 'docs')).toThrow(
      expect.objectContaining({ code: 'COLLECTION_NOT_FOUND' }),
    );
    await storage.createCollection(testCollection('docs'));
    expect(scanAll(storage, 'docs')).toEqual([]);
    expect(changesOf(storage, 'docs')).toEqual([]);
  });

  it('stores records exactly and scans them in key order', async () => {
    await storage.commit('docs', [
      put(5, 'five', { metadata: '{"lang":"en"}', expiresAt: 1_900_000_000_000 }),
      put(1, 'one', { vector: [0.1, -2.5, 3e-8, 1e30] }),
      put(3, 'three'),
    ]);
    const records = scanAll(storage, 'docs');
    expect(records.map((r) => r.key)).toEqual([1, 3, 5]);
    expect(records[0]).toEqual({
      key: 1,
      id: 'one',
      vector: Float32Array.from([0.1, -2.5, 3e-8, 1e30]),
      metadata: null,
      expiresAt: null,
    });
    expect(records[2]).toMatchObject({
      id: 'five',
      metadata: '{"lang":"en"}',
      expiresAt: 1_900_000_000_000,
    });
  });

  it('applies put, delete and metadata mutations in order within one commit', async () => {
    await storage.commit('docs', [
      put(1, 'a'),
      put(2, 'b'),
      { op: 'delete', key: 1, id: 'a' },
      { op: 'metadata', key: 2, id: 'b', metadata: '{"x":1}' },
    ]);
    expect(scanAll(storage, 'docs').map((r) => [r.key, r.id, r.metadata])).toEqual([
      [2, 'b', '{"x":1}'],
    ]);
  });

  it('replaces a record put again under the same key', async () => {
    await storage.commit('docs', [put(7, 'seven', { metadata: '"old"' })]);
    await storage.commit('docs', [put(7, 'seven', { vector: [9, 9, 9, 9], metadata: '"new"' })]);
    expect(scanAll(storage, 'docs')).toEqual([
      {
        key: 7,
        id: 'seven',
        vector: Float32Array.from([9, 9, 9, 9]),
        metadata: '"new"',
        expiresAt: null,
      },
    ]);
  });

  it('reads one vector into a caller buffer', async () => {
    await storage.commit('docs', [put(4, 'four', { vector: [1.5, 2.5, 3.5, 4.5] })]);
    const backing = new Float32Array(6);
    const out = backing.subarray(1, 5);
    expect(storage.readVector('docs', 4, out)).toBe(true);
    expect([...backing]).toEqual([0, 1.5, 2.5, 3.5, 4.5, 0]);
    expect(storage.readVector('docs', 99, out)).toBe(false);
    expect(() => storage.readVector('nope', 4, out)).toThrow(
      expect.objectContaining({ code: 'COLLECTION_NOT_FOUND' }),
    );
  });

  it('numbers changes with a monotonic seq and returns the last one per commit', async () => {
    expect(storage.lastSeq()).toBe(0);
    const first = await storage.commit('docs', [put(1, 'a'), put(2, 'b')]);
    const second = await storage.commit('docs', [{ op: 'delete', key: 1, id: 'a' }]);
    expect(first).toBe(2);
    expect(second).toBe(3);
    expect(storage.lastSeq()).toBe(3);
    expect(changesOf(storage, 'docs')).toEqual([
      { seq: 1, op: 'put', key: 1, id: 'a' },
      { seq: 2, op: 'put', key: 2, id: 'b' },
      { seq: 3, op: 'delete', key: 1, id: 'a' },
    ]);
    expect(changesOf(storage, 'docs', 2)).toEqual([{ seq: 3, op: 'delete', key: 1, id: 'a' }]);
  });

  it('keeps change logs apart per collection and never reuses a seq after a drop', async () => {
    await storage.createCollection(testCollection('other'));
    await storage.commit('docs', [put(1, 'a')]);
    await storage.commit('other', [put(1, 'x'), put(2, 'y')]);
    expect(changesOf(storage, 'docs').map((c) => c.seq)).toEqual([1]);
    expect(changesOf(storage, 'other').map((c) => c.seq)).toEqual([2, 3]);
    await storage.dropCollection('other');
    expect(await storage.commit('docs', [put(2, 'b')])).toBe(4);
  });

  it('rejects a commit to an unknown collection and stores nothing', async () => {
    await expect(attempt(() => storage.commit('nope', [put(1, 'a')]))).rejects.toMatchObject({
      code: 'COLLECTION_NOT_FOUND',
    });
    expect(storage.lastSeq()).toBe(0);
  });

  it('settles concurrent commits in call order, each after its own commit', async () => {
    const settled: number[] = [];
    const commits = Array.from({ length: 20 }, (_, i) =>
      storage.commit('docs', [put(1, 'same', { metadata: String(i) })]).then((seq) => {
        settled.push(i);
        expect(storage.lastSeq()).toBeGreaterThanOrEqual(seq);
        return seq;
      }),
    );
    const seqs = await Promise.all(commits);
    expect(settled).toEqual([...Array(20).keys()]);
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(scanAll(storage, 'docs')[0]?.metadata).toBe('19');
  });

  it('counts stats: the last seq, and no file bytes below zero', async () => {
    await storage.commit('docs', [put(1, 'a')]);
    const stats = storage.stats();
    expect(stats.lastSeq).toBe(1);
    expect(stats.fileBytes).toBeGreaterThanOrEqual(0);
    expect(stats.walBytes).toBeGreaterThanOrEqual(0);
  });

  it('stores, replaces, lists and deletes system records by namespace', async () => {
    await storage.putSystemRecord('roles', 'reader', '{"can":["search"]}');
    await storage.putSystemRecord('roles', 'admin', '{"can":["*"]}');
    await storage.putSystemRecord('keys', 'k1', '{"role":"admin"}');
    await storage.putSystemRecord('roles', 'reader', '{"can":["search","get"]}');
    expect(storage.getSystemRecord('roles', 'reader')).toBe('{"can":["search","get"]}');
    expect(storage.getSystemRecord('roles', 'nobody')).toBeUndefined();
    const roles = storage.listSystemRecords('roles');
    expect(roles.map((r) => r.key)).toEqual(['admin', 'reader']);
    expect(roles[0]!.updatedAt).toBeGreaterThan(0);
    await storage.putSystemRecord('roles', 'admin', null);
    expect(storage.listSystemRecords('roles').map((r) => r.key)).toEqual(['reader']);
    expect(storage.listSystemRecords('keys')).toHaveLength(1);
  });

  it('appends system log entries with increasing seqs and reads them by seq, time and field', async () => {
    const first = await storage.appendSystemLog('audit', [
      '{"actor":"ann","action":"login"}',
      '{"actor":"bob","action":"drop","ok":true}',
    ]);
    const second = await storage.appendSystemLog('audit', ['{"actor":"ann","action":"drop"}']);
    await storage.appendSystemLog('alerts', ['{"rule":"high-latency"}']);
    expect(first).toHaveLength(2);
    expect(first[1]).toBe(first[0]! + 1);
    expect(second[0]).toBeGreaterThan(first[1]!);
    expect(await storage.appendSystemLog('audit', [])).toEqual([]);

    const all = storage.readSystemLog('audit');
    expect(all.map((e) => field(e.entry, 'action'))).toEqual(['login', 'drop', 'drop']);
    expect(all.map((e) => e.seq)).toEqual([...first, ...second]);
    expect(storage.readSystemLog('audit', { afterSeq: first[0]! }).map((e) => e.seq)).toEqual([
      first[1],
      second[0],
    ]);
    expect(
      storage
        .readSystemLog('audit', { match: { actor: 'ann' } })
        .map((e) => field(e.entry, 'action')),
    ).toEqual(['login', 'drop']);
    expect(
      storage.readSystemLog('audit', { match: { action: 'drop', actor: 'bob' } }),
    ).toHaveLength(1);
    expect(storage.readSystemLog('audit', { descending: true, limit: 1 })[0]!.seq).toBe(second[0]);
    const at = all[0]!.at;
    expect(storage.readSystemLog('audit', { sinceAt: at, untilAt: at + 60_000 })).toHaveLength(3);
    expect(storage.readSystemLog('audit', { untilAt: at })).toHaveLength(0);
    expect(storage.readSystemLog('alerts')).toHaveLength(1);
    expect(storage.readSystemLog('nothing')).toEqual([]);
  });

  it('prunes a system log below a seq, leaving other logs and the change log alone', async () => {
    await storage.commit('docs', [put(1, 'a')]);
    const seqBefore = storage.lastSeq();
    const seqs = await storage.appendSystemLog('slow', ['{"n":1}', '{"n":2}', '{"n":3}']);
    await storage.appendSystemLog('audit', ['{"n":0}']);
    expect(await storage.pruneSystemLog('slow', seqs[2]!)).toBe(2);
    expect(storage.readSystemLog('slow').map((e) => field(e.entry, 'n'))).toEqual([3]);
    expect(storage.readSystemLog('audit')).toHaveLength(1);
    expect(storage.lastSeq()).toBe(seqBefore);
    expect(await storage.commit('docs', [put(2, 'b')])).toBe(seqBefore + 1);
  });

  it('scans entries without their vectors, in key order, like scan', async () => {
    await storage.commit('docs', [
      put(3, 'c', { metadata: '{"n":3}', expiresAt: 1_900_000_000_000 }),
      put(1, 'a'),
    ]);
    const entries: unknown[] = [];
    storage.scanEntries('docs', (e) => entries.push(e));
    expect(entries).toEqual(scanAll(storage, 'docs').map(({ vector: _vector, ...entry }) => entry));
    expect(entries.map((e) => (e as { key: number }).key)).toEqual([1, 3]);
  });

  it('checkpoints on request', async () => {
    await storage.commit('docs', [put(1, 'a')]);
    const stats = await storage.checkpoint();
    expect(stats.reason).toBe('manual');
    expect(stats.durationMs).toBeGreaterThanOrEqual(0);
    expect(stats.at).toBeGreaterThan(0);
  });
});
