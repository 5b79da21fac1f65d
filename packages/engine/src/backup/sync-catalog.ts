import { isEngineError } from '../errors.js';
import type { BackupCatalog } from './backup-catalog.js';
import { listBackupIds, readManifest, readSummary, type BackupKeys } from './backup-objects.js';
import type { BackupTarget } from './backup-target.js';

/** What a catalog sync changed. */
export interface CatalogSyncReport {
  /** Backups found in the target and added to the catalog. */
  added: string[];
  /** Catalog entries whose backup is no longer in the target. */
  removed: string[];
  /** Backups of this database in the target whose manifest could not be read (damaged, or a key is missing). */
  unreadable: { backupId: string; code: string }[];
}

/**
 * Makes the catalog list exactly the backups of database `databaseId` that `target` holds:
 * adds those it lacks (after a restore, or when another process made them), drops those the
 * target no longer has.
 */
export async function syncCatalog(
  catalog: BackupCatalog,
  target: BackupTarget,
  keys: BackupKeys,
  workDir: string,
  databaseId: string,
): Promise<CatalogSyncReport> {
  const report: CatalogSyncReport = { added: [], removed: [], unreadable: [] };
  const ids = new Set(await listBackupIds(target));
  for (const id of ids) {
    if (catalog.get(id)) continue;
    try {
      const summary = await readSummary(target, id, workDir);
      if (summary.databaseId !== databaseId) continue;
      const manifest = await readManifest(target, id, keys, workDir);
      await catalog.put({ manifest, target: target.description, lastVerification: null });
      report.added.push(id);
    } catch (err) {
      if (!isEngineError(err)) throw err;
      if (err.code === 'CLOSED' || err.code === 'STORAGE_ERROR' || err.code === 'DISK_FULL')
        throw err;
      report.unreadable.push({ backupId: id, code: err.code });
    }
  }
  for (const entry of catalog.entries(target.description)) {
    if (ids.has(entry.manifest.id)) continue;
    await catalog.delete(entry.manifest.id);
    report.removed.push(entry.manifest.id);
  }
  return report;
}
