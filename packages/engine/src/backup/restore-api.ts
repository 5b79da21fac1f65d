import { mkdirSync, renameSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

import type { ResolvedKey } from '../crypto/resolved-key.js';
import { Database } from '../database.js';
import { isEngineError } from '../errors.js';
import { indexDir } from '../persistence/index-files.js';
import { saltPath } from '../persistence/key-salt.js';
import type { BackupVerification } from './backup-manager.js';
import { backupKeys } from './backup-objects.js';
import {
  adoptRestoredState,
  checkFreshDestination,
  prepareRestoredCopy,
  type RestoreReport,
  type RestoreSourceOptions,
} from './restore-backup.js';
import { withWorkDir } from './work-dir.js';

/** Options of {@link restoreBackup}. */
export interface RestoreBackupOptions extends RestoreSourceOptions {
  /** The `.needle` file to create; it must not exist. */
  destination: string;
  /**
   * The restored database's key. Default: the key its pages were backed up under (with its
   * passphrase salt beside it, so the old configuration opens it).
   */
  encryption?: ResolvedKey;
}

/**
 * Restores a backup (by id, the newest, or the newest at or before a seq or time) with its
 * chain into a new database file, for disaster recovery (the database is gone) or to look at
 * an older state. The copy is built and verified in scratch space beside `destination` and
 * renamed into place only once it checked out; the restored database's next incremental
 * backup builds on the backup restored.
 *
 * @example
 * ```ts
 * const report = await restoreBackup({
 *   target: new LocalDirectoryTarget('/var/backups/needle'),
 *   destination: '/data/restored.needle',
 *   keys: [backupKey, oldDatabaseKey],
 *   onProgress: (p) => console.log(p.phase, p.done, p.total),
 * });
 * ```
 */
export async function restoreBackup(
  options: RestoreBackupOptions,
): Promise<RestoreReport & { path: string }> {
  const destination = resolve(options.destination);
  checkFreshDestination(destination);
  mkdirSync(dirname(destination), { recursive: true });
  return withWorkDir(
    options.workDir ?? `${destination}-restore-work`,
    'restore',
    async (workDir) => {
      const copyPath = join(workDir, basename(destination));
      const report = await prepareRestoredCopy({
        options,
        open: (path, config) => Database.open(path, config),
        workDir,
        copyPath,
        fileKey: options.encryption,
        afterVerify: (db, chain) =>
          adoptRestoredState(
            db,
            options.target,
            chain,
            backupKeys(options.keys ?? [], options.allowUnencrypted),
            workDir,
          ),
      });
      checkFreshDestination(destination);
      renameSync(copyPath, destination);
      try {
        renameSync(indexDir(copyPath), indexDir(destination));
      } catch {
        // No saved index came with it: opening rebuilds the indexes.
      }
      try {
        renameSync(saltPath(copyPath), saltPath(destination));
      } catch {
        // Not a passphrase-keyed backup.
      }
      return { ...report, path: destination };
    },
  );
}

/**
 * Verifies a backup without any database open: restores it with its chain into scratch space,
 * checks everything a restore checks (sizes, SHA-256, seals, integrity, counts, sample
 * searches) and measures the time, then removes the copy. For scheduled restore drills on a
 * machine that holds only the target.
 */
export async function verifyBackup(
  options: RestoreSourceOptions & { workDir: string },
): Promise<BackupVerification> {
  const started = performance.now();
  try {
    const report = await withWorkDir(options.workDir, 'verify', (workDir) =>
      prepareRestoredCopy({
        options,
        open: (path, config) => Database.open(path, config),
        workDir,
        copyPath: join(workDir, 'verify.needle'),
        fileKey: undefined,
      }),
    );
    return { ok: true, ...report };
  } catch (err) {
    if (!isEngineError(err) || ['DISK_FULL', 'INVALID_INPUT'].includes(err.code)) throw err;
    return {
      ok: false,
      backupId: options.backupId ?? '(newest)',
      code: err.code,
      message: err.message,
      restoreMs: performance.now() - started,
    };
  }
}
