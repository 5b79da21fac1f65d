import { randomBytes } from 'node:crypto';

import { z } from 'zod';

import { EngineError } from '../errors.js';

/** The backup format this build writes and the newest it reads (docs/adr/0014). */
export const BACKUP_FORMAT_VERSION = 1;

const BACKUP_ID = /^[0-9]{8}T[0-9]{9}Z-[fi]-[0-9a-f]{8}$/;

/** A backup id: its UTC start time, `f`ull or `i`ncremental, and 32 random bits. */
export const backupIdSchema = z.string().regex(BACKUP_ID);

/** One stored object of a backup, as its manifest lists it. */
export const backupObjectSchema = z.object({
  /** The object's name in the target. */
  name: z.string(),
  /** `database`: the copy of the file; `changes`: an incremental's records; `index`: a saved index. */
  role: z.enum(['database', 'changes', 'index']),
  /** The collection of an `index` object, else null. */
  collection: z.string().nullable(),
  /** Stored (sealed) bytes. */
  bytes: z.number().int().min(0),
  /** Bytes inside the seal (after compression). */
  sealedPayloadBytes: z.number().int().min(0),
  /** SHA-256 of the stored bytes, lowercase hex. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

/** One collection as a backup holds it. */
export const backupCollectionSchema = z.object({
  name: z.string(),
  /** When the collection was created: a drop and re-create shows as another value. */
  createdAt: z.number(),
  /** The resolved collection config as stored. */
  config: z.record(z.string(), z.unknown()),
  /** Stored vectors (live and not yet swept) at the backup's point. */
  vectors: z.number().int().min(0),
  /**
   * `full`: in a full backup; `changes`: only the keys changed since the parent; `replace`:
   * new (or re-created) since the parent, carried whole.
   */
  mode: z.enum(['full', 'changes', 'replace']),
  /** Records (or tombstones) the backup carries for it. */
  records: z.number().int().min(0),
});

/** What a backup is and holds; stored sealed in the target and in the database's catalog. */
export const backupManifestSchema = z.object({
  formatVersion: z.number().int().min(1),
  id: backupIdSchema,
  type: z.enum(['full', 'incremental']),
  /** The backup this one builds on (null for a full backup). */
  parentId: backupIdSchema.nullable(),
  /** Which database the backup is of: chains never cross databases. */
  databaseId: z.string().min(1),
  /** The change-log seq the parent covers (0 for a full backup). */
  seqFrom: z.number().int().min(0),
  /** Every change up to this seq is in the backup (with its chain), none after it. */
  seqTo: z.number().int().min(0),
  /** The highest system-log seq the backup covers. */
  systemLogSeq: z.number().int().min(0),
  /** When the consistent snapshot was taken, ms since the epoch. */
  createdAt: z.number(),
  /** When the backup was complete in the target. */
  completedAt: z.number(),
  durationMs: z.number().min(0),
  /** The database file's format version at the backup (ADR 7). */
  databaseFormatVersion: z.number().int().min(1),
  /** Id of the key that sealed the objects, or null when they are only checksummed. */
  keyId: z.string().nullable(),
  /** Id of the key the copied database pages are encrypted with (full backups of encrypted databases). */
  pageKeyId: z.string().nullable(),
  /** The database's passphrase salt (hex; not secret), so a lost disk does not lose it. */
  kdfSalt: z.string().nullable(),
  compression: z.enum(['gzip', 'brotli', 'none']),
  /** Stored bytes of all objects. */
  bytes: z.number().int().min(0),
  /** Bytes before compression and sealing. */
  uncompressedBytes: z.number().int().min(0),
  objects: z.array(backupObjectSchema),
  collections: z.array(backupCollectionSchema),
  /** The audit log's chain head (the `audit-state` record) at the backup, when there is one. */
  auditHead: z.record(z.string(), z.unknown()).nullable(),
});

/** A backup's manifest. */
export type BackupManifest = z.infer<typeof backupManifestSchema>;
/** One object of a {@link BackupManifest}. */
export type BackupObject = z.infer<typeof backupObjectSchema>;
/** One collection of a {@link BackupManifest}. */
export type BackupCollection = z.infer<typeof backupCollectionSchema>;

/**
 * The facts of a manifest that the target shows without a key (the sealed manifest's
 * authenticated plaintext header): enough to list backups and follow chains.
 */
export const backupSummarySchema = backupManifestSchema.pick({
  formatVersion: true,
  id: true,
  type: true,
  parentId: true,
  databaseId: true,
  seqFrom: true,
  seqTo: true,
  createdAt: true,
  kdfSalt: true,
});

/** A backup as listing the target shows it. */
export type BackupSummary = z.infer<typeof backupSummarySchema> & {
  /** Id of the key that sealed the manifest, or null. */
  keyId: string | null;
};

/** The `kind` of a sealed manifest's header. */
export const MANIFEST_KIND = 'needle-backup-manifest';

/** A new backup id for a backup started at `now`. */
export function newBackupId(type: BackupManifest['type'], now: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:.]/g, '');
  return `${stamp}-${type === 'full' ? 'f' : 'i'}-${randomBytes(4).toString('hex')}`;
}

/** Checks a backup id given by a caller; `INVALID_INPUT` when it cannot be one. */
export function checkBackupId(id: unknown): string {
  if (typeof id === 'string' && BACKUP_ID.test(id)) return id;
  throw new EngineError('INVALID_INPUT', `invalid backup id ${JSON.stringify(id)}`, {
    help: 'Use an id as listed by the backup catalog, e.g. 20250101T120000000Z-f-3a9c51d2.',
    details: { backupId: typeof id === 'string' ? id.slice(0, 100) : String(id) },
  });
}

/** When a backup with this id was started, ms since the epoch (from the id itself). */
export function backupIdTime(id: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z/.exec(id);
  if (!m) return Number.NaN;
  const [y, mo, d, h, mi, s, ms] = m.slice(1).map(Number);
  return Date.UTC(y ?? 0, (mo ?? 1) - 1, d, h, mi, s, ms);
}

/** Name of a backup's manifest object. */
export function manifestObjectName(id: string): string {
  return `${id}/manifest.nsf`;
}

/** Name of another object of a backup. */
export function objectName(id: string, file: string): string {
  return `${id}/${file}`;
}
