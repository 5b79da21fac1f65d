import { EngineError } from '../errors.js';

/** One stored object of a {@link BackupTarget}. */
export interface BackupObjectInfo {
  /** The object's name, e.g. `20250101T120000000Z-f-3a9c51d2/manifest.nsf`. */
  name: string;
  /** Its size in bytes. */
  bytes: number;
}

/**
 * Where backups are kept: a flat store of named, immutable objects, read and written as
 * streams so no object needs to fit in memory. Names are `/`-separated segments of letters,
 * digits, `.`, `_` and `-` (not starting with `.`), so they map onto file paths and object-store
 * keys alike.
 *
 * The contract every implementation keeps (the conformance suite in
 * `test/helpers/backup-target-conformance.ts` checks it):
 * - `put` is atomic: until it resolves, `get` and `list` do not show the object; an object that
 *   is shown is complete. Putting an existing name replaces it.
 * - `get` streams the bytes that were put, or resolves null when there is no such object.
 * - `list(prefix)` lists every object whose name starts with `prefix`, sorted by name.
 * - `delete` is idempotent: deleting a missing object is not an error.
 *
 * `LocalDirectoryTarget` keeps objects as files under a directory (a local disk or a mounted
 * network share). An S3-compatible store fits the same shape: `put` is a (multipart) upload,
 * `get` a GetObject body, `list` ListObjectsV2 with a prefix, `delete` DeleteObject; see
 * docs/runbooks/backup-and-restore.md.
 */
export interface BackupTarget {
  /** Where the objects go, for logs and reports (e.g. `file:///backups/needle`); no secrets. */
  readonly description: string;
  /** Stores `body` under `name`, replacing any object of that name; resolves with its size. */
  put(name: string, body: AsyncIterable<Uint8Array>): Promise<BackupObjectInfo>;
  /** The object's bytes as a stream, or null when there is no such object. */
  get(name: string): Promise<AsyncIterable<Uint8Array> | null>;
  /** Every object whose name starts with `prefix` (all of them for ''), sorted by name. */
  list(prefix?: string): Promise<BackupObjectInfo[]>;
  /** Removes the object; resolves whether or not it existed. */
  delete(name: string): Promise<void>;
}

// No leading dot: hidden names are left to implementations (temporary files of a put).
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}$/;

/** Checks an object name (see {@link BackupTarget}); `INVALID_INPUT` when it is not one. */
export function checkObjectName(name: string): string {
  const segments = name.split('/');
  const ok = name.length <= 1024 && segments.every((s) => SEGMENT.test(s));
  if (!ok) {
    throw new EngineError('INVALID_INPUT', `invalid backup object name ${JSON.stringify(name)}`, {
      help: 'Object names are "/"-separated segments of letters, digits, ".", "_" and "-", none starting with ".".',
      details: { name: name.slice(0, 200) },
    });
  }
  return name;
}
