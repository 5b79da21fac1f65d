import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { createResolvedKey } from '../src/crypto/resolved-key.js';
import { Database, listBackups, resolveKey, restoreBackup } from '../src/index.js';
import type { BackupManifest, BackupProgress, DatabaseConfig } from '../src/index.js';
import { flipInObject } from './helpers/backup-damage.js';
import { doc, eventSchema, scratch, seeded } from './helpers/backup-fixtures.js';
import { dumpDatabase, type DatabaseDump } from './helpers/dump-database.js';

const files = scratch('needle-backup-keys-');
afterAll(() => files.remove());

const k1 = createResolvedKey(randomBytes(32));
const k2 = createResolvedKey(randomBytes(32));
const keyed = (key: typeof k1): DatabaseConfig => ({
  encryption: { keySource: { type: 'raw', key: Uint8Array.from(key.key) } },
  ttlSweepIntervalMs: 0,
});

describe('backups of an encrypted database across a key rotation', () => {
  it('restores to a new file and in place after the database key was rotated, and the chain goes on from the point restored', async () => {
    const path = files.path();
    const target = files.target();
    const db = await seeded(path, keyed(k1));
    const backups = db.backups(target);
    const full = await backups.create({ type: 'full' });
    const fullDump = dumpDatabase(path, k1.key);
    // The database key seals the backup, and the copied pages stay under it: not compressed.
    expect(full).toMatchObject({ keyId: k1.keyId, pageKeyId: k1.keyId, compression: 'none' });

    await db.rotateKey({ keySource: { type: 'raw', key: Uint8Array.from(k2.key) } });
    await db.collection('docs').insertMany([doc(800), doc(801), doc(802)]);
    await db.collection('docs').delete('doc-3');
    await db.system.log('events', eventSchema).append({ n: 2, what: 'after rotation' });
    const incremental = await backups.create();
    const incrementalDump = dumpDatabase(path, k2.key);
    expect(incremental).toMatchObject({
      type: 'incremental',
      parentId: full.id,
      keyId: k2.keyId,
      pageKeyId: null,
      compression: 'gzip',
    });

    // A drill: restores the chain into scratch space and measures it.
    const drill = await backups.verify();
    expect(drill).toMatchObject({
      ok: true,
      backupId: incremental.id,
      chain: [full.id, incremental.id],
    });
    expect(drill.ok && drill.restoreMs).toBeGreaterThan(0);
    expect(backups.list().at(-1)!.lastVerification).toMatchObject({ ok: true, code: null });

    // Disaster recovery in another process: it needs both keys, and re-keys the copy to k2.
    const elsewhere = files.path('elsewhere.needle');
    await expect(
      restoreBackup({ target, backupId: incremental.id, destination: elsewhere, keys: [k2] }),
    ).rejects.toMatchObject({ code: 'WRONG_KEY', details: { neededKeyId: k1.keyId } });
    const report = await restoreBackup({
      target,
      backupId: incremental.id,
      destination: elsewhere,
      keys: [k1, k2],
      encryption: k2,
    });
    expect(report.keyId).toBe(k2.keyId);
    expect(dumpDatabase(elsewhere, k2.key)).toEqual(incrementalDump);
    const reopened = await Database.open(elsewhere, keyed(k2));
    expect(reopened.openReport.collections.map((c) => c.index)).toEqual(['loaded', 'loaded']);
    expect(reopened.collection('docs').get('doc-801')).not.toBeNull();
    await reopened.close();

    // In place, back to the full backup: this process still knows k1 from the rotation.
    const phases: string[] = [];
    const restored = await db.restoreFrom({
      target,
      backupId: full.id,
      onProgress: (p: BackupProgress) => phases.push(p.phase),
    });
    expect(restored.keyId).toBe(k2.keyId);
    expect(phases.at(-1)).toBe('swap');
    expect(() => db.collection('docs')).toThrow(
      expect.objectContaining({ code: 'CLOSED' }) as Error,
    );
    expect(readdirSync(restored.previous!).sort()).toEqual(['app.needle', 'app.needle-index']);
    expect(existsSync(`${path}-backup-work`)).toBe(false);
    expect(dumpDatabase(path, k2.key)).toEqual(fullDump);

    // The restored database builds its next backup on the full one it came from.
    const again = await Database.open(path, keyed(k2));
    expect(again.collection('docs').get('doc-801')).toBeNull();
    expect(again.collection('docs').get('doc-3')).not.toBeNull();
    await again.collection('docs').insert(doc(900));
    const branch = await again.backups(target, { keys: [k1] }).create();
    expect(branch).toMatchObject({ type: 'incremental', parentId: full.id, seqFrom: full.seqTo });
    const branchDump = dumpDatabase(path, k2.key);
    await again.close();
    const third = files.path('branch.needle');
    await restoreBackup({
      target,
      backupId: branch.id,
      destination: third,
      keys: [k1, k2],
      encryption: k2,
    });
    expect(dumpDatabase(third, k2.key)).toEqual(branchDump);
  });

  it('keeps a passphrase-keyed database restorable from the target alone: its salt is in the manifest', async () => {
    process.env.NEEDLE_BACKUP_TEST_PASSPHRASE = 'correct horse battery staple';
    const encryption = {
      keySource: { type: 'env', name: 'NEEDLE_BACKUP_TEST_PASSPHRASE' },
      kdf: 'scrypt',
    } as const;
    try {
      const path = files.path();
      const target = files.target();
      const db = await seeded(path, { encryption, ttlSweepIntervalMs: 0 });
      await db.backups(target).create();
      await db.close();
      rmSync(join(path, '..'), { recursive: true, force: true });

      const [summary] = await listBackups(target);
      expect(summary!.kdfSalt).toMatch(/^[0-9a-f]{32}$/);
      const key = await resolveKey(encryption, Buffer.from(summary!.kdfSalt!, 'hex'));
      const destination = files.path();
      await restoreBackup({ target, destination, keys: [key] });
      const reopened = await Database.open(destination, { encryption });
      expect(reopened.collection('docs').size).toBe(600);
      await reopened.close();
    } finally {
      delete process.env.NEEDLE_BACKUP_TEST_PASSPHRASE;
    }
  });

  it('keeps the live database untouched when the restored copy fails verification', async () => {
    const path = files.path();
    const target = files.target();
    const db = await seeded(path, keyed(k1));
    const full: BackupManifest = await db.backups(target).create({ type: 'full' });
    await db.collection('docs').insert(doc(950));
    const live: DatabaseDump = dumpDatabase(path, k1.key);
    flipInObject(target.root, `${full.id}/database.nsf`);
    // A drill reports it as a result, and the catalog remembers.
    const drill = await db.backups(target).verify(full.id);
    expect(drill).toMatchObject({ ok: false, code: 'BACKUP_CORRUPT', backupId: full.id });
    expect(db.backups(target).list()[0]!.lastVerification).toMatchObject({
      ok: false,
      code: 'BACKUP_CORRUPT',
    });
    await expect(db.restoreFrom({ target, backupId: full.id })).rejects.toMatchObject({
      code: 'BACKUP_CORRUPT',
    });
    // Still open, still the same.
    expect(db.collection('docs').get('doc-950')).not.toBeNull();
    expect(dumpDatabase(path, k1.key)).toEqual(live);
    expect(existsSync(`${path}-backup-work`)).toBe(false);
    expect(readdirSync(join(path, '..')).filter((f) => f.includes('pre-restore'))).toEqual([]);
    await db.close();
  });
});
