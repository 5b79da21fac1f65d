import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { Database, listBackups, restoreBackup } from '../src/index.js';
import { doc, docsVectors, scratch, seeded } from './helpers/backup-fixtures.js';
import { dumpDatabase } from './helpers/dump-database.js';

const files = scratch('needle-backup-retention-');
afterAll(() => files.remove());

describe('retention', () => {
  it('deletes whole chains it no longer needs, never a link of a kept one, and keeps the catalog in step', async () => {
    const path = files.path();
    const target = files.target();
    const db = await seeded(path);
    const backups = db.backups(target);
    const docs = db.collection('docs');
    const ids: string[] = [];
    for (const [i, type] of (
      ['full', 'incremental', 'incremental', 'full', 'incremental'] as const
    ).entries()) {
      await docs.insert(doc(700 + i));
      ids.push((await backups.create({ type })).id);
    }
    const [f1, i1, i2, f2, i3] = ids as [string, string, string, string, string];

    // One backup: the newest is an incremental, so its full backup stays too.
    const one = await backups.applyRetention({ maxCount: 1 }, { dryRun: true });
    expect(one.keep.map((k) => k.id)).toEqual([i3, f2]);
    expect(one.remove).toEqual([i2, i1, f1]);
    expect(one.freedBytes).toBeGreaterThan(0);
    expect(readdirSync(target.root).sort()).toEqual([...ids].sort());

    await expect(backups.delete(f2)).rejects.toMatchObject({
      code: 'BACKUP_IN_USE',
      details: { dependents: [i3] },
    });

    // The leftovers of a backup that never completed (no manifest), from long ago.
    const orphan = '20200101T000000000Z-f-0badf00d';
    await target.put(
      `${orphan}/database.nsf`,
      (async function* () {
        yield Buffer.from('half an upload');
      })(),
    );
    const done = await backups.applyRetention({ maxCount: 1 });
    expect(done.remove).toEqual([i2, i1, f1]);
    expect(done.orphans).toEqual([orphan]);
    expect(readdirSync(target.root).sort()).toEqual([f2, i3].sort());
    expect(backups.list().map((e) => e.manifest.id)).toEqual([f2, i3]);
    expect((await listBackups(target)).map((b) => b.id)).toEqual([f2, i3]);

    const restored = files.path('restored.needle');
    await restoreBackup({ target, destination: restored });
    expect(dumpDatabase(restored).vectors).toEqual(dumpDatabase(path).vectors);

    // Deleting the newest is allowed; the next backup then starts a new chain. Scratch space a
    // crash left behind goes with the next job.
    await backups.delete(i3);
    expect(existsSync(join(target.root, i3))).toBe(false);
    mkdirSync(join(`${path}-backup-work`, 'backup-0123456789ab'), { recursive: true });
    expect((await backups.create()).type).toBe('full');
    expect(existsSync(`${path}-backup-work`)).toBe(false);
    await db.close();
  });

  it('an incremental backup needs a chain to build on; auto starts one', async () => {
    const db = await seeded(files.path());
    const target = files.target();
    await expect(db.backups(target).create({ type: 'incremental' })).rejects.toMatchObject({
      code: 'BACKUP_CHAIN_BROKEN',
    });
    const first = await db.backups(target).create();
    const second = await db.backups(target).create();
    expect([first.type, second.type]).toEqual(['full', 'incremental']);
    // Chains are per target: another target starts its own.
    expect((await db.backups(files.target()).create()).type).toBe('full');
    // A chain at its length limit starts over.
    expect((await db.backups(target).create({ maxChainLength: 2 })).type).toBe('full');
    await db.close();
  });
});

describe('backups while writes go on', () => {
  it('captures a consistent point: every commit wholly in or wholly out, and in commit order', async () => {
    const path = files.path();
    const target = files.target();
    const db = await seeded(path);
    const docs = db.collection('docs');
    let stop = false;
    let batches = 0;
    const writer = (async () => {
      while (!stop) {
        const k = batches;
        await docs.insertMany(
          Array.from({ length: 10 }, (_, i) => ({
            id: `w-${k}-${i}`,
            vector: docsVectors[(k * 10 + i) % 1200]!,
          })),
        );
        batches += 1;
      }
    })();
    const backups = db.backups(target);
    const points = [
      await backups.create({ type: 'full' }),
      await backups.create(),
      await backups.create(),
    ];
    stop = true;
    await writer;
    await db.close();
    expect(batches).toBeGreaterThan(0);

    for (const point of points) {
      const destination = files.path('consistent.needle');
      await restoreBackup({ target, backupId: point.id, destination });
      const restored = await Database.open(destination);
      const ids = dumpDatabase(destination)
        .vectors.map((row) => JSON.parse(row) as [string, number, string])
        .filter(([collection, , id]) => collection === 'docs' && id.startsWith('w-'))
        .map(([, , id]) => id);
      const perBatch = new Map<number, number>();
      for (const id of ids) {
        const k = Number(id.split('-')[1]);
        perBatch.set(k, (perBatch.get(k) ?? 0) + 1);
      }
      const present = [...perBatch.keys()].sort((a, b) => a - b);
      expect(present).toEqual(present.map((_, i) => i));
      expect([...perBatch.values()].every((count) => count === 10)).toBe(true);
      expect(restored.collection('docs').size).toBe(600 + 10 * present.length);
      await restored.close();
    }
  });
});
