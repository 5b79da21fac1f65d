import { randomUUID } from 'node:crypto';

import { z } from 'zod';

import type { SystemRecords, SystemStore } from '../system/system-store.js';
import { backupManifestSchema } from './backup-manifest.js';

/** The outcome of the last verification of a backup, kept in its catalog entry. */
export const verificationSummarySchema = z.object({
  /** When it ran, ms since the epoch. */
  at: z.number(),
  ok: z.boolean(),
  /** The error code when it failed (`BACKUP_CORRUPT`, `WRONG_KEY`, `BACKUP_CHAIN_BROKEN`...). */
  code: z.string().nullable(),
  message: z.string().nullable(),
  /** How long restoring the chain into a scratch copy took: the measured RTO. */
  restoreMs: z.number().nullable(),
  /** Sample searches run against the restored copy, how many checked out, how many found their own vector. */
  searches: z.object({ run: z.number().int(), passed: z.number().int(), found: z.number().int() }),
});

/** One backup in the catalog: its manifest, where it is kept, its last verification. */
export const catalogEntrySchema = z.object({
  manifest: backupManifestSchema,
  /** The target's description (see `BackupTarget.description`). */
  target: z.string(),
  lastVerification: verificationSummarySchema.nullable(),
});

/** A catalog entry. */
export type CatalogEntry = z.infer<typeof catalogEntrySchema>;
/** A verification summary. */
export type VerificationSummary = z.infer<typeof verificationSummarySchema>;

const stateSchema = z.object({
  /** Which database this is; its backups carry it, so chains of two databases never mix. */
  databaseId: z.string().min(1),
  /**
   * Per target, the backup this database's state descends from: the next incremental builds on
   * it. Set by every backup and by every restore (to the backup restored).
   */
  heads: z.record(z.string(), z.object({ backupId: z.string(), seqTo: z.number() })),
});

/** The database's backup identity and chain heads. */
export type BackupState = z.infer<typeof stateSchema>;

/** Namespace of the catalog's system records (one per backup, keyed by id). */
export const CATALOG_NAMESPACE = 'backups';
/** Namespace of the backup state record. */
export const STATE_NAMESPACE = 'backup-state';

/**
 * The database's catalog of its backups, in its own system records: what each backup is, where
 * it is kept and how its last verification went. The target is the truth about what exists;
 * the catalog is this database's index of it (`syncCatalog` rebuilds it from the target).
 */
export class BackupCatalog {
  readonly #entries: SystemRecords<CatalogEntry>;
  readonly #state: SystemRecords<BackupState>;

  constructor(system: SystemStore) {
    this.#entries = system.records(CATALOG_NAMESPACE, catalogEntrySchema);
    this.#state = system.records(STATE_NAMESPACE, stateSchema);
  }

  /** Every entry, oldest first; only those kept in `target` when given. */
  entries(target?: string): CatalogEntry[] {
    return this.#entries
      .list()
      .map((r) => r.value)
      .filter((e) => target === undefined || e.target === target)
      .sort(
        (a, b) =>
          a.manifest.createdAt - b.manifest.createdAt || (a.manifest.id < b.manifest.id ? -1 : 1),
      );
  }

  /** The entry of a backup, if catalogued. */
  get(backupId: string): CatalogEntry | undefined {
    return this.#entries.get(backupId);
  }

  /** Adds or replaces an entry. */
  put(entry: CatalogEntry): Promise<void> {
    return this.#entries.put(entry.manifest.id, entry);
  }

  /** Removes an entry. */
  delete(backupId: string): Promise<boolean> {
    return this.#entries.delete(backupId);
  }

  /** The backup state, creating the database's identity on first use. */
  async state(): Promise<BackupState> {
    const current = this.#state.get('state');
    if (current) return current;
    const fresh: BackupState = { databaseId: randomUUID(), heads: {} };
    await this.#state.put('state', fresh);
    return fresh;
  }

  /** Records that this database's state descends from `backupId` (in `target`). */
  async setHead(target: string, head: BackupState['heads'][string]): Promise<void> {
    const state = await this.state();
    await this.#state.put('state', { ...state, heads: { ...state.heads, [target]: head } });
  }
}
