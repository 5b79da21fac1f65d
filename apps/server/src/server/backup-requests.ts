import { existsSync } from 'node:fs';
import { isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';

import { ApiError } from '@needle/api';
import type { BackupChoice } from '@needle/api';
import { EngineError, pickRestorePoint } from '@needle/engine';
import type { CatalogEntry, LocalDirectoryTarget } from '@needle/engine';

/** `BACKUP_NOT_FOUND`: no such backup (or, with `null`, none at all) in the target. */
export function backupNotFound(backupId: string | null, where: string): EngineError {
  return new EngineError(
    'BACKUP_NOT_FOUND',
    backupId === null
      ? `${where} holds no backup of this database`
      : `no backup ${backupId} in ${where}`,
    { help: 'List the backups (GET /v1/admin/backups) to see which exist.', details: { backupId } },
  );
}

/** Refuses a backup id whose manifest is not in the target (checked before a job starts). */
export function assertBackupExists(target: LocalDirectoryTarget, backupId: string): void {
  if (!existsSync(join(target.root, backupId, 'manifest.nsf')))
    throw backupNotFound(backupId, target.description);
}

/**
 * The backup a restore takes: by id, or the database's newest catalogued backup at or before
 * a seq or a time, or its newest. `BACKUP_NOT_FOUND` when none fits. With `to` (point-in-time
 * recovery) the catalogued backup whose chain reaches that point (inside the named backup's
 * chain when there is an id); `RESTORE_POINT_OUT_OF_RANGE` when none does.
 */
export function chooseBackup(
  target: LocalDirectoryTarget,
  catalog: readonly CatalogEntry[],
  choice: BackupChoice,
): string {
  if (choice.to !== undefined) {
    const chosen = pickRestorePoint(
      catalog.map((e) => e.manifest),
      {
        ...(choice.backupId === undefined ? {} : { backupId: choice.backupId }),
        ...(choice.to.seq === undefined ? {} : { toSeq: choice.to.seq }),
        ...(choice.to.time === undefined ? {} : { toTime: choice.to.time }),
      },
    );
    assertBackupExists(target, chosen.backupId);
    return chosen.backupId;
  }
  if (choice.backupId !== undefined) {
    assertBackupExists(target, choice.backupId);
    return choice.backupId;
  }
  const { seq, time } = choice.at ?? {};
  const chosen = catalog
    .map((e) => e.manifest)
    .filter(
      (m) => (seq === undefined || m.seqTo <= seq) && (time === undefined || m.createdAt <= time),
    )
    .at(-1);
  if (chosen) return chosen.id;
  if (choice.at === undefined) throw backupNotFound(null, target.description);
  throw new EngineError(
    'BACKUP_NOT_FOUND',
    `no backup of this database at or before ${seq === undefined ? new Date(time!).toISOString() : `seq ${seq}`}`,
    {
      help: 'List the backups (GET /v1/admin/backups) to see which exist.',
      details: { backupId: null },
    },
  );
}

/**
 * Where a restore to a new file requested over HTTP goes: a relative name under the restore
 * directory, never outside it and never over a file (or its WAL, indexes or salt).
 */
export function restoreDestination(restoreDir: string, name: string): string {
  const base = resolve(restoreDir);
  const path = resolve(base, normalize(name));
  const inside = relative(base, path);
  if (isAbsolute(name) || inside === '' || inside.split(sep).includes('..')) {
    throw new ApiError(
      400,
      'INVALID_INPUT',
      `body field "destination": ${JSON.stringify(name.slice(0, 100))} is not a file name inside the restore directory`,
      `Give a relative name such as "restored.needle"; restores to a new file go to ${base}.`,
      { details: { field: 'destination' } },
    );
  }
  for (const taken of [path, `${path}-wal`, `${path}-index`, `${path}-salt`]) {
    if (existsSync(taken)) {
      throw new ApiError(
        400,
        'INVALID_INPUT',
        `cannot restore into ${path}: ${taken} exists`,
        'A restore never writes over a file: choose a new name, or remove the old restore first.',
        { details: { field: 'destination' } },
      );
    }
  }
  return path;
}
