import { z } from 'zod';

/** A backup id as the catalog lists it: `<UTC start>-<f|i>-<8 hex>`. */
const backupId = z
  .string()
  .regex(
    /^[0-9]{8}T[0-9]{9}Z-[fi]-[0-9a-f]{8}$/,
    'expected a backup id such as 20250101T120000000Z-f-3a9c51d2',
  )
  .meta({ description: 'A backup id, e.g. 20250101T120000000Z-f-3a9c51d2.' });

export const backupParams = z.object({ backup: backupId });
export const jobParams = z.object({ job: z.string().min(1).max(64) });

const verificationSchema = z.object({
  at: z.string(),
  ok: z.boolean(),
  code: z.string().nullable(),
  message: z.string().nullable(),
  /** How long restoring the chain into scratch space took: the measured RTO. */
  restore_ms: z.number().nullable(),
});

export const backupSchema = z.object({
  id: z.string(),
  type: z.enum(['full', 'incremental']),
  parent_id: z.string().nullable(),
  /** The full backup the chain of this one starts with. */
  chain: z.string(),
  seq_from: z.number().int(),
  seq_to: z.number().int(),
  created_at: z.string(),
  completed_at: z.string(),
  age_seconds: z.number(),
  duration_ms: z.number(),
  /** Stored bytes (compressed and sealed). */
  bytes: z.number().int(),
  uncompressed_bytes: z.number().int(),
  compression: z.string(),
  /** Id of the key that sealed it, or null when it is only checksummed. */
  key_id: z.string().nullable(),
  collections: z.array(z.object({ name: z.string(), vectors: z.number().int() })),
  /** The last verification (restore drill) of this backup, or null when never verified. */
  verification: verificationSchema.nullable(),
});

export const chainSchema = z.object({
  /** The full backup it starts with. */
  id: z.string(),
  backups: z.number().int(),
  bytes: z.number().int(),
  first_at: z.string(),
  last_at: z.string(),
  seq_to: z.number().int(),
});

export const listBackupsResponse = z.object({
  target: z.string(),
  backups: z.array(backupSchema),
  chains: z.array(chainSchema),
  total_bytes: z.number().int(),
});

export const createBackupBody = z.object({
  /** `auto` (default): incremental when there is a chain to build on, else full. */
  type: z.enum(['full', 'incremental', 'auto']).default('auto'),
});

export const verifyBackupBody = z.object({
  /** Default: the newest backup. */
  backup_id: backupId.optional(),
});

export const restoreBackupBody = z
  .object({
    backup_id: backupId.optional(),
    /** Otherwise the newest backup whose change-log seq is at most this. */
    at_seq: z.number().int().min(0).optional(),
    /** Otherwise the newest backup taken at or before this ISO time. */
    at_time: z.iso.datetime({ offset: true }).optional(),
    /**
     * Point-in-time recovery: the exact state after the change with this seq, anywhere from a
     * full backup to the newest incremental built on it (with `backup_id`, inside its chain).
     */
    to_seq: z.number().int().min(0).optional(),
    /** Point-in-time recovery: the state after the last change committed at or before this ISO time. */
    to_time: z.iso.datetime({ offset: true }).optional(),
    /**
     * Replace the served database: the server is not ready (503) until the restored copy is
     * verified, swapped in and open. Writes made after the backup are lost.
     */
    in_place: z.boolean().optional(),
    /** Or restore into this new file, relative to the server's restore directory. */
    destination: z
      .string()
      .min(1)
      .max(255)
      .regex(/^[^\0]+$/, 'no NUL characters')
      .optional(),
  })
  .refine((b) => (b.in_place === true) !== (b.destination !== undefined), {
    message: 'give either "in_place": true or a "destination" file',
    path: ['destination'],
  })
  .refine((b) => [b.backup_id, b.at_seq, b.at_time].filter((v) => v !== undefined).length <= 1, {
    message: 'give at most one of "backup_id", "at_seq" and "at_time"',
    path: ['backup_id'],
  })
  .refine(
    (b) =>
      (b.to_seq === undefined || b.to_time === undefined) &&
      (b.to_seq === undefined && b.to_time === undefined
        ? true
        : b.at_seq === undefined && b.at_time === undefined),
    {
      message: 'give at most one of "to_seq" and "to_time", and neither with "at_seq" or "at_time"',
      path: ['to_seq'],
    },
  );

/** What a finished backup job produced. */
export const backupResultSchema = z.object({
  backup_id: z.string(),
  type: z.enum(['full', 'incremental']),
  parent_id: z.string().nullable(),
  seq_to: z.number().int(),
  bytes: z.number().int(),
  duration_ms: z.number(),
  /** Backups the retention deleted after a scheduled backup. */
  retention_removed: z.array(z.string()),
});

