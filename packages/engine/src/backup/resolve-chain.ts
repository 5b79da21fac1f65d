import { isEngineError } from '../errors.js';
import { backupNotFound, chainBroken } from './backup-errors.js';
import { checkBackupId, type BackupManifest, type BackupSummary } from './backup-manifest.js';
import { listBackupIds, readManifest, readSummary, type BackupKeys } from './backup-objects.js';
import type { BackupTarget } from './backup-target.js';

/** Which backup to restore: one by id, or the newest (at or before a point) of a database. */
export interface BackupSelection {
  /** This backup. */
  backupId?: string;
  /**
   * Otherwise the newest backup at or before this point: `seq` — the newest whose `seqTo` is at
   * most `seq`; `time` — the newest taken at or before `time` (ms since the epoch). Without
   * either, the newest backup.
   */
  at?: { seq?: number; time?: number };
  /** Only backups of this database (when a target holds several databases' backups). */
  databaseId?: string;
}

/** The longest chain followed: a cycle in tampered manifests must not loop forever. */
const MAX_CHAIN = 100_000;

/** Every backup in the target, summarised from the manifests' plaintext headers (no key needed). */
export async function listSummaries(
  target: BackupTarget,
  workDir: string,
): Promise<BackupSummary[]> {
  const out: BackupSummary[] = [];
  for (const id of await listBackupIds(target)) {
    try {
      out.push(await readSummary(target, id, workDir));
    } catch (err) {
      // A damaged manifest is reported when that backup is restored or verified, not here.
      if (!isEngineError(err, 'BACKUP_CORRUPT') && !isEngineError(err, 'BACKUP_NOT_FOUND'))
        throw err;
    }
  }
  return out.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
}

/** Picks the backup a selection names; `BACKUP_NOT_FOUND` when none fits. */
export async function selectBackup(
  target: BackupTarget,
  selection: BackupSelection,
  workDir: string,
): Promise<string> {
  if (selection.backupId !== undefined) return checkBackupId(selection.backupId);
  const { seq, time } = selection.at ?? {};
  const candidates = (await listSummaries(target, workDir)).filter(
    (s) =>
      (selection.databaseId === undefined || s.databaseId === selection.databaseId) &&
      (seq === undefined || s.seqTo <= seq) &&
      (time === undefined || s.createdAt <= time),
  );
  const newest = candidates.at(-1);
  if (!newest) throw backupNotFound(null, target.description);
  return newest.id;
}

/**
 * The chain that restores `backupId`, full backup first, every manifest authenticated with
 * the keys. A missing link is `BACKUP_CHAIN_BROKEN` naming it; links that do not fit (another
 * database, a gap in the seq ranges) are too.
 */
export async function resolveChain(
  target: BackupTarget,
  backupId: string,
  keys: BackupKeys,
  workDir: string,
): Promise<BackupManifest[]> {
  const chain = [await readManifest(target, backupId, keys, workDir)];
  while (chain[0]!.type === 'incremental') {
    const child = chain[0]!;
    const parentId = child.parentId;
    if (parentId === null || chain.length >= MAX_CHAIN)
      throw chainBroken(backupId, null, `incremental backup ${child.id} names no parent`);
    let parent: BackupManifest;
    try {
      parent = await readManifest(target, parentId, keys, workDir);
    } catch (err) {
      if (isEngineError(err, 'BACKUP_NOT_FOUND'))
        throw chainBroken(
          backupId,
          parentId,
          `backup ${parentId}, which ${child.id} builds on, is missing from ${target.description}`,
        );
      throw err;
    }
    if (parent.databaseId !== child.databaseId || parent.seqTo !== child.seqFrom) {
      throw chainBroken(
        backupId,
        null,
        `backup ${child.id} (from seq ${child.seqFrom}) does not continue ${parent.id} (up to seq ${parent.seqTo})`,
      );
    }
    chain.unshift(parent);
  }
  return chain;
}
