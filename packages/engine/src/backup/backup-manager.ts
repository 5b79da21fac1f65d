import { join } from 'node:path';

import type { Keyring } from '../crypto/keyring.js';
import type { ResolvedKey } from '../crypto/resolved-key.js';
import { isEngineError } from '../errors.js';
import { backupInUse, backupNotFound } from './backup-errors.js';
import { BackupCatalog, type CatalogEntry, type VerificationSummary } from './backup-catalog.js';
import { exclusive, type BackupHost } from './backup-host.js';
import { checkBackupId, type BackupManifest } from './backup-manifest.js';
import { backupKeys, listOrphans, type BackupKeys } from './backup-objects.js';
import type { BackupTarget } from './backup-target.js';
import type { Compression } from './compression.js';
import { createBackup, removeBackupObjects, type CreateBackupOptions } from './create-backup.js';
import { prepareRestoredCopy, type BackupProgress, type RestoreReport } from './restore-backup.js';
import {
  dependentsOf,
  planRetention,
  type RetentionPlan,
  type RetentionPolicy,
} from './retention.js';
import { syncCatalog, type CatalogSyncReport } from './sync-catalog.js';
import { defaultWorkBase, withWorkDir } from './work-dir.js';

/** Options of a {@link BackupManager}. */
export interface BackupManagerOptions {
  /**
   * The key that seals new backups (its id is in every object's header). Default: the
   * database's current key; a plaintext database's backups are then only checksummed. A key of
   * its own keeps backups readable by whoever holds that key alone, and unaffected by database
   * key rotation.
   */
  key?: ResolvedKey;
  /**
   * More keys for reading existing backups: backup keys used before, and database keys rotated
   * out (a full backup of an encrypted database keeps its pages under the database key of its day).
   */
  keys?: readonly (ResolvedKey | Keyring)[];
  /** Accept unencrypted backups although keys are known (backups taken before encryption). */
  allowUnencrypted?: boolean;
  /** `gzip` (default), `brotli` or `none`; full backups of encrypted databases are never compressed. */
  compression?: Compression;
  /** gzip 1–9 (default 6), brotli 0–11 (default 4). */
  compressionLevel?: number;
  /** Scratch space (default: `<database>-backup-work`, removed after each job). Needs room for a copy of the database. */
  workDir?: string;
  /**
   * Keep the database's value log whole (default false). The value log holds what every change
   * wrote, so incrementals can carry every version and restores stop at any seq; after each
   * backup the values at or below every target's chain head are dropped — backups hold them,
   * and no incremental to come needs them (docs/adr/0022). True keeps them (the file grows by
   * every vector ever written).
   */
  keepChangeValues?: boolean;
}

/** The outcome of {@link BackupManager.verify}: the report, or why the backup is not restorable. */
export type BackupVerification =
  | ({ ok: true } & RestoreReport)
  | {
      ok: false;
      backupId: string;
      /** `BACKUP_CORRUPT`, `BACKUP_CHAIN_BROKEN`, `WRONG_KEY`, `BACKUP_NOT_FOUND`... */
      code: string;
      message: string;
      /** How long it ran before it failed. */
      restoreMs: number;
    };

/** What a retention run decided and deleted. */
export interface RetentionReport extends RetentionPlan {
  dryRun: boolean;
  /** Stored bytes freed (for a dry run: that would be). */
  freedBytes: number;
  /** Leftovers of backups that never completed (no manifest), older than a day, removed too. */
  orphans: string[];
}

/** How old the objects of a backup that never completed must be before retention removes them. */
const ORPHAN_AGE_MS = 24 * 3_600_000;

/**
 * The backups of one database in one target: take them (full or incremental, forming chains),
 * list them from the catalog, verify them by restoring into scratch space, apply retention,
 * delete them. One operation runs at a time per database (`OPERATION_IN_PROGRESS`).
 *
 * @example
 * ```ts
 * const backups = db.backups(new LocalDirectoryTarget('/var/backups/needle'));
 * await backups.create({ type: 'full' });
 * await backups.create(); // incremental from now on
 * const check = await backups.verify();
 * await backups.applyRetention({ maxAgeMs: 30 * 86_400_000, maxCount: 60 });
 * ```
 */
export class BackupManager {
  readonly target: BackupTarget;
  readonly #host: BackupHost;
  readonly #options: BackupManagerOptions;
  readonly #catalog: BackupCatalog;

  constructor(host: BackupHost, target: BackupTarget, options: BackupManagerOptions = {}) {
    this.#host = host;
    this.target = target;
    this.#options = options;
    this.#catalog = new BackupCatalog(host.db.system);
  }

  /** Takes a backup (see {@link CreateBackupOptions}); resolves with its manifest once it is complete in the target. */
  create(options: CreateBackupOptions = {}): Promise<BackupManifest> {
    return exclusive(this.#host, 'backup', () =>
      createBackup(
        this.#host,
        {
          target: this.target,
          catalog: this.#catalog,
          sealKey: this.#options.key ?? this.#host.keyring?.current,
          keys: this.#keys,
          compression: this.#options.compression ?? 'gzip',
          compressionLevel: this.#options.compressionLevel,
          workBase: this.#workBase,
          ownedWorkBase: this.#options.workDir === undefined,
          keepChangeValues: this.#options.keepChangeValues ?? false,
        },
        options,
      ),
    );
  }

