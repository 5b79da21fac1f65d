import { setTimeout as sleep } from 'node:timers/promises';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Database, restoreBackup } from '../src/index.js';
import type { BackupManifest, Collection, LocalDirectoryTarget } from '../src/index.js';
import { openConnection } from '../src/storage/sqlite/open-connection.js';
import { flipInObject } from './helpers/backup-damage.js';
import { doc, docsVectors, otherVectors, scratch } from './helpers/backup-fixtures.js';
import { dumpDatabase, type DatabaseDump } from './helpers/dump-database.js';

const files = scratch('needle-pitr-');
afterAll(() => files.remove());

/** The change-log seq a dump is at. */
function seqOf(dump: DatabaseDump): number {
  const row = dump.sequences.map((s) => JSON.parse(s) as [string, number]);
  return row.find(([name]) => name === 'changes')?.[1] ?? 0;
}

/** One recorded state: the seq after a step, a time between it and the next step, every row. */
interface Point {
  step: string;
  seq: number;
  time: number;
  dump: DatabaseDump;
}

/** A clock reading strictly between the last commit and the next one. */
async function between(): Promise<number> {
  await sleep(4);
  const t = Date.now();
  await sleep(4);
  return t;
}

describe('point-in-time restore inside a chain', () => {
  let path: string;
  let target: LocalDirectoryTarget;
  let chain: BackupManifest[];
  const points: Point[] = [];

  async function record(step: string): Promise<void> {
    const dump = dumpDatabase(path);
    points.push({ step, seq: seqOf(dump), time: await between(), dump });
  }

  beforeAll(async () => {
    path = files.path();
    target = files.target();
    const db = await Database.open(path, { ttlSweepIntervalMs: 0 });
    const docs = await db.createCollection('docs', { dimensions: 16, distance: 'cosine' });
    await docs.insertMany(Array.from({ length: 200 }, (_, i) => doc(i)));
    const other = await db.createCollection('other', { dimensions: 8, distance: 'euclidean' });
    await other.insertMany(
      otherVectors.slice(0, 50).map((vector, i) => ({ id: `o-${i}`, vector })),
    );
    const backups = db.backups(target);
    chain = [await backups.create({ type: 'full' })];
    await record('full');

    // First incremental: inserts, upserts (new vector and metadata), metadata patches and
    // replacements (to null too), deletes, an id deleted and inserted again, a TTL.
    await docs.insertMany(Array.from({ length: 40 }, (_, i) => doc(300 + i)));
    await record('insert 40');
    await docs.upsert({ id: 'doc-3', vector: docsVectors[900]!, metadata: { v: 2 } });
    await record('upsert doc-3');
    await docs.updateMetadata('doc-4', { patched: true });
    await record('patch doc-4');
    await docs.deleteMany(['doc-5', 'doc-6', 'doc-301']);
    await record('delete 3');
    await docs.insert({ ...doc(5), metadata: { reborn: 1 } });
    await record('re-insert doc-5');
    await other.upsert({ id: 'o-1', vector: otherVectors[200]!, metadata: { moved: 'yes' } });
    await record('upsert o-1');
    await docs.updateMetadata('doc-3', null, { replace: true });
    await record('metadata of doc-3 to null');
    chain.push(await backups.create({ type: 'incremental' }));
    await record('incremental 1');

    // Second incremental: a new collection (created between two changes of another one), more
    // upserts of the same ids, deletes, a TTL record.
    await docs.upsert({ id: 'doc-4', vector: docsVectors[901]!, metadata: { v: 3 } });
    await record('upsert doc-4');
    await sleep(5);
    const late: Collection = await db.createCollection('late', { dimensions: 4, distance: 'dot' });
    await record('create late');
    await late.insertMany([
      { id: 'l1', vector: [1, 2, 3, 4], metadata: { n: 1 } },
      { id: 'l2', vector: [-1, 0.5, 0, 2], ttlSeconds: 3600 },
    ]);
    await record('insert into late');
    await docs.deleteMany(Array.from({ length: 20 }, (_, i) => `doc-${100 + i}`));
    await record('delete 20');
    await docs.upsert({ id: 'doc-4', vector: docsVectors[902]!, metadata: { v: 4 } });
    await record('upsert doc-4 again');
    await late.updateMetadata('l1', { n: 2 });
    await record('patch l1');
    await docs.insertMany(Array.from({ length: 30 }, (_, i) => doc(400 + i)));
    await record('insert 30');
    chain.push(await backups.create({ type: 'incremental' }));
    await record('incremental 2');
    await db.close();
  });

  const inside = (): Point[] =>
    points.filter(
      (p) =>
        (p.seq > chain[0]!.seqTo && p.seq < chain[1]!.seqTo) ||
        (p.seq > chain[1]!.seqTo && p.seq < chain[2]!.seqTo),
    );

  it('records a chain whose incrementals carry every version', () => {
    expect(chain.map((m) => m.type)).toEqual(['full', 'incremental', 'incremental']);
    expect(inside().length).toBeGreaterThanOrEqual(11);
  });

  it('restores each recorded seq strictly inside the incrementals byte for byte', async () => {
    // A state at seq S lasts until change S + 1: a collection created after change S is there.
    const last = inside().filter((p, i, all) => all[i + 1]?.seq !== p.seq);
    expect(last.length).toBe(inside().length - 1);
    for (const point of last) {
      const destination = files.path(`seq-${point.seq}.needle`);
      const report = await restoreBackup({ target, toSeq: point.seq, destination });
      expect({ step: point.step, seq: report.seq }).toEqual({ step: point.step, seq: point.seq });
      expect(report.pointInTime).toBe(true);
      expect(report.backupId).toBe(point.seq < chain[1]!.seqTo ? chain[1]!.id : chain[2]!.id);
      expect(report.searches.passed).toBe(report.searches.run);
      const restored = dumpDatabase(destination);
      expect({ step: point.step, ...restored }).toEqual({ step: point.step, ...point.dump });
    }
  });

  it('restores a seq in the middle of one commit of many changes', async () => {
    const before = points.find((p) => p.step === 'incremental 1')!;
    const after = points.find((p) => p.step === 'insert 30')!;
    const before30 = points.find((p) => p.step === 'insert 30')!;
    const start = points[points.indexOf(before30) - 1]!;
    expect(after.seq - start.seq).toBe(30);
    const stopAt = start.seq + 11;
    const destination = files.path('mid-commit.needle');
    const report = await restoreBackup({ target, toSeq: stopAt, destination });
    expect(report.seq).toBe(stopAt);
    // Expected: the state before the commit plus its first 11 inserts, as the live file held them.
    const changes = after.dump.changes.filter((c) => (JSON.parse(c) as number[])[0]! <= stopAt);
    const added = new Set(
      changes
        .slice(start.dump.changes.length)
        .map((c) => JSON.parse(c) as [number, string, string, number])
        .map(([, collection, , key]) => `${collection}:${key}`),
    );
    expect(added.size).toBe(11);
    const vectors = [
      ...start.dump.vectors,
      ...after.dump.vectors.filter((v) => {
        const [collection, key] = JSON.parse(v) as [string, number];
        return added.has(`${collection}:${key}`);
      }),
    ].sort(byCollectionKey);
    const restored = dumpDatabase(destination);
    expect(restored.vectors).toEqual(vectors);
    expect(restored.changes).toEqual(changes);
    expect(restored.collections).toEqual(after.dump.collections);
    expect(before.seq).toBeLessThan(stopAt);
  });

  it('restores by time: the last change committed at or before it', async () => {
    for (const point of inside().filter((_, i) => i % 3 === 0)) {
      const destination = files.path(`time-${point.seq}.needle`);
      const report = await restoreBackup({ target, toTime: point.time, destination });
      expect({ step: point.step, seq: report.seq }).toEqual({ step: point.step, seq: point.seq });
      expect(report.createdAt).toBeLessThanOrEqual(point.time);
      expect(dumpDatabase(destination)).toEqual(point.dump);
    }
  });

  it('restores the boundaries whole, and within a named chain', async () => {
    const end = points.find((p) => p.step === 'incremental 1')!;
    const report = await restoreBackup({ target, toSeq: end.seq, destination: files.path() });
    expect(report).toMatchObject({ backupId: chain[1]!.id, pointInTime: false, seq: end.seq });
    const named = inside()[2]!;
    const destination = files.path();
    const inChain = await restoreBackup({
      target,
      backupId: chain[2]!.id,
      toSeq: named.seq,
      destination,
    });
    expect(inChain.backupId).toBe(chain[1]!.id);
    expect(dumpDatabase(destination)).toEqual(named.dump);
  });

  it('refuses a point before the full backup or after the newest backup', async () => {
    const seqs = `seqs ${chain[0]!.seqTo}..${chain[2]!.seqTo}`;
    const times = `times ${new Date(chain[0]!.createdAt).toISOString()}..${new Date(chain[2]!.createdAt).toISOString()}`;
    for (const [options, covered] of [
      [{ toSeq: chain[0]!.seqTo - 1 }, seqs],
      [{ toSeq: chain[2]!.seqTo + 1 }, seqs],
      [{ toTime: chain[0]!.createdAt - 1 }, times],
      [{ toTime: chain[2]!.createdAt + 60_000 }, times],
      [
        { backupId: chain[1]!.id, toSeq: chain[1]!.seqTo + 1 },
        `${chain[0]!.seqTo}..${chain[1]!.seqTo}`,
      ],
    ] as const) {
      await expect(
        restoreBackup({ target, ...options, destination: files.path() }),
      ).rejects.toMatchObject({
        code: 'RESTORE_POINT_OUT_OF_RANGE',
        message: expect.stringContaining(covered) as string,
      });
    }
    await expect(
      restoreBackup({ target, toSeq: 1, toTime: 1, destination: files.path() }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(
      restoreBackup({ target, toSeq: 1, at: { seq: 1 }, destination: files.path() }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('forks from the backup before the point: the next incremental builds on it and restores', async () => {
    const point = inside().find((p) => p.seq > chain[1]!.seqTo)!;
    const destination = files.path('fork.needle');
    await restoreBackup({ target, toSeq: point.seq, destination });
    const db = await Database.open(destination, { ttlSweepIntervalMs: 0 });
    await db.collection('docs').insert(doc(777));
    const next = await db.backups(target).create();
    const dump = dumpDatabase(destination);
    await db.close();
    expect(next).toMatchObject({ type: 'incremental', parentId: chain[1]!.id });
    expect(next.seqFrom).toBe(chain[1]!.seqTo);
    const again = files.path('fork-again.needle');
    await restoreBackup({ target, backupId: next.id, destination: again });
    expect(dumpDatabase(again)).toEqual(dump);
  });

  it('restores a point in place, keeping the replaced database', async () => {
    const point = inside()
      .filter((p) => p.seq < chain[1]!.seqTo)
      .at(-1)!;
    const live = files.path('in-place.needle');
    await restoreBackup({ target, backupId: chain[2]!.id, destination: live });
    const db = await Database.open(live, { ttlSweepIntervalMs: 0 });
    const report = await db.restoreFrom({ target, toSeq: point.seq });
    expect(report).toMatchObject({ seq: point.seq, pointInTime: true, backupId: chain[1]!.id });
    expect(report.previous).not.toBeNull();
    expect(dumpDatabase(live)).toEqual(point.dump);
    const reopened = await Database.open(live, { ttlSweepIntervalMs: 0 });
    expect(reopened.collection('docs').stats().count).toBe(
      point.dump.vectors.filter((v) => v.startsWith('["docs"')).length,
    );
    expect(reopened.collection('docs').get('doc-301')).toBeNull();
    await reopened.close();
  });

  it('refuses a corrupted incremental on the way to the point', async () => {
    const point = inside().find((p) => p.seq > chain[1]!.seqTo)!;
    const name = `${chain[1]!.id}/changes.nsf`;
    flipInObject(target.root, name);
    try {
      await expect(
        restoreBackup({ target, toSeq: point.seq, destination: files.path() }),
      ).rejects.toMatchObject({ code: 'BACKUP_CORRUPT', details: { backupId: chain[1]!.id } });
    } finally {
      flipInObject(target.root, name);
    }
  });
});

describe('files and backups without a value log', () => {
  it('opens a format-1 file, and restores an incremental spanning the upgrade only at its ends', async () => {
    const path = files.path();
    const target = files.target();
    let db = await Database.open(path, { ttlSweepIntervalMs: 0 });
    const docs = await db.createCollection('docs', { dimensions: 16, distance: 'cosine' });
    await docs.insertMany(Array.from({ length: 100 }, (_, i) => doc(i)));
    const full = await db.backups(target).create({ type: 'full' });
    await docs.insertMany(Array.from({ length: 10 }, (_, i) => doc(200 + i)));
    await db.close();
    // The file as a build before format 2 left it: no value log, format 1.
    const conn = openConnection(path, {
      readonly: false,
      cipherKey: undefined,
      busyTimeoutMs: 5000,
    });
    conn.exec(`DROP TABLE change_values;
      DELETE FROM meta WHERE key = 'change_values_from';
      UPDATE meta SET value = '1' WHERE key = 'format_version';
      DELETE FROM __drizzle_migrations WHERE rowid IN
        (SELECT rowid FROM __drizzle_migrations ORDER BY created_at DESC LIMIT 2);`);
    conn.close();
    const old = dumpDatabase(path);

    db = await Database.open(path, { ttlSweepIntervalMs: 0 });
    expect(dumpDatabase(path)).toEqual(old);
    const meta = openConnection(path, {
      readonly: true,
      cipherKey: undefined,
      busyTimeoutMs: 5000,
    });
    expect(meta.prepare(`SELECT key, value FROM meta ORDER BY key`).raw().all()).toEqual([
      ['change_values_from', String(seqOf(old))],
      ['format_version', '2'],
    ]);
    meta.close();
    await db.collection('docs').updateMetadata('doc-1', { after: 'upgrade' });
    const incremental = await db.backups(target).create({ type: 'incremental' });
    const end = dumpDatabase(path);
    await db.close();

    const destination = files.path();
    const whole = await restoreBackup({ target, toSeq: incremental.seqTo, destination });
    expect(whole.backupId).toBe(incremental.id);
    expect(dumpDatabase(destination)).toEqual(end);
    await expect(
      restoreBackup({ target, toSeq: full.seqTo + 3, destination: files.path() }),
    ).rejects.toMatchObject({
      code: 'RESTORE_POINT_UNAVAILABLE',
      details: { backupId: incremental.id, reason: 'no-values' },
    });
  });

  it('takes an incremental whose value log has a gap as one that restores only whole', async () => {
    const path = files.path();
    const target = files.target();
    const db = await Database.open(path, { ttlSweepIntervalMs: 0 });
    const docs = await db.createCollection('docs', { dimensions: 16, distance: 'cosine' });
    await docs.insertMany(Array.from({ length: 20 }, (_, i) => doc(i)));
    const full = await db.backups(target).create({ type: 'full' });
    await docs.insertMany(Array.from({ length: 5 }, (_, i) => doc(30 + i)));
    const conn = openConnection(path, {
      readonly: false,
      cipherKey: undefined,
      busyTimeoutMs: 5000,
    });
    conn.prepare('DELETE FROM change_values WHERE seq = ?').run(full.seqTo + 2);
    conn.close();
    const incremental = await db.backups(target).create();
    const end = dumpDatabase(path);
    await db.close();
    await expect(
      restoreBackup({ target, toSeq: full.seqTo + 3, destination: files.path() }),
    ).rejects.toMatchObject({
      code: 'RESTORE_POINT_UNAVAILABLE',
      details: { backupId: incremental.id, reason: 'no-values' },
    });
    const whole = files.path();
    await restoreBackup({ target, toSeq: incremental.seqTo, destination: whole });
    expect(dumpDatabase(whole)).toEqual(end);
  });

  it('refuses a point inside an incremental across which a collection was dropped', async () => {
    const path = files.path();
    const target = files.target();
    const db = await Database.open(path, { ttlSweepIntervalMs: 0 });
    const docs = await db.createCollection('docs', { dimensions: 16, distance: 'cosine' });
    await docs.insertMany(Array.from({ length: 20 }, (_, i) => doc(i)));
    const gone = await db.createCollection('gone', { dimensions: 8, distance: 'euclidean' });
    await gone.insert({ id: 'g', vector: otherVectors[0]! });
    const full = await db.backups(target).create({ type: 'full' });
    await docs.insert(doc(50));
    await db.dropCollection('gone');
    await docs.insert(doc(51));
    await db.backups(target).create();
    await db.close();
    await expect(
      restoreBackup({ target, toSeq: full.seqTo + 1, destination: files.path() }),
    ).rejects.toMatchObject({
      code: 'RESTORE_POINT_UNAVAILABLE',
      details: { reason: 'collection-dropped', collection: 'gone' },
    });
  });

  it('prunes the value log to what no incremental to come needs, or keeps it when asked', async () => {
    const path = files.path();
    const db = await Database.open(path, {
      ttlSweepIntervalMs: 0,
      wal: { checkpointIntervalMs: 0 },
    });
    const docs = await db.createCollection('docs', { dimensions: 16, distance: 'cosine' });
    await docs.insertMany(Array.from({ length: 30 }, (_, i) => doc(i)));
    const values = (): number[] => {
      const c = openConnection(path, { readonly: true, cipherKey: undefined, busyTimeoutMs: 5000 });
      try {
        return c.prepare<[], number>('SELECT seq FROM change_values ORDER BY seq').pluck().all();
      } finally {
        c.close();
      }
    };
    expect(values()).toHaveLength(30);
    const kept = files.target();
    await db.backups(kept, { keepChangeValues: true }).create();
    expect(values()).toHaveLength(30);
    await docs.insertMany(Array.from({ length: 5 }, (_, i) => doc(40 + i)));
    // A second target with its own chain: the lowest head holds the values back.
    const first = files.target();
    const a = await db.backups(first).create();
    expect(values()[0]).toBe(31);
    await docs.insertMany(Array.from({ length: 5 }, (_, i) => doc(60 + i)));
    const b = await db.backups(kept).create();
    expect(b.type).toBe('incremental');
    expect(values()).toEqual(Array.from({ length: 5 }, (_, i) => a.seqTo + 1 + i));
    await db.backups(first).create();
    expect(values()).toEqual([]);
    // With chains, a checkpoint leaves the values the next incrementals need.
    await docs.insertMany([doc(90), doc(91)]);
    await db.checkpoint();
    expect(values()).toHaveLength(2);
    await db.close();

    // Without any chain the next backup is a full one: a checkpoint drops every value.
    const lone = files.path();
    const other = await Database.open(lone, { ttlSweepIntervalMs: 0 });
    const c = await other.createCollection('docs', { dimensions: 16, distance: 'cosine' });
    await c.insertMany(Array.from({ length: 10 }, (_, i) => doc(i)));
    await other.checkpoint();
    const conn = openConnection(lone, {
      readonly: true,
      cipherKey: undefined,
      busyTimeoutMs: 5000,
    });
    expect(conn.prepare('SELECT count(*) FROM change_values').pluck().get()).toBe(0);
    expect(
      conn.prepare(`SELECT value FROM meta WHERE key = 'change_values_from'`).pluck().get(),
    ).toBe('10');
    conn.close();
    await other.close();
  });
});

function byCollectionKey(a: string, b: string): number {
  const [ca, ka] = JSON.parse(a) as [string, number];
  const [cb, kb] = JSON.parse(b) as [string, number];
  return ca < cb ? -1 : ca > cb ? 1 : ka - kb;
}
