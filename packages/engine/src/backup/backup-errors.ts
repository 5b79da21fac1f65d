import { EngineError, isEngineError } from '../errors.js';

/** Why a backup was refused, as `details.reason` of `BACKUP_CORRUPT`. */
export type BackupDamage =
  /** An object the manifest lists is not in the target. */
  | 'missing-object'
  /** An object's size differs from the manifest. */
  | 'size'
  /** An object's SHA-256 differs from the manifest. */
  | 'checksum'
  /** The manifest cannot be read or does not describe this backup. */
  | 'manifest'
  /** A sealed object fails its authentication or checksums (damaged, truncated, tampered). */
  | 'sealed-object'
  /** The payload inside a valid seal is not what the format says (or is cut short). */
  | 'payload'
  /** The restored copy does not match the manifest (counts, integrity check, searches). */
  | 'verification';

/** A `BACKUP_CORRUPT` error. */
export function backupCorrupt(
  backupId: string,
  reason: BackupDamage,
  message: string,
  extra: { object?: string; cause?: unknown; details?: Record<string, unknown> } = {},
): EngineError {
  return new EngineError('BACKUP_CORRUPT', `backup ${backupId} is unusable: ${message}`, {
    help: 'Nothing was restored. Restore from another backup (an older chain, or another copy of the target), and take a new full backup.',
    details: { backupId, reason, object: extra.object ?? null, ...extra.details },
    cause: extra.cause,
  });
}

/** A `BACKUP_NOT_FOUND` error; `backupId` null when the target holds no backup at all. */
export function backupNotFound(backupId: string | null, where: string): EngineError {
  return new EngineError(
    'BACKUP_NOT_FOUND',
    backupId === null ? `${where} holds no backup to restore` : `no backup ${backupId} in ${where}`,
    {
      help: 'List the backups of the target to see which exist.',
      details: { backupId },
    },
  );
}

/** A `BACKUP_CHAIN_BROKEN` error. */
export function chainBroken(backupId: string, missingId: string | null, why: string): EngineError {
  return new EngineError('BACKUP_CHAIN_BROKEN', `backup ${backupId} cannot be restored: ${why}`, {
    help:
      missingId === null
        ? 'Take a new full backup; restore from an older complete chain meanwhile.'
        : `Bring back backup ${missingId} (from another copy of the target), or restore from an older complete chain.`,
    details: { backupId, missingId },
  });
}

/** A `BACKUP_IN_USE` error. */
export function backupInUse(backupId: string, dependents: readonly string[]): EngineError {
  return new EngineError(
    'BACKUP_IN_USE',
    `backup ${backupId} cannot be deleted: ${dependents.length} later backup(s) build on it (${dependents.slice(0, 3).join(', ')}${dependents.length > 3 ? ', ...' : ''})`,
    {
      help: 'Delete the backups that build on it first, or let retention remove the whole chain once it expires.',
      details: { backupId, dependents: [...dependents] },
    },
  );
}

/**
 * Puts what went wrong while reading a backup object in the backup's terms: a damaged sealed
 * object becomes `BACKUP_CORRUPT`; `WRONG_KEY` keeps its code and says which backup needs the
 * key. Anything else is returned as it was.
 */
export function inBackupTerms(err: unknown, backupId: string, object: string): unknown {
  if (isEngineError(err, 'SEALED_FILE_CORRUPT')) {
    return backupCorrupt(
      backupId,
      object.endsWith('manifest.nsf') ? 'manifest' : 'sealed-object',
      `${object}: ${err.message}`,
      {
        object,
        cause: err,
        details: { sealedReason: err.details.reason },
      },
    );
  }
  if (isEngineError(err, 'WRONG_KEY')) {
    return new EngineError('WRONG_KEY', `backup ${backupId} (${object}): ${err.message}`, {
      help: `${err.help} Backup keys are given to the backup manager (\`key\`, \`keys\`) or to restoreBackup (\`keys\`).`,
      details: { ...err.details, backupId, object },
      cause: err,
    });
  }
  return err;
}

/** Why a restore cannot stop inside a backup, as `details.reason` of `RESTORE_POINT_UNAVAILABLE`. */
export type PointUnavailableReason =
  /** The incremental carries no value log (taken before format 2, or after values were pruned). */
  | 'no-values'
  /** A collection was dropped inside the backup's span: its history went with it. */
  | 'collection-dropped';

/** A `RESTORE_POINT_UNAVAILABLE` error: the point is inside `backupId`, which cannot stop there. */
export function pointUnavailable(
  backupId: string,
  reason: PointUnavailableReason,
  why: string,
  details: Record<string, unknown> = {},
): EngineError {
  return new EngineError(
    'RESTORE_POINT_UNAVAILABLE',
    `cannot restore to a point inside backup ${backupId}: ${why}`,
    {
      help: `Restore to the end of backup ${backupId} or of the backup it builds on (their seqs are in the backup list). Backups taken from now on carry every change's value.`,
      details: { backupId, reason, ...details },
    },
  );
}

/** A `RESTORE_POINT_OUT_OF_RANGE` error: no chain in the target covers the point asked for. */
export function pointOutOfRange(
  point: string,
  unit: 'seq' | 'time',
  ranges: readonly { backupId: string; from: number; to: number }[],
): EngineError {
  const show = (v: number): string => (unit === 'seq' ? String(v) : new Date(v).toISOString());
  const shown = ranges
    .slice(-5)
    .map((r) => `${show(r.from)}..${show(r.to)} (up to ${r.backupId})`)
    .join(', ');
  return new EngineError(
    'RESTORE_POINT_OUT_OF_RANGE',
    `no backup chain covers ${point}${ranges.length > 0 ? `; the chains cover ${unit === 'seq' ? 'seqs' : 'times'} ${shown}` : ': the target holds no backup of this database'}`,
    {
      help: 'Pick a point between a full backup and the last incremental built on it (after the full backup, at most the newest backup); changes after the newest backup are in no backup.',
      details: { point, ranges: ranges.slice(-20) },
    },
  );
}