  /** The catalogued backups of this database in the target, oldest first. */
  list(): CatalogEntry[] {
    return this.#catalog.entries(this.target.description);
  }

  /**
   * Restores a backup (default: the newest) with its chain into scratch space, checking every
   * object's size and SHA-256, every seal, SQLite's integrity check, the vector counts of every
   * manifest and sample searches, and measures how long that took (the RTO a restore would
   * need). The result goes into the catalog entry. A backup that is not restorable is a
   * result (`ok: false`), not an exception.
   */
  verify(
    backupId?: string,
    options: { sampleSearches?: number; onProgress?: (p: BackupProgress) => void } = {},
  ): Promise<BackupVerification> {
    return exclusive(this.#host, 'verification', async () => {
      const started = performance.now();
      const id = backupId ?? this.list().at(-1)?.manifest.id;
      if (id === undefined) throw backupNotFound(null, this.target.description);
      let outcome: BackupVerification;
      try {
        const report = await this.#withWorkDir('verify', (workDir) =>
          prepareRestoredCopy({
            options: {
              target: this.target,
              backupId: checkBackupId(id),
              keys: [this.#keys.keyring ?? undefined],
              allowUnencrypted: this.#keys.allowUnencrypted,
              config: this.#host.openConfig,
              ...options,
            },
            open: (path, config) => this.#host.open(path, config),
            workDir,
            copyPath: join(workDir, 'verify.needle'),
            fileKey: undefined,
          }),
        );
        outcome = { ok: true, ...report };
      } catch (err) {
        if (!isEngineError(err) || ['CLOSED', 'DISK_FULL', 'INVALID_INPUT'].includes(err.code))
          throw err;
        outcome = {
          ok: false,
          backupId: id,
          code: err.code,
          message: err.message,
          restoreMs: performance.now() - started,
        };
      }
      const entry = this.#catalog.get(id);
      if (entry) await this.#catalog.put({ ...entry, lastVerification: summarise(outcome) });
      return outcome;
    });
  }

  /**
   * Deletes the backups `policy` lets go (see {@link RetentionPolicy}), never one that a kept
   * backup builds on, nor the one the next incremental builds on. `dryRun` only reports.
   */
  applyRetention(
    policy: RetentionPolicy,
    options: { dryRun?: boolean; now?: number } = {},
  ): Promise<RetentionReport> {
    return exclusive(this.#host, 'retention run', async () => {
      const entries = this.list();
      const state = await this.#catalog.state();
      const head = state.heads[this.target.description]?.backupId;
      const now = options.now ?? Date.now();
      const plan = planRetention(
        entries.map((e) => e.manifest),
        policy,
        now,
        head ? [head] : [],
      );
      let freedBytes = 0;
      for (const id of plan.remove) {
        freedBytes += this.#catalog.get(id)?.manifest.bytes ?? 0;
        if (options.dryRun) continue;
        await removeBackupObjects(this.target, id);
        await this.#catalog.delete(id);
      }
      const orphans = await listOrphans(this.target, now - ORPHAN_AGE_MS);
      if (!options.dryRun) for (const id of orphans) await removeBackupObjects(this.target, id);
      return { ...plan, dryRun: options.dryRun ?? false, freedBytes, orphans };
    });
  }

  /** Deletes one backup; `BACKUP_IN_USE` when later backups build on it. */
  delete(backupId: string): Promise<void> {
    return exclusive(this.#host, 'backup deletion', async () => {
      const id = checkBackupId(backupId);
      const dependents = dependentsOf(
        this.list().map((e) => e.manifest),
        id,
      );
      if (dependents.length > 0) throw backupInUse(id, dependents);
      await removeBackupObjects(this.target, id);
      await this.#catalog.delete(id);
    });
  }

  /** Makes the catalog match what the target holds for this database (after a restore, or backups made elsewhere). */
  syncCatalog(): Promise<CatalogSyncReport> {
    return exclusive(this.#host, 'catalog sync', async () => {
      const { databaseId } = await this.#catalog.state();
      return this.#withWorkDir('sync', (workDir) =>
        syncCatalog(this.#catalog, this.target, this.#keys, workDir, databaseId),
      );
    });
  }

  /** Read at each use: the database's keyring gains a key at every rotation. */
  get #keys(): BackupKeys {
    return backupKeys(
      [this.#options.key, this.#host.keyring, ...(this.#options.keys ?? [])],
      this.#options.allowUnencrypted,
    );
  }

  get #workBase(): string {
    return this.#options.workDir ?? defaultWorkBase(this.#host.path);
  }

  /** Scratch space of one job (see `withWorkDir`); the default base is this database's own. */
  #withWorkDir<T>(job: string, run: (dir: string) => Promise<T>): Promise<T> {
    return withWorkDir(this.#workBase, job, run, { owned: this.#options.workDir === undefined });
  }
}

function summarise(outcome: BackupVerification): VerificationSummary {
  return outcome.ok
    ? {
        at: Date.now(),
        ok: true,
        code: null,
        message: null,
        restoreMs: outcome.restoreMs,
        searches: {
          run: outcome.searches.run,
          passed: outcome.searches.passed,
          found: outcome.searches.found,
        },
      }
    : {
        at: Date.now(),
        ok: false,
        code: outcome.code,
        message: outcome.message,
        restoreMs: null,
        searches: { run: 0, passed: 0, found: 0 },
      };
}
