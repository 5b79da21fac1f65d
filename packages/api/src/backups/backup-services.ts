import type {
  BackupManifest,
  BackupVerification,
  CatalogEntry,
  RestoreReport,
  RetentionReport,
} from '@needle/engine';

/** What a backup job does. */
export type BackupJobKind = 'backup' | 'verify' | 'restore';

/**
 * Which backup a restore takes: by id, or the newest at or before a seq or a time (`at`); or,
 * with `to`, the exact state at a seq or time inside a chain (point-in-time recovery, with
 * `backupId` inside that backup's chain).
 */
export interface BackupChoice {
  backupId?: string;
  at?: { seq?: number; time?: number };
  to?: { seq?: number; time?: number };
}

/** A job to start (see {@link BackupServices.start}). */
export type BackupJobRequest =
  | { kind: 'backup'; type: 'full' | 'incremental' | 'auto' }
  /** The newest backup when no id is given. */
  | { kind: 'verify'; backupId?: string }
  | ({ kind: 'restore'; inPlace: true } & BackupChoice)
  | ({
      kind: 'restore';
      inPlace: false;
      /** A new file, relative to the server's restore directory. */
      destination: string;
    } & BackupChoice);

/** What a finished job produced. */
export type BackupJobResult =
  | { kind: 'backup'; manifest: BackupManifest; retentionRemoved: string[] }
  | { kind: 'verify'; verification: BackupVerification }
  | {
      kind: 'restore';
      report: RestoreReport;
      inPlace: boolean;
      /** The restored database file. */
      path: string;
      /** Where the replaced database was kept (in place), or null. */
      previous: string | null;
    };

/** A backup, verification or restore, running or finished. */
export interface BackupJob {
  readonly id: string;
  readonly kind: BackupJobKind;
  /** Started by a request, or by the schedule. */
  readonly trigger: 'api' | 'schedule';
  /** Who asked (the principal's id), or `schedule`. */
  readonly requestedBy: string;
  readonly state: 'running' | 'succeeded' | 'failed';
  readonly startedAt: number;
  readonly finishedAt: number | null;
  /** The backup the job works on, once known. */
  readonly backupId: string | null;
  /** What runs now (`copy`, `upload`, `download`, `apply`, `open`, `swap`...), null when done. */
  readonly phase: string | null;
  /** Of the phase: amount done and its total when known. */
  readonly done: number;
  readonly total: number | null;
  /** Of the whole job, 0..1 (an estimate across phases; 1 once finished). */
  readonly progress: number;
  readonly result: BackupJobResult | null;
  /** Why it failed (a failed verification too). */
  readonly error: { code: string; message: string; help: string } | null;
}

/** The backups as the server keeps them: the catalog, the running job, the schedule. */
export interface BackupStatus {
  /** Where the backups are kept (the target's description, e.g. `file:///var/backups/needle`). */
  readonly target: string;
  readonly running: BackupJob | null;
  /** The most recent jobs, newest first. */
  readonly recent: readonly BackupJob[];
  /** Next scheduled runs, ms since the epoch, or null when not scheduled. */
  readonly schedule: {
    readonly full: number | null;
    readonly incremental: number | null;
    readonly verify: number | null;
  };
  /** The schedule and retention in force (the config's, with runtime changes over it). */
  readonly settings: BackupPolicySettings;
}

/** The backup schedule and retention of the server's config. */
export interface BackupPolicySettings {
  /** Cron expressions of the scheduled jobs, null when a job is not scheduled. */
  readonly cron: {
    readonly full: string | null;
    readonly incremental: string | null;
    readonly verify: string | null;
    /** Time zone of the expressions, null for the server's. */
    readonly timezone: string | null;
  };
  /** The retention, or null when every backup is kept. */
  readonly retention: {
    readonly maxAgeDays: number | null;
    readonly maxCount: number | null;
    readonly minCount: number;
  } | null;
  /** Incrementals in a chain before a scheduled incremental starts a new full backup. */
  readonly maxChainLength: number;
  /** The fields changed at runtime, over the config (e.g. `cron.incremental`). */
  readonly overridden: readonly string[];
}

/**
 * A runtime change of the schedule and retention: a field left out keeps its value; a cron
 * expression (or the time zone) set to null turns the job off (uses the server's zone).
 */
export interface BackupPolicyChange {
  readonly cron?: {
    readonly full?: string | null;
    readonly incremental?: string | null;
    readonly verify?: string | null;
    readonly timezone?: string | null;
  };
  readonly retention?: {
    readonly maxAgeDays?: number;
    readonly maxCount?: number;
    readonly minCount?: number;
  };
  readonly maxChainLength?: number;
}

/**
 * The backups of the served database, as the host provides them: only the host can take the
 * database out of service, swap its file and open it again for an in-place restore, and it
 * runs the scheduled jobs, so one job runs at a time whoever started it. Errors are
 * `ApiError`s or engine errors (`BACKUP_NOT_FOUND`, `OPERATION_IN_PROGRESS`...).
 */
export interface BackupServices {
  /** The catalogued backups of the database in the configured target, oldest first. */
  list(): { target: string; entries: CatalogEntry[] };
  /**
   * Checks the request (the backup it names exists, the destination is new) and starts the
   * job; resolves with it running. `OPERATION_IN_PROGRESS` while another job runs.
   */
  start(request: BackupJobRequest, requestedBy: string): Promise<BackupJob>;
  /** A job by id (the running one and the last few finished). */
  job(id: string): BackupJob | undefined;
  status(): BackupStatus;
  /** Deletes a backup; `BACKUP_IN_USE` when later backups build on it. */
  delete(backupId: string): Promise<void>;
  /** Applies the configured retention now (`dryRun`: only reports). */
  applyRetention(dryRun: boolean): Promise<RetentionReport>;
  /**
   * Changes the schedule and retention over the config (kept across restarts) and re-arms the
   * schedule; 400 `INVALID_BACKUP_SETTINGS` naming the field that is wrong.
   */
  updateSettings(change: BackupPolicyChange, changedBy: string): Promise<void>;
  /** Drops every runtime change: the config's schedule and retention apply again. */
  resetSettings(): Promise<void>;
}
