import { EngineError } from '../errors.js';
import type { StopPoint } from './apply-incremental.js';
import { pointOutOfRange } from './backup-errors.js';
import { checkBackupId, type BackupSummary } from './backup-manifest.js';
import type { BackupTarget } from './backup-target.js';
import { listSummaries } from './resolve-chain.js';

/**
 * A point-in-time restore's target (docs/adr/0022): the state exactly after the change with
 * seq `toSeq`, or after the last change committed at or before `toTime` (ms since the epoch),
 * anywhere from a full backup to the newest incremental built on it.
 */
export interface RestorePointSelection {
  toSeq?: number;
  toTime?: number;
}

/** The backup to restore and, when the point lies inside it, where to stop applying it. */
export interface ChosenPoint {
  backupId: string;
  stop: StopPoint | null;
}

/** What {@link pickRestorePoint} needs to know of each backup (a summary or a manifest). */
export type PointCandidate = Pick<
  BackupSummary,
  'id' | 'type' | 'parentId' | 'databaseId' | 'seqTo' | 'createdAt'
>;

/**
 * Finds the backup whose chain reaches a point, in `backups`: with `backupId`, inside that
 * backup's chain; otherwise, a backup that ends exactly there or else the newest incremental
 * whose span holds it. `RESTORE_POINT_OUT_OF_RANGE` when none does; `INVALID_INPUT` unless
 * exactly one of `toSeq` and `toTime` is a non-negative integer.
 */
export function pickRestorePoint(
  backups: readonly PointCandidate[],
  selection: RestorePointSelection & { backupId?: string; databaseId?: string },
): ChosenPoint {
  const { toSeq, toTime } = selection;
  if ((toSeq === undefined) === (toTime === undefined)) {
    throw new EngineError('INVALID_INPUT', 'give exactly one of toSeq and toTime', {
      help: 'A point-in-time restore stops at a change-log seq or at a time, not both.',
    });
  }
  for (const value of [toSeq, toTime]) {
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
      throw new EngineError('INVALID_INPUT', `invalid restore point ${String(value)}`, {
        help: 'toSeq is a change-log seq and toTime ms since the epoch: non-negative integers.',
      });
    }
  }
  const all = [...backups]
    .filter((s) => selection.databaseId === undefined || s.databaseId === selection.databaseId)
    .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  const byId = new Map(all.map((s) => [s.id, s]));
  // What a backup's chain reaches: from its full backup's end to its own end, by seq and time.
  const reach = (s: PointCandidate): { full: PointCandidate; chain: PointCandidate[] } => {
    const chain = [s];
    let at = s;
    while (at.type === 'incremental' && at.parentId !== null && byId.has(at.parentId)) {
      at = byId.get(at.parentId)!;
      chain.unshift(at);
    }
    return { full: chain[0]!, chain };
  };
  const point = toSeq !== undefined ? `seq ${toSeq}` : `time ${new Date(toTime!).toISOString()}`;
  const end = (s: PointCandidate): number => (toSeq !== undefined ? s.seqTo : s.createdAt);
  const wanted = toSeq ?? toTime!;
  const unit = toSeq !== undefined ? 'seq' : 'time';
  const stopAt = (): StopPoint => (toSeq !== undefined ? { seq: toSeq } : { time: toTime! });

  if (selection.backupId !== undefined) {
    const id = checkBackupId(selection.backupId);
    const tip = byId.get(id);
    if (tip) {
      const { full, chain } = reach(tip);
      if (end(full) <= wanted && wanted <= end(tip)) {
        const member = chain.find((s) => end(s) >= wanted)!;
        return { backupId: member.id, stop: end(member) === wanted ? null : stopAt() };
      }
      throw pointOutOfRange(point, unit, [{ backupId: id, from: end(full), to: end(tip) }]);
    }
    // Not listed (a damaged manifest, or not there): restoring it says which.
    return { backupId: id, stop: stopAt() };
  }

  const exact = all.filter((s) => end(s) === wanted).at(-1);
  if (exact) return { backupId: exact.id, stop: null };
  const inside = all
    .filter((s) => {
      if (s.type !== 'incremental' || s.parentId === null) return false;
      const parent = byId.get(s.parentId);
      return parent !== undefined && end(parent) < wanted && wanted < end(s);
    })
    .at(-1);
  if (inside) return { backupId: inside.id, stop: stopAt() };
  throw pointOutOfRange(
    point,
    unit,
    all
      .filter((s) => !all.some((o) => o.parentId === s.id))
      .map((s) => ({ backupId: s.id, from: end(reach(s).full), to: end(s) })),
  );
}

/** {@link pickRestorePoint} among the backups a target holds (read from their plaintext headers). */
export async function selectRestorePoint(
  target: BackupTarget,
  selection: RestorePointSelection & { backupId?: string; databaseId?: string },
  workDir: string,
): Promise<ChosenPoint> {
  return pickRestorePoint(await listSummaries(target, workDir), selection);
}
