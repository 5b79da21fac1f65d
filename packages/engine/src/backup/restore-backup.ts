import { existsSync, writeFileSync } from 'node:fs';

import type { DatabaseConfig } from '../config.js';
import type { Keyring } from '../crypto/keyring.js';
import type { ResolvedKey } from '../crypto/resolved-key.js';
import type { Database } from '../database.js';
import { EngineError } from '../errors.js';
import type { StopPoint } from './apply-incremental.js';
import { backupCorrupt, pointOutOfRange } from './backup-errors.js';
import { BackupCatalog } from './backup-catalog.js';
import type { BackupManifest } from './backup-manifest.js';
import { backupKeys, type BackupKeys } from './backup-objects.js';
import type { BackupTarget } from './backup-target.js';
import { buildRestoredCopy } from './build-restored-copy.js';
import { resolveChain, selectBackup, type BackupSelection } from './resolve-chain.js';
import { selectRestorePoint, type RestorePointSelection } from './restore-point.js';
import { runSampleSearches, searchesFailed, type SampleSearchReport } from './sample-searches.js';
import { syncCatalog } from './sync-catalog.js';

/** Progress of a backup, restore or verification. */
export interface BackupProgress {
  backupId: string;
  /**
   * What runs now. Backup: `checkpoint`, `index`, `copy`, `capture`, `seal`, `upload`. Restore
   * and verify: `chain`, `download`, `decrypt`, `apply`, `encrypt`, `integrity-check`, `open`,
   * `search`, `swap`.
   */
  phase: string;
  /** Bytes (or records, or items) done in this phase. */
  done: number;
  /** Their total, when known. */
  total: number | null;
}

/**
 * Options shared by restores and verifications. `toSeq` / `toTime` (docs/adr/0022) restore the
 * state at that exact point of a chain instead of at a backup: with `backupId`, inside that
 * backup's chain; alone, in whichever chain reaches it. They exclude `at`.
 */
export interface RestoreSourceOptions extends BackupSelection, RestorePointSelection {
  /** Where the backups are. */
  target: BackupTarget;
  /**
   * Every key the chain may need: the key(s) that sealed its backups and, for an encrypted
   * database, the database key its full backup was taken under (old keys after a rotation).
   * Without keys only unencrypted backups can be read.
   */
  keys?: readonly (ResolvedKey | Keyring | undefined)[];
  /** Accept unencrypted backups although keys are given (backups taken before encryption). */
  allowUnencrypted?: boolean;
  /** Settings for opening the restored copy to check it (limits, index implementation). */
  config?: Omit<DatabaseConfig, 'encryption'>;
  /** Sample searches per collection against the restored copy (default 5; 0 skips them). */
  sampleSearches?: number;
  /** Where scratch files go (default: beside the destination). */
  workDir?: string;
  onProgress?: (progress: BackupProgress) => void;
}

/** What a restore (or verification) did. */
export interface RestoreReport {
  /** The backup restored. */
  backupId: string;
  /** The chain applied, full backup first. */
  chain: string[];
  /**
   * Change-log seq and time of the state restored: the backup's, or for a point inside it the
   * point's (the commit time of its last change).
   */
  seq: number;
  createdAt: number;
  /** True when the restore stopped inside the backup (a point-in-time restore). */
  pointInTime: boolean;
  /** The restored database's key id, or null when it is not encrypted. */
  keyId: string | null;
  collections: { name: string; vectors: number }[];
  /** Saved indexes restored; the other collections' indexes were rebuilt on open. */
  indexes: number;
  searches: SampleSearchReport;
  /** From the first download until the restored copy was verified and closed: the measured RTO. */
  restoreMs: number;
}

/** Opens a database (injected: `Database.open`). */
export type OpenDatabase = (path: string, config: DatabaseConfig) => Promise<Database>;

/**
 * Restores a chain into `copyPath` and proves it: checksums, the integrity check and vector
 * counts while building, then an open (which loads or rebuilds the indexes) and sample
 * searches. `afterVerify` may write to the opened copy (the catalog, the chain head) before it
 * is closed. Any failure leaves `copyPath` for the caller to discard.
 */
