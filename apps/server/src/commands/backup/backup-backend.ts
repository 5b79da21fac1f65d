import type { backupResult, describeBackups, restoreResult, verifyResult } from '@needle/api';

/**
 * What `needle backup` and `needle restore` need, answered by a data directory opened in this
 * process or by a running server over `/v1/admin/backups`. Records have the shapes of the REST
 * contract, so `--json` output reads the same either way.
 */
export interface BackupBackend {
  readonly kind: 'embedded' | 'remote';
  /** Where the backups are: the target's description. */
  readonly source: string;
  create(type: 'full' | 'incremental' | 'auto', onProgress: ProgressHandler): Promise<BackupDone>;
  list(): Promise<BackupListing>;
  /** A failed verification is a result (`ok: false`), not an exception. */
  verify(backupId: string | undefined, onProgress: ProgressHandler): Promise<VerifyDone>;
  restore(request: RestoreRequest, onProgress: ProgressHandler): Promise<RestoreDone>;
  close(): Promise<void>;
}

/** Hears the phase of a job, the amount done in it and its total when known. */
export type ProgressHandler = (phase: string, done: number, total: number | null) => void;

/** The catalog, as `GET /v1/admin/backups` answers; `summaries` when only the target was read. */
export type BackupListing =
  | ({ source: 'catalog' } & ReturnType<typeof describeBackups>)
  | { source: 'target'; target: string; backups: BackupSummaryRecord[] };

/** A backup as the target's manifest headers show it, without a database (no key needed). */
export interface BackupSummaryRecord {
  id: string;
  type: 'full' | 'incremental';
  parent_id: string | null;
  seq_from: number;
  seq_to: number;
  created_at: string;
  key_id: string | null;
}

/** Which backup to restore, and where. */
export interface RestoreRequest {
  backupId?: string;
  at?: { seq?: number; time?: number };
  /** Point-in-time recovery: the exact state at this seq or time inside a chain. */
  until?: { seq?: number; time?: number };
  /** A new file (embedded: a path; a directory means `<dir>/needle.needle`; remote: a name under the server's restore directory). */
  to?: string;
  inPlace: boolean;
}

/** A finished backup, as the job result of the API. */
export type BackupDone = ReturnType<typeof backupResult>;

/** A finished verification (`ok: false` when the backup is not restorable). */
export type VerifyDone = ReturnType<typeof verifyResult>;

/** A finished restore. */
export type RestoreDone = ReturnType<typeof restoreResult>;
