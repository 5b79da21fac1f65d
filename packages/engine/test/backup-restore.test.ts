import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

import { Database, restoreBackup } from '../src/index.js';
import type { BackupManifest, BackupProgress } from '../src/index.js';
import {
  doc,
  docsVectors,
  eventSchema,
  otherVectors,
  roleSchema,
  scratch,
  seeded,
} from './helpers/backup-fixtures.js';
import { dumpDatabase, type DatabaseDump } from './helpers/dump-database.js';

const files = scratch('needle-backup-');
afterAll(() => files.remove());

describe('backups and restores', () => {
  it('restores each point of a full → incremental → incremental chain byte for byte after the database is destroyed', async () => {
    const path = files.path();
    const target = files.target();
    const db = await seeded(path);
    // The audit log's chain head, as packages/security keeps it.
    const auditState = db.system.records(
      'audit-state',
      z.object({ headSeq: z.number(), headHash: z.string() }),
    );
    await auditState.put('chain', { headSeq: 1, headHash: 'ab'.repeat(32) });
    const backups = db.backups(target);
    const points: { manifest: BackupManifest; dump: DatabaseDump }[] = [];
    const phases = new Set<string>();
    const onProgress = (p: BackupProgress): void => void phases.add(p.phase);

    points.push({
      manifest: await backups.create({ type: 'full', onProgress }),
      dump: dumpDatabase(path),
    });

    // Everything a change can be: inserts, upserts, deletes, metadata, a new collection, a
    // dropped one re-created, a config change, system records and logs.
    const docs = db.collection('docs');
    await docs.insertMany(Array.from({ length: 300 }, (_, i) => doc(600 + i)));
    await docs.upsert(doc(5, { updated: true }));
    await docs.deleteMany(['doc-7', 'doc-8', 'doc-9']);
    await docs.updateMetadata('doc-10', { replaced: 'metadata' });
    await docs.insert({ ...doc(7), metadata: { reborn: true } });
    const third = await db.createCollection('third', { dimensions: 4, distance: 'dot' });
    await third.insertMany([
      { id: 't1', vector: [1, 2, 3, 4], metadata: { n: 1 } },
      { id: 't2', vector: [-1, 0.5, 0, 2], ttlSeconds: 3600 },
    ]);
    await db.system.records('roles', roleSchema).put('writer', { permissions: ['read', 'write'] });
    await db.system.log('events', eventSchema).append({ n: 3, what: 'more' });
    points.push({ manifest: await backups.create({ onProgress }), dump: dumpDatabase(path) });

    await db.dropCollection('other');
    const other = await db.createCollection('other', { dimensions: 8, distance: 'euclidean' });
    await other.insertMany(otherVectors.slice(200).map((vector, i) => ({ id: `o2-${i}`, vector })));
    await docs.deleteMany(Array.from({ length: 50 }, (_, i) => `doc-${100 + i}`));
    await docs.insertMany(Array.from({ length: 300 }, (_, i) => doc(900 + i)));
    await db.system.records('roles', roleSchema).delete('reader');
    await db.system.log('events', eventSchema).prune({ beforeSeq: 2 });
    await db.system.log('events', eventSchema).append({ n: 4, what: 'last' });
    points.push({
      manifest: await backups.create({ type: 'incremental', onProgress }),
      dump: dumpDatabase(path),
    });

    expect(points.map((p) => p.manifest.type)).toEqual(['full', 'incremental', 'incremental']);
    expect(points[1]!.manifest.parentId).toBe(points[0]!.manifest.id);
    expect(points[2]!.manifest.parentId).toBe(points[1]!.manifest.id);
    expect(points[1]!.manifest.seqFrom).toBe(points[0]!.manifest.seqTo);
    expect(points[2]!.manifest.seqFrom).toBe(points[1]!.manifest.seqTo);
    expect(points[2]!.manifest.collections.map((c) => [c.name, c.vectors, c.mode])).toEqual([
      ['docs', 1148, 'changes'],
      ['third', 2, 'changes'],
      ['other', 100, 'replace'],
    ]);
    // Changed keys: 300 inserted, the upsert's old and new key, 3 deleted, 1 re-inserted, 1 metadata.
    expect(points[1]!.manifest.collections.find((c) => c.name === 'docs')!.records).toBe(307);
    expect(phases).toEqual(
      new Set(['checkpoint', 'index', 'copy', 'seal', 'capture', 'upload', 'done']),
    );
    expect(backups.list().map((e) => e.manifest.id)).toEqual(points.map((p) => p.manifest.id));
    expect(points[0]!.manifest).toMatchObject({
      auditHead: { headSeq: 1, headHash: 'ab'.repeat(32) },
      keyId: null,
      pageKeyId: null,
      compression: 'gzip',
      databaseFormatVersion: 2,
    });
    expect(points[0]!.manifest.objects.map((o) => o.role).sort()).toEqual([
      'database',
      'index',
      'index',
    ]);
    for (const o of points[0]!.manifest.objects) expect(o.sha256).toMatch(/^[0-9a-f]{64}$/);

    // The disk is lost.
    await db.close();
    rmSync(join(path, '..'), { recursive: true, force: true });

    for (const [i, point] of points.entries()) {
      const destination = files.path(`restored-${i}.needle`);
      const report = await restoreBackup({ target, backupId: point.manifest.id, destination });
      expect(report.chain).toEqual(points.slice(0, i + 1).map((p) => p.manifest.id));
      expect(report.seq).toBe(point.manifest.seqTo);
      expect(report.searches.run).toBeGreaterThan(0);
      expect(report.searches.passed).toBe(report.searches.run);
      // Nothing but the restored database (and its saved indexes) is left beside it.
      expect(readdirSync(join(destination, '..')).sort()).toEqual([
        `restored-${i}.needle`,
        `restored-${i}.needle-index`,
      ]);
      expect(dumpDatabase(destination)).toEqual(point.dump);
      const restored = await Database.open(destination);
      const { hits } = await restored.collection('docs').search(docsVectors[42]!, 1);
      expect(hits[0]).toMatchObject({ id: 'doc-42' });
      await restored.close();
    }

    // Point in time, at backup granularity: the newest backup at or before a seq or a time.
    const bySeq = await restoreBackup({
      target,
      at: { seq: points[2]!.manifest.seqTo - 1 },
      destination: files.path(),
    });
    expect(bySeq.backupId).toBe(points[1]!.manifest.id);
    const byTime = await restoreBackup({
      target,
      at: { time: points[1]!.manifest.createdAt - 1 },
      destination: files.path(),
    });
    expect(byTime.backupId).toBe(points[0]!.manifest.id);
    const latest = await restoreBackup({ target, destination: files.path() });
    expect(latest.backupId).toBe(points[2]!.manifest.id);
    await expect(
      restoreBackup({
        target,
        at: { seq: points[0]!.manifest.seqTo - 1 },
        destination: files.path(),
      }),
    ).rejects.toMatchObject({ code: 'BACKUP_NOT_FOUND' });
  });

  it('refuses an in-memory database, and a second backup while one runs', async () => {
    const memory = await Database.open(':memory:');
    expect(() => memory.backups(files.target())).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }) as Error,
    );
    await memory.close();
    const db = await seeded(files.path());
    const target = files.target();
    const first = db.backups(target).create();
    await expect(db.backups(target).create()).rejects.toMatchObject({
      code: 'OPERATION_IN_PROGRESS',
    });
    expect((await first).type).toBe('full');
    await db.close();
  });
});