/** What a verification (restore drill) found. */
export const verifyResultSchema = z.object({
  backup_id: z.string(),
  ok: z.boolean(),
  /** Why it is not restorable (`BACKUP_CORRUPT`, `BACKUP_CHAIN_BROKEN`, `WRONG_KEY`...). */
  code: z.string().optional(),
  message: z.string().optional(),
  /** Time to restore and check the chain: the measured RTO. */
  restore_ms: z.number(),
  chain: z.array(z.string()).optional(),
  seq: z.number().int().optional(),
  collections: z.array(z.object({ name: z.string(), vectors: z.number().int() })).optional(),
  searches: z
    .object({ run: z.number().int(), passed: z.number().int(), found: z.number().int() })
    .optional(),
});

/** What a restore did. */
export const restoreResultSchema = z.object({
  backup_id: z.string(),
  /** The backups applied, full backup first. */
  chain: z.array(z.string()),
  /** The change-log seq of the state restored. */
  seq: z.number().int(),
  /** The time of that state: the backup's, or for a point inside it its last change's commit time. */
  created_at: z.string(),
  /** True when the restore stopped inside the backup (`to_seq` / `to_time`). */
  point_in_time: z.boolean(),
  in_place: z.boolean(),
  /** The restored database file. */
  path: z.string(),
  /** Where the replaced database was kept (in place), or null. */
  previous: z.string().nullable(),
  restore_ms: z.number(),
  collections: z.array(z.object({ name: z.string(), vectors: z.number().int() })),
});

export const jobSchema = z.object({
  id: z.string(),
  kind: z.enum(['backup', 'verify', 'restore']),
  trigger: z.enum(['api', 'schedule']),
  requested_by: z.string(),
  state: z.enum(['running', 'succeeded', 'failed']),
  started_at: z.string(),
  finished_at: z.string().nullable(),
  backup_id: z.string().nullable(),
  phase: z.string().nullable(),
  done: z.number(),
  total: z.number().nullable(),
  /** Of the whole job, 0..1. */
  progress: z.number(),
  /** What the job produced: the backup, the verification report, the restore report. */
  result: z.union([backupResultSchema, verifyResultSchema, restoreResultSchema]).nullable(),
  error: z.object({ code: z.string(), message: z.string(), help: z.string() }).nullable(),
});

export const statusResponse = z.object({
  target: z.string(),
  running: jobSchema.nullable(),
  recent: z.array(jobSchema),
  schedule: z.object({
    full: z.string().nullable(),
    incremental: z.string().nullable(),
    verify: z.string().nullable(),
  }),
  /**
   * The schedule and retention in force: the server's config, with what was changed through
   * `POST /v1/admin/backups/settings` over it (`overridden` names those fields).
   */
  settings: z.object({
    cron: z.object({
      full: z.string().nullable(),
      incremental: z.string().nullable(),
      verify: z.string().nullable(),
      timezone: z.string().nullable(),
    }),
    /** Null when every backup is kept. */
    retention: z
      .object({
        max_age_days: z.number().nullable(),
        max_count: z.number().int().nullable(),
        min_count: z.number().int(),
      })
      .nullable(),
    max_chain_length: z.number().int(),
    /** The fields changed at runtime (e.g. `cron.incremental`, `retention.max_count`). */
    overridden: z.array(z.string()),
  }),
});

const cronField = z.string().trim().min(1).max(200).nullable().optional();

/**
 * A change of the backup schedule and retention, kept over the config until reset. A field
 * left out keeps its value; a cron expression set to null turns that job off; a time zone set
 * to null uses the server's.
 */
export const backupSettingsBody = z.strictObject({
  cron: z
    .strictObject({
      full: cronField,
      incremental: cronField,
      verify: cronField,
      timezone: z.string().trim().min(1).max(100).nullable().optional(),
    })
    .optional(),
  retention: z
    .strictObject({
      /** Backups older than this many days expire (0: no age limit). */
      max_age_days: z.number().min(0).max(36_500).optional(),
      /** Only the newest this many are kept (0: no count limit). */
      max_count: z.number().int().min(0).max(1_000_000).optional(),
      /** The newest this many are never deleted. */
      min_count: z.number().int().min(1).max(1_000_000).optional(),
    })
    .optional(),
  max_chain_length: z.number().int().min(1).max(100_000).optional(),
});

/** The settings in force after a change or a reset, and the next runs they give. */
export const backupSettingsResponse = z.object({
  settings: statusResponse.shape.settings,
  schedule: statusResponse.shape.schedule,
});

export const deleteBackupResponse = z.object({ deleted: z.string() });

export const retentionBody = z.object({ dry_run: z.boolean().default(false) });
export const retentionResponse = z.object({
  dry_run: z.boolean(),
  removed: z.array(z.string()),
  kept: z.array(z.object({ id: z.string(), reason: z.string() })),
  freed_bytes: z.number().int(),
  orphans: z.array(z.string()),
});
