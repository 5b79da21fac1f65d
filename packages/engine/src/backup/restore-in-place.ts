import { existsSync, linkSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

import { EngineError } from '../errors.js';
import { indexDir } from '../persistence/index-files.js';
import { exclusive, type BackupHost } from './backup-host.js';
import { backupKeys } from './backup-objects.js';
import {
  adoptRestoredState,
  prepareRestoredCopy,
  type RestoreReport,
  type RestoreSourceOptions,
} from './restore-backup.js';
import { defaultWorkBase, withWorkDir } from './work-dir.js';

/** Options of `Database.restoreFrom`. */
export interface RestoreInPlaceOptions extends Omit<RestoreSourceOptions, 'config'> {
  /**
   * Keep the replaced database (file and saved indexes) in `<file>.pre-restore-<time>/`
   * (default true): a restore that turns out to be the wrong one can be undone by hand.
   */
  keepPrevious?: boolean;
}

/** What an in-place restore did. */
export interface RestoreInPlaceReport extends RestoreReport {
  /** Where the replaced database was kept, or null. */
  previous: string | null;
}

/**
 * Replaces the database at `host.path` with a backup: builds the restored copy beside it,
 * re-encrypted under the database's current key, verifies it (checksums, integrity check,
 * counts, sample searches) and points its chain head at the backup restored; only then closes
 * the database and swaps the files, each step a rename, in an order where a crash at any point
 * leaves a complete database at the path (the old one or the new one; at worst without its
 * saved indexes, which are rebuilt on open). Until the swap the database stays open and
 * untouched; a failure before it changes nothing.
 */
export async function restoreInPlace(
  host: BackupHost,
  options: RestoreInPlaceOptions,
): Promise<RestoreInPlaceReport> {
  return exclusive(host, 'restore', () =>
    withWorkDir(options.workDir ?? defaultWorkBase(host.path), 'restore', run, {
      owned: options.workDir === undefined,
    }),
  );

  async function run(workDir: string): Promise<RestoreInPlaceReport> {
    const copyPath = join(workDir, basename(host.path));
    const keys = [...(options.keys ?? []), host.keyring];
    const report = await prepareRestoredCopy({
      options: { ...options, keys, config: host.openConfig },
      open: (path, config) => host.open(path, config),
      workDir,
      copyPath,
      fileKey: host.keyring?.current ?? null,
      afterVerify: (db, chain) =>
        adoptRestoredState(
          db,
          options.target,
          chain,
          backupKeys(keys, options.allowUnencrypted),
          workDir,
        ),
    });
    options.onProgress?.({ backupId: report.backupId, phase: 'swap', done: 0, total: null });
    await host.close();
    const previous = swapIn(host.path, copyPath, options.keepPrevious ?? true);
    await syncDirectory(dirname(host.path));
    options.onProgress?.({ backupId: report.backupId, phase: 'swap', done: 1, total: 1 });
    return { ...report, previous };
  }
}

/**
 * Moves the old database aside and the copy into place. Order matters: the old saved indexes
 * and WAL leave first (a WAL must never meet another database file), the old file is kept by
 * a hard link (so the path always holds a complete file), the copy replaces it in one rename,
 * then its indexes follow.
 */
function swapIn(path: string, copyPath: string, keepPrevious: boolean): string | null {
  const aside = `${path}.pre-restore-${new Date().toISOString().replace(/[-:.]/g, '')}`;
  mkdirSync(aside, { mode: 0o700 });
  const move = (from: string, to: string): void => {
    if (existsSync(from)) renameSync(from, to);
  };
  move(indexDir(path), join(aside, basename(indexDir(path))));
  move(`${path}-wal`, join(aside, `${basename(path)}-wal`));
  move(`${path}-shm`, join(aside, `${basename(path)}-shm`));
  if (existsSync(path)) {
    try {
      linkSync(path, join(aside, basename(path)));
    } catch {
      // No hard links here (some network file systems): move it, a moment without a file.
      renameSync(path, join(aside, basename(path)));
    }
  }
  try {
    renameSync(copyPath, path);
  } catch (err) {
    throw new EngineError(
      'STORAGE_ERROR',
      `the restored copy could not be moved into place: ${(err as Error).message}`,
      {
        help: `The previous database is in ${aside}; move it back, or restore with a work directory on the database's volume.`,
        details: { path, previous: aside },
        cause: err,
      },
    );
  }
  move(indexDir(copyPath), indexDir(path));
  if (!keepPrevious) {
    rmSync(aside, { recursive: true, force: true });
    return null;
  }
  return aside;
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // Not every platform can fsync a directory.
  } finally {
    await handle.close();
  }
}
