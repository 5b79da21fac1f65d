import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import type { VectorIndex } from '../ann/vector-index.js';
import type { ResolvedCollectionConfig } from '../config.js';
import type { Keyring } from '../crypto/keyring.js';
import { openSealedFile, sealFile } from '../crypto/sealed-file.js';
import { isEngineError } from '../errors.js';

/** Format of a saved index's header; bump when the meaning of a saved file changes. */
const INDEX_FILE_VERSION = 1;

/** The facts a saved index carries in its (authenticated) header. */
interface IndexFileHeader {
  kind: 'hnsw-index';
  version: number;
  /** Hash of the collection name: names stay off the disk of an encrypted database. */
  collection: string;
  /** Every change-log entry up to this seq is in the index. */
  seq: number;
  /** Slots of deleted vectors the index still holds (tombstones until compaction). */
  deletedSlots?: number;
  dimensions: number;
  distance: string;
  quantization: string;
  m: number;
}

/** Where the saved indexes of the database at `dbPath` live. */
export function indexDir(dbPath: string): string {
  return `${dbPath}-index`;
}

/** The file a collection's saved index is kept in (backups copy it). */
export function indexFilePath(dbPath: string, collection: string): string {
  return join(indexDir(dbPath), `${hashName(collection)}.hnsw`);
}

const fileOf = indexFilePath;

function hashName(name: string): string {
  return createHash('sha256').update(`needle-collection:${name}`).digest('hex').slice(0, 32);
}

/**
 * A scratch file for the plaintext index while it is sealed or unsealed: on tmpfs
 * (`/dev/shm`, memory, not disk) when available, so an encrypted database never has a
 * plaintext index on disk; else beside the database.
 */
function scratchPath(dbPath: string): string {
  const base = existsSync('/dev/shm')
    ? '/dev/shm'
    : existsSync(tmpdir())
      ? tmpdir()
      : dirname(dbPath);
  return join(base, `needle-index-${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
}

/** Saves `index` (covering changes up to `seq`) beside the database, sealed. */
export async function saveIndexFile(
  dbPath: string,
  collection: string,
  config: ResolvedCollectionConfig,
  index: VectorIndex,
  seq: number,
  keyring: Keyring | undefined,
  deletedSlots = 0,
): Promise<{ bytes: number } | null> {
  if (!index.save) return null;
  mkdirSync(indexDir(dbPath), { recursive: true });
  const scratch = scratchPath(dbPath);
  try {
    index.save(scratch);
    const header: IndexFileHeader = {
      kind: 'hnsw-index',
      version: INDEX_FILE_VERSION,
      collection: hashName(collection),
      seq,
      deletedSlots,
      dimensions: config.dimensions,
      distance: config.distance,
      quantization: config.quantization,
      m: config.index.m,
    };
    const info = await sealFile(scratch, fileOf(dbPath, collection), {
      header: { ...header },
      key: keyring,
    });
    return { bytes: info.fileBytes };
  } finally {
    rmSync(scratch, { force: true });
  }
}

/** What opening a saved index found. */
export type LoadedIndex =
  | { status: 'loaded'; index: VectorIndex; seq: number; deletedSlots: number }
  | { status: 'missing' }
  | { status: 'damaged'; reason: string };

/**
 * Loads the saved index of a collection into `index` (a fresh, empty one of the right
 * kind). A missing file, a damaged or tampered one, or one saved for other settings is
 * reported, never thrown, so the caller can rebuild; a wrong key is thrown.
 */
export async function loadIndexFile(
  dbPath: string,
  collection: string,
  config: ResolvedCollectionConfig,
  index: VectorIndex,
  keyring: Keyring | undefined,
): Promise<LoadedIndex> {
  const file = fileOf(dbPath, collection);
  if (!existsSync(file) || !index.load) return { status: 'missing' };
  const scratch = scratchPath(dbPath);
  try {
    const info = await openSealedFile(file, scratch, {
      key: keyring,
      allowPlaintext: keyring === undefined,
    });
    const h = info.header as Partial<IndexFileHeader>;
    const expected = {
      dimensions: config.dimensions,
      distance: config.distance,
      quantization: config.quantization,
      m: config.index.m,
    };
    const mismatch = Object.entries(expected).find(([k, v]) => h[k as keyof IndexFileHeader] !== v);
    if (h.kind !== 'hnsw-index' || h.version !== INDEX_FILE_VERSION || typeof h.seq !== 'number') {
      return { status: 'damaged', reason: 'the saved index has an unknown header' };
    }
    if (mismatch) {
      return {
        status: 'damaged',
        reason: `the saved index was built with ${mismatch[0]} ${String(h[mismatch[0] as keyof IndexFileHeader])}, the collection has ${String(mismatch[1])}`,
      };
    }
    index.load(scratch);
    if (index.dimensions !== config.dimensions)
      return { status: 'damaged', reason: 'the saved index has other dimensions' };
    const deletedSlots = typeof h.deletedSlots === 'number' ? h.deletedSlots : 0;
    return { status: 'loaded', index, seq: h.seq, deletedSlots };
  } catch (err) {
    if (isEngineError(err, 'WRONG_KEY') || isEngineError(err, 'KEY_UNAVAILABLE')) throw err;
    const reason = isEngineError(err)
      ? err.message
      : `the saved index could not be read (${(err as Error).message})`;
    return { status: 'damaged', reason };
  } finally {
    rmSync(scratch, { force: true });
  }
}

/** Removes a collection's saved index (when it is dropped). */
export function removeIndexFile(dbPath: string, collection: string): void {
  rmSync(fileOf(dbPath, collection), { force: true });
}

/** Size of a collection's saved index on disk, or 0. */
export function indexFileBytes(dbPath: string, collection: string): number {
  const file = fileOf(dbPath, collection);
  return existsSync(file) ? statSync(file).size : 0;
}
