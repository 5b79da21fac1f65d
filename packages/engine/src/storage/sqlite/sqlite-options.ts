import { z } from 'zod';

const GIB = 1024 * 1024 * 1024;

/**
 * The checklist's WAL settings. `syncMode` maps onto `PRAGMA synchronous` (`fsync` = FULL:
 * every commit is on disk before it is acknowledged; `normal` = NORMAL: a power loss may drop
 * the last commits but never corrupts; `off` = OFF: the OS decides). `checkpointIntervalMs`
 * runs a checkpoint on a timer (0 disables it), `maxWalBytes` checkpoints as soon as the WAL
 * grows past it and is SQLite's `journal_size_limit`.
 */
export const walOptionsSchema = z.object({
  syncMode: z.enum(['fsync', 'normal', 'off']).default('fsync'),
  checkpointIntervalMs: z.number().int().min(0).default(300_000),
  maxWalBytes: z
    .number()
    .int()
    .min(64 * 1024)
    .default(GIB),
});

/**
 * Options of `SqliteStorage.open`. This module imports nothing of the engine but zod, so the
 * database config can embed {@link walOptionsSchema} without an import cycle.
 */
export const sqliteStorageOptionsSchema = z.object({
  wal: walOptionsSchema.prefault({}),
  /**
   * 32 raw key bytes. When given, the file and its WAL are encrypted page by page with
   * ChaCha20-Poly1305 (SQLite3MultipleCiphers' `chacha20` cipher). Deriving the key from a
   * passphrase or fetching it from a secret store happens before it gets here.
   */
  cipherKey: z
    .custom<Uint8Array>((key) => key instanceof Uint8Array, { message: 'must be a Uint8Array' })
    .refine((key) => key.length === 32, { message: 'must be exactly 32 bytes' })
    .optional(),
  /** How long a connection waits for a lock held by another process before failing. */
  busyTimeoutMs: z.number().int().min(0).default(5000),
});

/** What `SqliteStorage.open` accepts. Every field is optional. */
export type SqliteStorageOptions = z.input<typeof sqliteStorageOptionsSchema>;
/** {@link SqliteStorageOptions} with every default filled in. */
export type ResolvedSqliteStorageOptions = z.output<typeof sqliteStorageOptionsSchema>;
/** The WAL settings, resolved. */
export type WalOptions = z.output<typeof walOptionsSchema>;
