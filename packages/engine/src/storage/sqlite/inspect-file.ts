import { closeSync, existsSync, openSync, readSync, rmSync, statSync } from 'node:fs';

import { EngineError } from '../../errors.js';
import { FORMAT_VERSION } from './migrate-database.js';
import { openConnection } from './open-connection.js';

/** What {@link inspectFile} found: nothing yet (create it) or a Needle database it can open. */
export type FileState = { kind: 'new' } | { kind: 'needle'; formatVersion: number };

/** What a file's first 100 bytes say it is. */
export type HeaderKind = 'sqlite' | 'encrypted-sqlite' | 'unknown';

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
/** Tables SQLite and the migrator create before Needle's first migration has committed. */
const BOOKKEEPING_TABLES = new Set(['sqlite_sequence', '__drizzle_migrations']);

/**
 * Decides, without writing a byte, whether `path` can be opened by this build: read-only,
 * before any migration or WAL write. A missing or empty file is `new`; a Needle file of this
 * format version or an older one is `needle`. Everything else throws and leaves the file as it
 * was: `WRONG_KEY` (encrypted and no key or another key; or a key for a plaintext file),
 * `NOT_A_DATABASE`, `UNSUPPORTED_FORMAT_VERSION` (written by a newer build).
 */
export function inspectFile(
  path: string,
  cipherKey: Uint8Array | undefined,
  busyTimeoutMs: number,
): FileState {
  if (!existsSync(path) || statSync(path).size === 0) return { kind: 'new' };
  const header = classifyHeader(readHeader(path));
  if (header === 'unknown') throw notNeedle(path, 'it is not an SQLite file');
  if (header === 'sqlite' && cipherKey) {
    throw wrongKey(
      path,
      'the file is not encrypted, but a cipherKey was given',
      'Open it without a key.',
    );
  }
  if (header === 'encrypted-sqlite' && !cipherKey) {
    throw wrongKey(
      path,
      'the file is encrypted and no cipherKey was given',
      'Pass the key the file was written with.',
    );
  }
  const sideFiles = [`${path}-wal`, `${path}-shm`].filter((f) => !existsSync(f));
  try {
    return readFormat(path, header, cipherKey, busyTimeoutMs);
  } catch (err) {
    // A read-only open of a WAL file may leave an empty -wal and a -shm behind; a refused file
    // must look exactly as it did.
    for (const file of sideFiles)
      if (existsSync(file) && (file.endsWith('-shm') || statSync(file).size === 0)) rmSync(file);
    throw err;
  }
}

/** Classifies a header. SQLite3MultipleCiphers encrypts bytes 0–15 and 24+ of page 1 but keeps 16–23 (page size, versions, payload fractions) readable. */
export function classifyHeader(header: Buffer): HeaderKind {
  if (header.length >= 24 && header.subarray(0, 16).equals(SQLITE_MAGIC)) return 'sqlite';
  if (header.length < 24) return 'unknown';
  const pageSize = header.readUInt16BE(16);
  const validPageSize =
    pageSize === 1 || (pageSize >= 512 && pageSize <= 32768 && (pageSize & (pageSize - 1)) === 0);
  const versions = [header[18], header[19]].every((v) => v === 1 || v === 2);
  const fractions = header[21] === 64 && header[22] === 32 && header[23] === 32;
  return validPageSize && versions && fractions ? 'encrypted-sqlite' : 'unknown';
}

function readHeader(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(100);
    const n = readSync(fd, header, 0, header.length, 0);
    return header.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

function readFormat(
  path: string,
  header: HeaderKind,
  cipherKey: Uint8Array | undefined,
  busyTimeoutMs: number,
): FileState {
  let db;
  try {
    db = openConnection(path, { readonly: true, cipherKey, busyTimeoutMs });
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'SQLITE_NOTADB') throw err;
    if (header === 'encrypted-sqlite')
      throw wrongKey(
        path,
        'the cipherKey does not decrypt the file',
        'Pass the key the file was written with.',
        err,
      );
    throw notNeedle(path, 'its SQLite header is damaged', err);
  }
  try {
    const tables = db
      .prepare<[], string>(`SELECT name FROM sqlite_master WHERE type = 'table'`)
      .pluck()
      .all()
      .filter((name) => !BOOKKEEPING_TABLES.has(name));
    if (tables.length === 0) return { kind: 'new' };
    if (!tables.includes('meta'))
      throw notNeedle(
        path,
        `it is an SQLite database without Needle's tables (has ${tables.slice(0, 5).join(', ')})`,
      );
    const value = db
      .prepare<[], string>(`SELECT value FROM meta WHERE key = 'format_version'`)
      .pluck()
      .get();
    const version = Number(value);
    if (!Number.isInteger(version) || version < 1)
      throw notNeedle(path, 'it has no valid format version');
    if (version > FORMAT_VERSION) {
      throw new EngineError(
        'UNSUPPORTED_FORMAT_VERSION',
        `cannot open "${path}": it was written by a newer Needle (format version ${version}; this build reads up to ${FORMAT_VERSION})`,
        {
          help: 'Upgrade Needle to open this file. It was not modified.',
          details: { path, formatVersion: version, supported: FORMAT_VERSION },
        },
      );
    }
    return { kind: 'needle', formatVersion: version };
  } finally {
    db.close();
  }
}

function notNeedle(path: string, why: string, cause?: unknown): EngineError {
  return new EngineError(
    'NOT_A_DATABASE',
    `cannot open "${path}": not a Needle database (${why})`,
    {
      help: 'Check the path; a Needle database is a .needle file created by Needle. The file was not modified.',
      details: { path },
      cause,
    },
  );
}

function wrongKey(path: string, why: string, help: string, cause?: unknown): EngineError {
  return new EngineError('WRONG_KEY', `cannot open "${path}": ${why}`, {
    help: `${help} The file was not modified.`,
    details: { path },
    cause,
  });
}
