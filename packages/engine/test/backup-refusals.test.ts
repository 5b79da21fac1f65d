import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  openSync,
  readSync,
  renameSync,
  statSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createResolvedKey } from '../src/crypto/resolved-key.js';
import { Database, restoreBackup } from '../src/index.js';
import type { BackupManifest, LocalDirectoryTarget } from '../src/index.js';
import { flipByte } from './helpers/backup-damage.js';
import { doc, scratch, seeded } from './helpers/backup-fixtures.js';
import { dumpDatabase } from './helpers/dump-database.js';

const files = scratch('needle-backup-refusals-');
afterAll(() => files.remove());

const key = createResolvedKey(randomBytes(32));
const otherKey = createResolvedKey(randomBytes(32));

describe('a backup that cannot be trusted is refused, and nothing is restored', () => {
  let target: LocalDirectoryTarget;
  let chain: BackupManifest[];
  const objectPath = (m: BackupManifest, file: string): string => join(target.root, m.id, file);

  beforeAll(async () => {
    target = files.target();
    const path = files.path();
    const db = await seeded(path);
    const backups = db.backups(target);
    chain = [await backups.create({ type: 'full' })];
    await db.collection('docs').insertMany([doc(700), doc(701)]);
    chain.push(await backups.create());
    await db.close();
  });

  /** A restore of `backupId` into a fresh path; the path must still not exist afterwards. */
  async function refused(
    backupId: string,
    options: Partial<Parameters<typeof restoreBackup>[0]> = {},
  ) {
    const destination = files.path('refused.needle');
    const outcome = restoreBackup({ target, backupId, destination, ...options });
    await outcome.catch(() => undefined);
    expect(existsSync(destination)).toBe(false);
    expect(existsSync(`${destination}-restore-work`)).toBe(false);
    return outcome;
  }

  it('refuses a flipped byte in the database copy (BACKUP_CORRUPT, checksum)', async () => {
    const file = objectPath(chain[0]!, 'database.nsf');
    flipByte(file, 5000);
    try {
      await expect(refused(chain[1]!.id)).rejects.toMatchObject({
        code: 'BACKUP_CORRUPT',
        details: {
          reason: 'checksum',
          backupId: chain[0]!.id,
          object: `${chain[0]!.id}/database.nsf`,
        },
      });
    } finally {
      flipByte(file, 5000);
    }
  });

  it('refuses a truncated incremental (BACKUP_CORRUPT, size)', async () => {
    const file = objectPath(chain[1]!, 'changes.nsf');
    const size = statSync(file).size;
    const original = Buffer.alloc(size);
    const fd = openSync(file, 'r');
    readSync(fd, original, 0, size, 0);
    closeSync(fd);
    truncateSync(file, size - 100);
    try {
      await expect(refused(chain[1]!.id)).rejects.toMatchObject({
        code: 'BACKUP_CORRUPT',
        details: { reason: 'size', backupId: chain[1]!.id },
      });
    } finally {
      const out = openSync(file, 'w');
      writeSync(out, original);
      closeSync(out);
    }
  });

  it('refuses a damaged manifest (BACKUP_CORRUPT, manifest)', async () => {
    const file = objectPath(chain[1]!, 'manifest.nsf');
    flipByte(file, -3);
    try {
      await expect(refused(chain[1]!.id)).rejects.toMatchObject({
        code: 'BACKUP_CORRUPT',
        details: { reason: 'manifest', backupId: chain[1]!.id },
      });
    } finally {
      flipByte(file, -3);
    }
  });

  it('refuses an incremental whose full backup is gone (BACKUP_CHAIN_BROKEN naming it)', async () => {
    const dir = join(target.root, chain[0]!.id);
    renameSync(dir, `${dir}-away`);
    try {
      await expect(refused(chain[1]!.id)).rejects.toMatchObject({
        code: 'BACKUP_CHAIN_BROKEN',
        details: { backupId: chain[1]!.id, missingId: chain[0]!.id },
      });
    } finally {
      renameSync(`${dir}-away`, dir);
    }
  });

  it('restores the intact chain once the damage is undone', async () => {
    const destination = files.path('intact.needle');
    const report = await restoreBackup({ target, backupId: chain[1]!.id, destination });
    expect(report.collections.find((c) => c.name === 'docs')!.vectors).toBe(602);
    expect(dumpDatabase(destination).vectors.length).toBe(802);
  });

  it('refuses an unknown backup id (BACKUP_NOT_FOUND) and a malformed one (INVALID_INPUT)', async () => {
    await expect(refused('20200101T000000000Z-f-00000000')).rejects.toMatchObject({
      code: 'BACKUP_NOT_FOUND',
    });
    await expect(refused('../../etc/passwd')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('keys', () => {
  it('refuses a wrong key or no key (WRONG_KEY naming the key id needed)', async () => {
    const target = files.target();
    const db = await seeded(files.path());
    const full = await db.backups(target, { key }).create({ type: 'full' });
    await db.close();
    expect(full.keyId).toBe(key.keyId);
    const destination = files.path('wrong.needle');
    await expect(
      restoreBackup({ target, backupId: full.id, destination, keys: [otherKey] }),
    ).rejects.toMatchObject({
      code: 'WRONG_KEY',
      details: { neededKeyId: key.keyId, backupId: full.id },
    });
    await expect(restoreBackup({ target, backupId: full.id, destination })).rejects.toMatchObject({
      code: 'WRONG_KEY',
    });
    expect(existsSync(destination)).toBe(false);
    const report = await restoreBackup({ target, backupId: full.id, destination, keys: [key] });
    expect(report.collections.map((c) => c.vectors)).toEqual([600, 200]);
  });

  it('refuses a plaintext backup when keys are given, unless allowed', async () => {
    const target = files.target();
    const db = await seeded(files.path());
    const full = await db.backups(target).create({ type: 'full' });
    await db.close();
    expect(full.keyId).toBeNull();
    await expect(
      restoreBackup({ target, backupId: full.id, destination: files.path(), keys: [key] }),
    ).rejects.toMatchObject({ code: 'WRONG_KEY' });
    const report = await restoreBackup({
      target,
      backupId: full.id,
      destination: files.path(),
      keys: [key],
      allowUnencrypted: true,
    });
    expect(report.keyId).toBeNull();
    // An unencrypted backup can become an encrypted database.
    const encrypted = files.path();
    const sealed = await restoreBackup({
      target,
      backupId: full.id,
      destination: encrypted,
      encryption: key,
    });
    expect(sealed.keyId).toBe(key.keyId);
    const reopened = await Database.open(encrypted, {
      encryption: { keySource: { type: 'raw', key: Uint8Array.from(key.key) } },
    });
    expect(reopened.collection('docs').size).toBe(600);
    await reopened.close();
    await expect(Database.open(encrypted)).rejects.toMatchObject({ code: 'WRONG_KEY' });
  });

  it('a restore never writes over an existing file', async () => {
    const target = files.target();
    const path = files.path();
    const db = await seeded(path);
    const full = await db.backups(target).create({ type: 'full' });
    await expect(
      restoreBackup({ target, backupId: full.id, destination: path }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(db.collection('docs').size).toBe(600);
    await db.close();
    await Database.open(path).then((again) => again.close());
  });
});
