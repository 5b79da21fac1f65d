import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { Database } from '../database.js';
import type { Collection } from '../collection/collection.js';

const root = mkdtempSync(join(tmpdir(), 'needle-snapshots-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(root, `db${++n}`, 'test.needle');

const DIMS = 8;
function vectorOf(i: number): number[] {
  return Array.from({ length: DIMS }, (_, d) => Math.sin(i * 0.37 + d) + (d === i % DIMS ? 2 : 0));
}
function records(from: number, to: number, tag: string) {
  return Array.from({ length: to - from }, (_, j) => ({
    id: `doc-${from + j}`,
    vector: vectorOf(from + j),
    metadata: { i: from + j, tag },
  }));
}

/** Every live vector of a collection: id → [vector, metadata]. */
function contents(c: Collection): Map<string, [number[], unknown]> {
  const out = new Map<string, [number[], unknown]>();
  for (let offset = 0; ; offset += 1000) {
    const page = c.list({ offset, limit: 1000 });
    for (const id of page.ids) {
      const r = c.get(id)!;
      out.set(id, [Array.from(r.vector), r.metadata]);
    }
    if (page.ids.length < 1000) return out;
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

describe('collection snapshots', () => {
  it('restore brings back exactly the vectors of the snapshot, durably, and search agrees', async () => {
    const path = fresh();
    const db = await Database.open(path);
    const docs = await db.createCollection('docs', { dimensions: DIMS, distance: 'euclidean' });
    await docs.insertMany(records(0, 300, 'v1'));
    const before = contents(docs);

    const info = await db.createSnapshot('docs', 'first');
    expect(info).toMatchObject({ name: 'first', collection: 'docs', count: 300 });
    expect(info.bytes).toBeGreaterThan(300 * DIMS * 4);

    await docs.insertMany(records(300, 400, 'v2'));
    await docs.deleteMany(['doc-0', 'doc-1', 'doc-2']);
    await docs.updateMetadata('doc-10', { tag: 'changed' });
    expect(docs.size).toBe(397);

    const report = await db.restoreSnapshot('docs', 'first');
    expect(report).toEqual({ collection: 'docs', snapshot: 'first', restored: 300, removed: 397 });
    const restored = db.collection('docs');
    expect(restored).not.toBe(docs);
    expect(contents(restored)).toEqual(before);
    const { hits } = await restored.search(vectorOf(7), 1);
    expect(hits[0]!.id).toBe('doc-7');
    expect(restored.stats().deletedCount).toBe(0);
    // The old object is closed: nobody can write through it behind the restore's back.
    await expect(docs.insert({ id: 'late', vector: vectorOf(1) })).rejects.toMatchObject({
      code: 'CLOSED',
    });

    await db.close();
    const reopened = await Database.open(path);
    expect(contents(reopened.collection('docs'))).toEqual(before);
    expect((await reopened.collection('docs').search(vectorOf(42), 1)).hits[0]!.id).toBe('doc-42');
    expect((await reopened.listSnapshots('docs')).map((s) => s.name)).toEqual(['first']);
    await reopened.close();
  });

  it('lists snapshots oldest first and refuses taken names, unknown names and bad names', async () => {
    const db = await Database.open(fresh());
    await db.createCollection('docs', { dimensions: DIMS });
    await db.collection('docs').insertMany(records(0, 10, 'a'));
    await db.createSnapshot('docs', 'a');
    await db.collection('docs').insertMany(records(10, 15, 'b'));
    await db.createSnapshot('docs', 'b');
    const auto = await db.createSnapshot('docs');
    expect(auto.name).toMatch(/^\d{8}-\d{6}-\d{3}$/);

    const list = await db.listSnapshots('docs');
    expect(list.map((s) => [s.name, s.count])).toEqual([
      ['a', 10],
      ['b', 15],
      [auto.name, 15],
    ]);
    await expect(db.createSnapshot('docs', 'a')).rejects.toMatchObject({ code: 'SNAPSHOT_EXISTS' });
    await expect(db.restoreSnapshot('docs', 'nope')).rejects.toMatchObject({
      code: 'SNAPSHOT_NOT_FOUND',
    });
    await expect(db.deleteSnapshot('docs', 'nope')).rejects.toMatchObject({
      code: 'SNAPSHOT_NOT_FOUND',
    });
    await expect(db.createSnapshot('docs', '../escape')).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(db.createSnapshot('missing', 'x')).rejects.toMatchObject({
      code: 'COLLECTION_NOT_FOUND',
    });
    await db.deleteSnapshot('docs', 'b');
    expect((await db.listSnapshots('docs')).map((s) => s.name)).toEqual(['a', auto.name]);
    await db.close();
  });

  it('dropping a collection deletes its snapshots', async () => {
    const db = await Database.open(fresh());
    await db.createCollection('docs', { dimensions: DIMS });
    await db.collection('docs').insertMany(records(0, 5, 'a'));
    await db.createSnapshot('docs', 'keep');
    await db.dropCollection('docs');
    await db.createCollection('docs', { dimensions: DIMS });
    expect(await db.listSnapshots('docs')).toEqual([]);
    await db.close();
  });

  it('a damaged snapshot is refused whole and the collection stays as it was', async () => {
    const path = fresh();
    const db = await Database.open(path);
    const docs = await db.createCollection('docs', { dimensions: DIMS });
    await docs.insertMany(records(0, 2000, 'a'));
    await db.createSnapshot('docs', 'bad');
    await docs.deleteMany(['doc-5']);
    const [file] = await filesUnder(`${path}-snapshots`);
    const bytes = readFileSync(file!);
    bytes[bytes.length - 40]! ^= 0xff;
    writeFileSync(file!, bytes);

    await expect(db.restoreSnapshot('docs', 'bad')).rejects.toMatchObject({
      code: 'SEALED_FILE_CORRUPT',
    });
    expect(db.collection('docs')).toBe(docs);
    expect(docs.size).toBe(1999);
    expect(docs.has('doc-5')).toBe(false);
    await db.close();
  });

  it('writes in flight when a restore starts commit before it; the collection is offline meanwhile', async () => {
    const db = await Database.open(fresh());
    const docs = await db.createCollection('docs', { dimensions: DIMS });
    await docs.insertMany(records(0, 50, 'a'));
    await db.createSnapshot('docs', 's');

    const inFlight = docs.insert({ id: 'in-flight', vector: vectorOf(99) });
    const restore = db.restoreSnapshot('docs', 's');
    await inFlight;
    // The restore reads the snapshot first; once the collection is offline, lookups say so.
    const during = await new Promise<unknown>((resolve) => {
      const poll = (): void => {
        try {
          db.collection('docs');
          setImmediate(poll);
        } catch (err) {
          resolve(err);
        }
      };
      poll();
    });
    expect(during).toMatchObject({ code: 'OPERATION_IN_PROGRESS' });
    await restore;
    expect(db.collection('docs').has('in-flight')).toBe(false);
    expect(db.collection('docs').size).toBe(50);
    await db.close();
  });

  it('an encrypted database seals its snapshots: no name, id or metadata on disk in plaintext', async () => {
    const path = fresh();
    const encryption = { keySource: { type: 'raw' as const, key: 'cd'.repeat(32) } };
    const db = await Database.open(path, { encryption });
    const docs = await db.createCollection('secretcoll', { dimensions: DIMS });
    await docs.insert({
      id: 'MARKER-ID-91',
      vector: vectorOf(1),
      metadata: { note: 'MARKER-META-91' },
    });
    await db.createSnapshot('secretcoll', 'MARKER-SNAP-91');
    for (const file of await filesUnder(`${path}-snapshots`)) {
      expect(file).not.toMatch(/MARKER|secretcoll/);
      const text = readFileSync(file).toString('latin1');
      expect(text).not.toContain('MARKER');
      expect(text).not.toContain('secretcoll');
    }
    await docs.delete('MARKER-ID-91');
    expect((await db.listSnapshots('secretcoll'))[0]!.name).toBe('MARKER-SNAP-91');
    await db.restoreSnapshot('secretcoll', 'MARKER-SNAP-91');
    expect(db.collection('secretcoll').get('MARKER-ID-91')!.metadata).toEqual({
      note: 'MARKER-META-91',
    });
    await db.close();
  });

  it('works the same for an in-memory database', async () => {
    const db = await Database.open(':memory:');
    const docs = await db.createCollection('docs', { dimensions: DIMS });
    await docs.insertMany(records(0, 20, 'a'));
    const before = contents(docs);
    await db.createSnapshot('docs', 'm');
    await docs.deleteMany(['doc-1', 'doc-2']);
    await docs.upsert({ id: 'doc-3', vector: vectorOf(1000), metadata: { tag: 'new' } });
    await db.restoreSnapshot('docs', 'm');
    expect(contents(db.collection('docs'))).toEqual(before);
    expect((await db.listSnapshots('docs'))[0]).toMatchObject({ name: 'm', count: 20 });
    await db.close();
  });
});
