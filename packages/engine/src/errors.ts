/**
 * Every failure the engine reports carries one of these codes. The codes are part of the
 * public contract (the REST API returns them verbatim), so they never change meaning.
 */
export const ENGINE_ERROR_CODES = {
  /** A field of an options object or request has the wrong type or is out of range. */
  INVALID_INPUT: 'INVALID_INPUT',
  /** A collection name is not `^[A-Za-z0-9_-]{1,256}$`. */
  INVALID_COLLECTION_NAME: 'INVALID_COLLECTION_NAME',
  /** `dimensions` is not a positive integer. */
  INVALID_DIMENSIONS: 'INVALID_DIMENSIONS',
  /** `dimensions` exceeds the configured maximum (65 536 by default). */
  DIMENSIONS_TOO_LARGE: 'DIMENSIONS_TOO_LARGE',
  /** A vector id is empty, too long (over 1024 UTF-8 bytes) or has control characters. */
  INVALID_VECTOR_ID: 'INVALID_VECTOR_ID',
  /** A vector is empty or holds NaN or ±Infinity (the message names the index). */
  INVALID_VECTOR: 'INVALID_VECTOR',
  /** A vector's length differs from the collection's dimensions. */
  DIMENSION_MISMATCH: 'DIMENSION_MISMATCH',
  /** Metadata is nested deeper than the limit (10 levels by default). */
  METADATA_TOO_DEEP: 'METADATA_TOO_DEEP',
  /** Metadata serializes to more bytes than the limit (64 KiB by default). */
  METADATA_TOO_LARGE: 'METADATA_TOO_LARGE',
  /** A batch operation was given no items. */
  EMPTY_BATCH: 'EMPTY_BATCH',
  /** A batch holds more items than the limit (10 000 by default). */
  BATCH_TOO_LARGE: 'BATCH_TOO_LARGE',
  /** `k` is not an integer in 1..maxK. */
  INVALID_K: 'INVALID_K',
  /** A filter is malformed (the message gives the path of the offending part). */
  INVALID_FILTER: 'INVALID_FILTER',
  /** A post-filter is malformed. */
  INVALID_POST_FILTER: 'INVALID_POST_FILTER',
  /** `postFilterFactor` is not a number ≥ 1. */
  INVALID_POST_FILTER_FACTOR: 'INVALID_POST_FILTER_FACTOR',
  /** An unknown distance metric was named. */
  INVALID_DISTANCE: 'INVALID_DISTANCE',
  /** A limit or offset is out of range. */
  INVALID_LIMIT: 'INVALID_LIMIT',
  /** A radius search's `maxDistance` is not a finite number. */
  INVALID_MAX_DISTANCE: 'INVALID_MAX_DISTANCE',
  /** A `searchAfter` cursor is malformed. */
  INVALID_CURSOR: 'INVALID_CURSOR',
  /** A zero vector was given to a cosine collection, where its direction is undefined. */
  ZERO_VECTOR: 'ZERO_VECTOR',
  /** No collection has that name. */
  COLLECTION_NOT_FOUND: 'COLLECTION_NOT_FOUND',
  /** No live vector has that id. */
  VECTOR_NOT_FOUND: 'VECTOR_NOT_FOUND',
  /** A collection with that name already exists. */
  COLLECTION_EXISTS: 'COLLECTION_EXISTS',
  /** A vector with that id already exists (use upsert to replace it). */
  VECTOR_EXISTS: 'VECTOR_EXISTS',
  /** No snapshot of the collection has that name. */
  SNAPSHOT_NOT_FOUND: 'SNAPSHOT_NOT_FOUND',
  /** The collection already has a snapshot of that name. */
  SNAPSHOT_EXISTS: 'SNAPSHOT_EXISTS',
  /** Another long operation (compaction, calibration, rebuild, restore) is running on the collection. */
  OPERATION_IN_PROGRESS: 'OPERATION_IN_PROGRESS',
  /** The database or collection has been closed or dropped. */
  CLOSED: 'CLOSED',
  /**
   * The encryption key could not be obtained: its environment variable is unset or empty, its
   * file is missing or unreadable, or its command failed, timed out or printed nothing.
   */
  KEY_UNAVAILABLE: 'KEY_UNAVAILABLE',
  /**
   * The key material is malformed: not 32 bytes written as hex or base64 (with `kdf: 'none'`),
   * all zeros, a passphrase that is too short, or a KDF salt that is missing or too short.
   */
  INVALID_KEY: 'INVALID_KEY',
  /**
   * The file was encrypted under another key than the one(s) given (the message and
   * `details.neededKeyId` name the key id it needs), or it is not encrypted although a key was
   * required.
   */
  WRONG_KEY: 'WRONG_KEY',
  /**
   * A sealed file (saved index, backup, export) failed its integrity check: it is not a sealed
   * file, or it was damaged, truncated, extended, reordered or tampered with (`details.reason`).
   */
  SEALED_FILE_CORRUPT: 'SEALED_FILE_CORRUPT',
  /**
   * A backup failed its integrity check: an object is missing, its size or SHA-256 differs from
   * the manifest, a sealed object is damaged or truncated, or the restored copy does not match
   * the manifest (`details.reason`, `details.backupId`, `details.object`). Nothing was restored.
   */
  BACKUP_CORRUPT: 'BACKUP_CORRUPT',
  /** No backup has that id in the target (or the target holds no backup to restore). */
  BACKUP_NOT_FOUND: 'BACKUP_NOT_FOUND',
  /**
   * A backup's chain cannot be followed: a parent it builds on is missing from the target, or
   * the links do not fit (seq ranges, database ids); `details.missingId` names the lost link.
   */
  BACKUP_CHAIN_BROKEN: 'BACKUP_CHAIN_BROKEN',
  /** The backup cannot be deleted: later backups of its chain build on it. */
  BACKUP_IN_USE: 'BACKUP_IN_USE',
  /**
   * A point-in-time restore asked for a seq or time that no chain in the target covers: before
   * every full backup, or after the newest backup (`details.ranges` lists what is covered).
   */
  RESTORE_POINT_OUT_OF_RANGE: 'RESTORE_POINT_OUT_OF_RANGE',
  /**
   * The point is inside a backup that can only be restored whole: it carries no value log
   * (taken from a file before format 2) or a collection was dropped within it (`details.reason`).
   */
  RESTORE_POINT_UNAVAILABLE: 'RESTORE_POINT_UNAVAILABLE',
  /** A file was written by a newer format version than this build reads; it is left untouched. */
  UNSUPPORTED_FORMAT_VERSION: 'UNSUPPORTED_FORMAT_VERSION',
  /** The file is not a Needle database (not SQLite at all, or SQLite without Needle's tables). */
  NOT_A_DATABASE: 'NOT_A_DATABASE',
  /** A write was refused because the disk is full; committed data is intact, retry once space returns. */
  DISK_FULL: 'DISK_FULL',
  /** The store of record failed to read or write (I/O error, corruption, file locked by another process). */
  STORAGE_ERROR: 'STORAGE_ERROR',
  /** An invariant broke inside the engine; this is a bug, never the caller's fault. */
  INTERNAL_ERROR: 'INTERNAL_ERROR',
} as const;

/** One of the engine's stable error codes. */
export type EngineErrorCode = keyof typeof ENGINE_ERROR_CODES;

/** Extra, machine-readable facts about an error (the offending path, index, limit...). */
export type EngineErrorDetails = Readonly<Record<string, unknown>>;

/**
 * The one error class of `@needle/engine`. `message` says what went wrong, `help` says what
 * to do about it, `code` is stable and `cause` keeps the original error, if any.
 *
 * @example
 * ```ts
 * try { await docs.insert({ id: 'a', vector: [1, 2] }); }
 * catch (err) { if (err instanceof EngineError && err.code === 'DIMENSION_MISMATCH') ... }
 * ```
 */
export class EngineError extends Error {
  override readonly name = 'EngineError';
  readonly code: EngineErrorCode;
  readonly help: string;
  readonly details: EngineErrorDetails;

  constructor(
    code: EngineErrorCode,
    message: string,
    options: { help: string; details?: EngineErrorDetails; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.help = options.help;
    this.details = options.details ?? {};
  }
}

/** True when `err` is an {@link EngineError}, optionally with the given code. */
export function isEngineError(err: unknown, code?: EngineErrorCode): err is EngineError {
  return err instanceof EngineError && (code === undefined || err.code === code);
}
