import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { Database } from '../src/index.js';
import type { Collection } from '../src/index.js';
import { indexFilePath } from '../src/persistence/index-files.js';
import { clustered } from './helpers/datasets.js';

const root = mkdtempSync(join(tmpdir(), 'needle-persist-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(root, `db${++n}`, 'test.needle');

const vectors = clustered(3000, 16, 41);
const records = vectors.map((vector, i) => ({
  id: `doc-${i}`,
  vector,
  metadata: { i, title: `title number ${i}` },
}));

/** A fresh durable database with an empty collection `docs` (16-d, euclidean). */
async function freshDocs(): Promise<{ path: string; db: Database; docs: Collection }> {
  const path = fresh();
  const db = await Database.open(path);
  const docs = await db.createCollection('docs', { dimensions: 16, distance: 'euclidean' });
  return { path, db, docs };
}

/** Copies a database's files as a crash would leave them (the process is still running). */
function snapshot(path: string): string {
  const target = fresh();
  const fromDir = join(path, '..');
  const toDir = join(target, '..');
  mkdir(toDir);
  for (const name of readdirSync(fromDir)) {
    const from = join(fromDir, name);
    if (statSync(from).isDirectory()) {
      for (const inner of readdirSync(from)) {
        mkdir(join(toDir, name));
        copyFileSync(join(from, inner), join(toDir, name, inner));
      }
    } else copyFileSync(from, join(toDir, name));
  }
  return target;
}
function mkdir(dir: string): void {
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
}

describe('a durable database', () => {
  it('keeps collections, vectors, metadata and settings across close and reopen, loading the saved index', async () => {
    const path = fresh();
    const db = await Database.open(path);
    const docs = await db.createCollection('docs', {
      dimensions: 16,
      distance: 'euclidean',
      index: { efSearch: 80 },
    });
    await docs.insertMany(records.slice(0, 2000));
    await docs.delete('doc-5');
    await docs.updateMetadata('doc-6', { extra: true });
    await db.close();

    const again = await Database.open(path);
    expect(again.openReport.collections).toEqual([
      { name: 'docs', index: 'loaded', reason: null, replayed: 0, rebuilt: 0 },
    ]);
    const col = again.collection('docs');
    expect(col.config.index.efSearch).toBe(80);
    expect(col.size).toBe(1999);
    expect(col.get('doc-5')).toBeNull();
    expect(col.get('doc-6')!.metadata).toEqual({ i: 6, title: 'title number 6', extra: true });
    expect(Array.from(col.get('doc-7')!.vector)).toEqual(Array.from(vectors[7]!));
    const { hits } = await col.search(vectors[42]!, 1);
    expect(hits[0]).toMatchObject({ id: 'doc-42', distance: 0 });
    await again.close();
  });

  it('replays changes made after the last checkpoint onto the saved index', async () => {
    const { path, db, docs } = await freshDocs();
    await docs.insertMany(records.slice(0, 1000));
    await db.checkpoint();
    await docs.insertMany(records.slice(1000, 1100));
    await docs.deleteMany(['doc-1', 'doc-2']);
    const crashed = snapshot(path);
    await db.close();

    const reopened = await Database.open(crashed);
    expect(reopened.openReport.collections[0]).toMatchObject({ index: 'loaded', replayed: 102 });
    const col = reopened.collection('docs');
    expect(col.size).toBe(1098);
    expect((await col.search(vectors[1050]!, 1)).hits[0]!.id).toBe('doc-1050');
    expect((await col.search(vectors[1]!, 3)).hits.map((h) => h.id)).not.toContain('doc-1');
    // Deleted before the save or replayed after it, their slots still count as fragmentation.
    expect(col.stats().deletedCount).toBe(2);
    await reopened.close();
  });

  it('replays a key that came back after a restart with its new vector, not the saved one', async () => {
    const { path, db, docs } = await freshDocs();
    await docs.insertMany(records.slice(0, 10));
    await db.checkpoint();
    // doc-9 held the highest key; the saved index keeps its vector under that key.
    await docs.delete('doc-9');
    const firstCrash = snapshot(path);
    await db.close();

    // After the restart the next key follows the highest live one: doc-9's key comes back.
    const restarted = await Database.open(firstCrash);
    await restarted.collection('docs').insert({ id: 'late', vector: vectors[2000]! });
    const secondCrash = snapshot(firstCrash);
    await restarted.close();

    const reopened = await Database.open(secondCrash);
    expect(reopened.openReport.collections[0]).toMatchObject({ index: 'loaded', replayed: 2 });
    const col = reopened.collection('docs');
    expect(col.size).toBe(10);
    expect((await col.search(vectors[2000]!, 1)).hits[0]).toMatchObject({
      id: 'late',
      distance: 0,
    });
    // No live vector equals the deleted one: its nearest hit is another record, farther off.
    const nearDeleted = (await col.search(vectors[9]!, 10)).hits;
    expect(nearDeleted.map((h) => h.id)).not.toContain('doc-9');
    expect(nearDeleted[0]!.distance).toBeGreaterThan(0);
    expect((await col.search(vectors[3]!, 1)).hits[0]).toMatchObject({ id: 'doc-3', distance: 0 });
    await reopened.close();
  });

  it('never serves the index file of a dropped collection for a new one of that name', async () => {
    const { path, db, docs: old } = await freshDocs();
    await old.insertMany(records.slice(0, 300));
    await db.checkpoint();
    const file = indexFilePath(path, 'docs');
    const leftover = readFileSync(file);
    await db.dropCollection('docs');
    // As if the process had ended between the drop's commit and the file's removal.
    writeFileSync(file, leftover);
    const docs = await db.createCollection('docs', { dimensions: 16, distance: 'euclidean' });
    await docs.insertMany(records.slice(300, 303));
    const planted = snapshot(path);
    // And a file the create could not have seen: the replay must notice it is not this one's.
    mkdir(join(indexFilePath(planted, 'docs'), '..'));
    writeFileSync(indexFilePath(planted, 'docs'), leftover);
    const created = snapshot(path);
    await db.close();

    for (const [copy, reason] of [
      [planted, /the saved index held 300 vectors, the database 3/],
      [created, /no saved index/],
    ] as const) {
      const reopened = await Database.open(copy);
      expect(reopened.openReport.collections[0]).toMatchObject({ index: 'rebuilt', rebuilt: 3 });
      expect(reopened.openReport.collections[0]!.reason).toMatch(reason);
      const hits = (await reopened.collection('docs').search(vectors[5]!, 10)).hits;
      expect(hits.map((h) => h.id).sort()).toEqual(['doc-300', 'doc-301', 'doc-302']);
      await reopened.close();
    }
  });

  it('rebuilds rather than trust a saved index newer than the database beside it', async () => {
    const { path, db, docs } = await freshDocs();
    await docs.insertMany(records.slice(0, 100));
    await db.checkpoint();
    const older = snapshot(path);
    // The same count of vectors, but doc-1 has moved to another key and another vector.
    await docs.upsert({ id: 'doc-1', vector: vectors[2000]! });
    await db.close();
    // The older database file with the newer index beside it, as a hand-made restore may leave.
    copyFileSync(indexFilePath(path, 'docs'), indexFilePath(older, 'docs'));

    const reopened = await Database.open(older);
    expect(reopened.openReport.collections[0]).toMatchObject({ index: 'rebuilt', rebuilt: 100 });
    expect(reopened.openReport.collections[0]!.reason).toMatch(
      /the saved index covers changes up to \d+, the database up to \d+/,
    );
    const col = reopened.collection('docs');
    expect((await col.search(vectors[1]!, 1)).hits[0]).toMatchObject({ id: 'doc-1', distance: 0 });
    expect((await col.search(vectors[2000]!, 1)).hits[0]!.distance).toBeGreaterThan(0);
    await reopened.close();
  });

  it('remembers the slots of deleted vectors across a restart, until compaction frees them', async () => {
    const { path, db, docs } = await freshDocs();
    await docs.insertMany(records.slice(0, 500));
    await docs.deleteMany(records.slice(0, 150).map((r) => r.id));
    await db.close();

    const reopened = await Database.open(path);
    const col = reopened.collection('docs');
    expect(reopened.openReport.collections[0]).toMatchObject({ index: 'loaded' });
    expect(col.stats()).toMatchObject({ count: 350, deletedCount: 150, fragmentationRatio: 0.3 });
    const report = await col.compact();
    expect(report).toMatchObject({ removed: 150 });
    expect(col.stats()).toMatchObject({ count: 350, deletedCount: 0 });
    const compactedBytes = col.stats().indexMemoryBytes;
    await reopened.close();

    // The compacted index is what the next open loads, not the one saved before it.
    const again = await Database.open(path);
    expect(again.openReport.collections[0]).toMatchObject({ index: 'loaded' });
    expect(again.collection('docs').stats()).toMatchObject({ count: 350, deletedCount: 0 });
    expect(again.collection('docs').stats().indexMemoryBytes).toBeLessThanOrEqual(
      compactedBytes * 1.05,
    );
    await again.close();
  });

  it('rebuilds a damaged saved index from the vectors, says so, and loses nothing', async () => {
    const { path, db, docs } = await freshDocs();
    await docs.insertMany(records.slice(0, 1500));
    await db.close();
    const indexDir = `${path}-index`;
    const [file] = readdirSync(indexDir);
    const bytes = readFileSync(join(indexDir, file!));
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    writeFileSync(join(indexDir, file!), bytes);

    const progress: number[] = [];
    const reopened = await Database.open(
      path,
      {},
      { onProgress: (_c, p) => progress.push(p.done) },
    );
    expect(reopened.openReport.collections[0]).toMatchObject({
      index: 'rebuilt',
      rebuilt: 1500,
      reason: expect.stringMatching(/corrupt|damaged|chunk/i),
    });
    expect(progress.at(-1)).toBe(1500);
    const col = reopened.collection('docs');
    expect(col.size).toBe(1500);
    expect((await col.search(vectors[777]!, 1)).hits[0]!.id).toBe('doc-777');
    await reopened.close();
  });

  it('survives a truncated WAL: what was checkpointed is intact and the index agrees with the store', async () => {
    const { path, db, docs } = await freshDocs();
    await docs.insertMany(records.slice(0, 1000));
    await db.checkpoint();
    for (let i = 1000; i < 1200; i += 10) await docs.insertMany(records.slice(i, i + 10));
    const crashed = snapshot(path);
    await db.close();
    const wal = `${crashed}-wal`;
    expect(statSync(wal).size).toBeGreaterThan(0);
    truncateSync(wal, Math.floor(statSync(wal).size / 2));

    const reopened = await Database.open(crashed);
    const col = reopened.collection('docs');
    for (let i = 0; i < 1000; i++) expect(col.has(`doc-${i}`)).toBe(true);
    expect(col.size).toBeGreaterThanOrEqual(1000);
    expect(col.size).toBe(col.count());
    expect(col.stats().count).toBe(col.currentIndex().size());
    await reopened.close();
  });
});

describe('encryption at rest', () => {
  const key = 'aa'.repeat(32);
  const otherKey = 'bb'.repeat(32);
  const marker = 'PLAINTEXT-MARKER-7f3a';

  it('leaves no plaintext id, metadata or vector bytes anywhere on disk', async () => {
    const path = fresh();
    const db = await Database.open(path, { encryption: { keySource: { type: 'raw', key } } });
    const docs = await db.createCollection('secret', { dimensions: 16, distance: 'euclidean' });
    const pattern = Float32Array.from({ length: 16 }, (_, i) => 1234.5678 + i);
    await docs.insertMany([
      { id: `${marker}-id`, vector: pattern, metadata: { note: `${marker}-meta` } },
      ...records.slice(0, 500),
    ]);
    await db.checkpoint();
    await docs.insert({
      id: `${marker}-wal`,
      vector: pattern.map((x) => x + 1),
      metadata: { note: `${marker}-wal-meta` },
    });
    const needles = [
      Buffer.from(marker),
      Buffer.from(new Uint8Array(pattern.buffer, 0, 16)),
      Buffer.from('title number 17'),
    ];
    const scan = (): void => {
      for (const file of filesUnder(join(path, '..'))) {
        const content = readFileSync(file);
        for (const needle of needles)
          expect(content.includes(needle), `${file} holds plaintext`).toBe(false);
      }
    };
    scan();
    await db.close();
    scan();
  });

  it('refuses a wrong key clearly and touches nothing; a rotated key takes over', async () => {
    const path = fresh();
    const db = await Database.open(path, { encryption: { keySource: { type: 'raw', key } } });
    await (await db.createCollection('c', { dimensions: 16 })).insertMany(records.slice(0, 100));
    await db.close();
    const before = readFileSync(path);
    await expect(
      Database.open(path, { encryption: { keySource: { type: 'raw', key: otherKey } } }),
    ).rejects.toMatchObject({ code: 'WRONG_KEY' });
    await expect(Database.open(path)).rejects.toMatchObject({
      code: expect.stringMatching(/WRONG_KEY|INCOMPATIBLE_FORMAT|NOT_A_DATABASE/),
    });
    expect(readFileSync(path).equals(before)).toBe(true);

    const open = await Database.open(path, { encryption: { keySource: { type: 'raw', key } } });
    const rotated = await open.rotateKey({ keySource: { type: 'raw', key: otherKey } });
    expect(rotated.keyId).not.toBe(rotated.previousKeyId);
    expect(open.collection('c').size).toBe(100);
    await open.close();
    await expect(
      Database.open(path, { encryption: { keySource: { type: 'raw', key } } }),
    ).rejects.toMatchObject({ code: 'WRONG_KEY' });
    const reopened = await Database.open(path, {
      encryption: { keySource: { type: 'raw', key: otherKey } },
    });
    expect(reopened.openReport.collections[0]!.index).toBe('loaded');
    expect(reopened.collection('c').size).toBe(100);
    await reopened.close();
  });
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('compaction of a durable database', () => {
  it('rebuilds the index and vacuums the file, giving the space of deleted vectors back', async () => {
    const { path, db, docs } = await freshDocs();
    const padded = records.map((r) => ({
      ...r,
      metadata: { ...r.metadata, pad: 'x'.repeat(2000) },
    }));
    for (let i = 0; i < 3000; i += 500) await docs.insertMany(padded.slice(i, i + 500));
    await docs.deleteMany(padded.slice(0, 2400).map((r) => r.id));
    await db.checkpoint();
    const phases = new Set<string>();
    const report = await docs.compact({ onProgress: (p) => phases.add(p.phase) });
    expect(report.removed).toBe(2400);
    expect([...phases]).toEqual(['rebuild', 'vacuum', 'done']);
    expect(report.fileBytesAfter).toBeLessThan(report.fileBytesBefore / 2);
    expect(db.storageStats().fileBytes).toBe(report.fileBytesAfter);
    expect((await docs.search(vectors[2500]!, 1)).hits[0]!.id).toBe('doc-2500');
    await db.close();
    const again = await Database.open(path);
    expect(again.collection('docs').size).toBe(600);
    await again.close();
  });
});