export async function prepareRestoredCopy(args: {
  options: RestoreSourceOptions;
  open: OpenDatabase;
  workDir: string;
  copyPath: string;
  /** Key of the restored file; undefined keeps the one its pages were backed up under. */
  fileKey: ResolvedKey | null | undefined;
  afterVerify?: (db: Database, chain: readonly BackupManifest[]) => Promise<void>;
}): Promise<RestoreReport> {
  const { options, workDir, copyPath } = args;
  const started = performance.now();
  const keys: BackupKeys = backupKeys(options.keys ?? [], options.allowUnencrypted);
  let backupId = options.backupId ?? '(selecting)';
  const progress = (phase: string, done: number, total: number | null): void =>
    options.onProgress?.({ backupId, phase, done, total });
  progress('chain', 0, null);
  let stop: StopPoint | null = null;
  if (options.toSeq !== undefined || options.toTime !== undefined) {
    if (options.at !== undefined) {
      throw new EngineError('INVALID_INPUT', '`at` and `toSeq` / `toTime` are alternatives', {
        help: '`at` picks the newest backup at or before a point; `toSeq` / `toTime` restore that exact point.',
      });
    }
    const chosen = await selectRestorePoint(options.target, options, workDir);
    backupId = chosen.backupId;
    stop = chosen.stop;
  } else {
    backupId = await selectBackup(options.target, options, workDir);
  }
  let chain = await resolveChain(options.target, backupId, keys, workDir);
  if (stop && chain.length < 2) {
    // Named a full backup whose point was not its own: resolved from the listing, which may
    // not have had this backup (a damaged manifest); the range check is then the chain's own.
    throw pointOutOfRange(
      stop.seq !== undefined ? `seq ${stop.seq}` : `time ${new Date(stop.time!).toISOString()}`,
      stop.seq !== undefined ? 'seq' : 'time',
      [{ backupId, from: chain[0]!.seqTo, to: chain[0]!.seqTo }],
    );
  }
  if (stop) chain = checkInside(chain, stop);
  progress('chain', chain.length, chain.length);
  const built = await buildRestoredCopy({
    target: options.target,
    chain,
    keys,
    workDir,
    copyPath,
    fileKey: args.fileKey,
    stop,
    progress,
  });
  const last = chain.at(-1)!;
  if (last.kdfSalt !== null && args.fileKey === undefined) {
    // The passphrase that made the backed-up key needs its salt beside the file.
    writeFileSync(`${copyPath}-salt`, Buffer.from(last.kdfSalt, 'hex'), { mode: 0o600 });
  }
  progress('open', 0, null);
  const config: DatabaseConfig = {
    ...options.config,
    // Nothing may change the restored records while they are checked: no TTL sweep.
    ttlSweepIntervalMs: 0,
    wal: { ...options.config?.wal, checkpointIntervalMs: 0 },
  };
  if (built.fileKey)
    config.encryption = { keySource: { type: 'raw', key: Uint8Array.from(built.fileKey.key) } };
  const db = await args.open(copyPath, config);
  let searches: SampleSearchReport;
  try {
    progress('search', 0, null);
    searches = await runSampleSearches(db, options.sampleSearches ?? 5);
    progress('search', searches.run, searches.run);
    if (searchesFailed(searches)) {
      throw backupCorrupt(
        last.id,
        'verification',
        searches.passed < searches.run
          ? `${searches.run - searches.passed} of ${searches.run} sample searches of the restored copy returned hits that do not match the restored vectors`
          : `only ${searches.found} of ${searches.run} sample searches of the restored copy found their own vector`,
        { details: { failures: searches.failures } },
      );
    }
    // Stopped inside the last backup, the copy descends from the one before it: the next
    // incremental of the restored database builds on that (a fork from there).
    await args.afterVerify?.(db, stop ? chain.slice(0, -1) : chain);
  } finally {
    await db.close();
  }
  return {
    backupId: last.id,
    chain: chain.map((m) => m.id),
    seq: built.seq,
    createdAt: stop ? (built.at ?? chain.at(-2)!.createdAt) : last.createdAt,
    pointInTime: stop !== null,
    keyId: built.fileKey?.keyId ?? null,
    collections: built.collections,
    indexes: built.indexes,
    searches,
    restoreMs: performance.now() - started,
  };
}

/**
 * The stop point must lie strictly inside the chain's last backup (the manifests, read with
 * the keys, are the truth; the listing only guided the choice).
 */
function checkInside(chain: BackupManifest[], stop: StopPoint): BackupManifest[] {
  const last = chain.at(-1)!;
  const parent = chain.at(-2)!;
  const inside =
    stop.seq !== undefined
      ? parent.seqTo < stop.seq && stop.seq < last.seqTo
      : parent.createdAt < stop.time! && stop.time! < last.createdAt;
  if (inside) return chain;
  throw pointOutOfRange(
    stop.seq !== undefined ? `seq ${stop.seq}` : `time ${new Date(stop.time!).toISOString()}`,
    stop.seq !== undefined ? 'seq' : 'time',
    [
      stop.seq !== undefined
        ? { backupId: last.id, from: chain[0]!.seqTo, to: last.seqTo }
        : { backupId: last.id, from: chain[0]!.createdAt, to: last.createdAt },
    ],
  );
}

/**
 * After a restore, the restored database's chain head in `target` is the backup restored, so
 * its next incremental builds on it; and its catalog lists what the target holds for it.
 */
export async function adoptRestoredState(
  db: Database,
  target: BackupTarget,
  chain: readonly BackupManifest[],
  keys: BackupKeys,
  workDir: string,
): Promise<void> {
  const last = chain.at(-1)!;
  const catalog = new BackupCatalog(db.system);
  await catalog.setHead(target.description, { backupId: last.id, seqTo: last.seqTo });
  await syncCatalog(catalog, target, keys, workDir, last.databaseId);
}

/** Refuses a destination that exists: a restore never writes over a file. */
export function checkFreshDestination(path: string): void {
  for (const candidate of [path, `${path}-wal`, `${path}-index`, `${path}-salt`]) {
    if (existsSync(candidate)) {
      throw new EngineError('INVALID_INPUT', `cannot restore into "${path}": ${candidate} exists`, {
        help: 'Restore into a new path, or restore in place with Database.restoreFrom.',
        details: { path },
      });
    }
  }
}
