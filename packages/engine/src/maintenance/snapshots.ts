import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';

import type { ResolvedCollectionConfig } from '../config.js';
import type { Keyring } from '../crypto/keyring.js';
import { readSealedChunks } from '../crypto/read-sealed-chunks.js';
import { sealChunks } from '../crypto/sealed-file.js';
import { EngineError, isEngineError } from '../errors.js';
import { decodeMutations, encodeMutationChunks } from '../storage/sqlite/mutation-codec.js';
import type { Mutation, Storage } from '../storage/storage.js';

/** Format of a snapshot's payload; bump when its meaning changes. */
const SNAPSHOT_VERSION = 1;
/** Plaintext bytes per sealed chunk: listing decrypts only the first one. */
const CHUNK_BYTES = 256 * 1024;
/** Records encoded per frame while scanning. */
const RECORDS_PER_FRAME = 1024;
const SNAPSHOT_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

/** One snapshot of a collection, as `listSnapshots` reports it. */
export interface SnapshotInfo {
  name: string;
  collection: string;
  /** When it was taken, ms since the epoch. */
  createdAt: number;
  /** Vectors it holds. */
  count: number;
  /** Bytes it takes (on disk, or in memory for `:memory:` databases). */
  bytes: number;
}

/** The facts a snapshot carries in its first frame (encrypted with the rest). */
interface SnapshotMeta {
  version: number;
  name: string;
  collection: string;
  createdAt: number;
  count: number;
  config: ResolvedCollectionConfig;
}

/** A snapshot read back in full: its facts and its records as `put` mutations. */
export interface SnapshotContents {
  meta: SnapshotMeta;
  records: Extract<Mutation, { op: 'put' }>[];
}

/**
 * Where a database keeps its collection snapshots. A snapshot is a sequence of frames
 * (`u32 length ‖ bytes`, little-endian): first the JSON facts, then the records packed by the
 * storage's mutation codec. `FileSnapshotStore` seals them into one file per snapshot;
 * `MemorySnapshotStore` keeps them for `:memory:` databases. Both have this shape.
 */
export interface SnapshotStore {
  /** Stores a snapshot; resolves with its size in bytes. */
  write(collection: string, name: string, frames: readonly Uint8Array[]): Promise<number>;
  /** True when the collection has a snapshot of this name. */
  has(collection: string, name: string): boolean;
  /** The frames of a snapshot, verified before each is yielded; null when there is none. */
  read(collection: string, name: string): AsyncIterable<Uint8Array> | null;
  /** The snapshots of a collection. */
  list(collection: string): Promise<SnapshotInfo[]>;
  /** Deletes one snapshot; false when there was none. */
  remove(collection: string, name: string): boolean;
  /** Deletes every snapshot of a collection (when it is dropped). */
  removeAll(collection: string): void;
}

/**
 * Snapshots as sealed files (ADR 6) under `<db>-snapshots/<hash of collection>/`, named by a
 * hash of collection and snapshot: encrypted under the database key when it has one, and
 * never showing a name on disk. Each file is written to a temporary name and renamed.
 */
export class FileSnapshotStore implements SnapshotStore {
  readonly #dir: string;
  readonly #keyring: Keyring | undefined;

  constructor(dbPath: string, keyring: Keyring | undefined) {
    this.#dir = `${dbPath}-snapshots`;
    this.#keyring = keyring;
  }

  async write(collection: string, name: string, frames: readonly Uint8Array[]): Promise<number> {
    mkdirSync(this.#collectionDir(collection), { recursive: true });
    const info = await sealChunks(frames, this.#file(collection, name), {
      header: {
        kind: 'collection-snapshot',
        version: SNAPSHOT_VERSION,
        collection: hash(collection),
      },
      key: this.#keyring,
      chunkSize: CHUNK_BYTES,
    });
    return info.fileBytes;
  }

  has(collection: string, name: string): boolean {
    return existsSync(this.#file(collection, name));
  }

  read(collection: string, name: string): AsyncIterable<Uint8Array> | null {
    const file = this.#file(collection, name);
    if (!existsSync(file)) return null;
    return readSealedChunks(file, {
      key: this.#keyring,
      allowPlaintext: this.#keyring === undefined,
    });
  }

  async list(collection: string): Promise<SnapshotInfo[]> {
    const dir = this.#collectionDir(collection);
    if (!existsSync(dir)) return [];
    const out: SnapshotInfo[] = [];
    for (const entry of readdirSync(dir)) {
      if (!entry.endsWith('.snap')) continue;
      const file = join(dir, entry);
      const chunks = readSealedChunks(file, {
        key: this.#keyring,
        allowPlaintext: this.#keyring === undefined,
      });
      // Only the first frame is needed; the reader stops (and closes the file) after it.
      const meta = await readMeta(chunks);
      const { size } = await stat(file);
      out.push(infoOf(meta, size));
    }
    return out;
  }

  remove(collection: string, name: string): boolean {
    const file = this.#file(collection, name);
    if (!existsSync(file)) return false;
    rmSync(file, { force: true });
    return true;
  }

  removeAll(collection: string): void {
    rmSync(this.#collectionDir(collection), { recursive: true, force: true });
  }

  #collectionDir(collection: string): string {
    return join(this.#dir, hash(collection));
  }

  #file(collection: string, name: string): string {
    return join(this.#collectionDir(collection), `${hash(`${collection}\u0000${name}`)}.snap`);
  }
}

/** Snapshots of a `:memory:` database: the frames, kept in this process. */
export class MemorySnapshotStore implements SnapshotStore {
  readonly #snapshots = new Map<
    string,
    Map<string, { frames: Uint8Array[]; meta: SnapshotMeta }>
  >();

  write(collection: string, name: string, frames: readonly Uint8Array[]): Promise<number> {
    const copies = frames.map((f) => Uint8Array.from(f));
    const meta = parseMeta(copies[0]!.subarray(4));
    let byName = this.#snapshots.get(collection);
    if (!byName) {
      byName = new Map<string, { frames: Uint8Array[]; meta: SnapshotMeta }>();
      this.#snapshots.set(collection, byName);
    }
    byName.set(name, { frames: copies, meta });
    return Promise.resolve(copies.reduce((sum, f) => sum + f.byteLength, 0));
  }

  has(collection: string, name: string): boolean {
    return this.#snapshots.get(collection)?.has(name) ?? false;
  }

  read(collection: string, name: string): AsyncIterable<Uint8Array> | null {
    const snapshot = this.#snapshots.get(collection)?.get(name);
    if (!snapshot) return null;
    const { frames } = snapshot;
    return (async function* () {
      for (const frame of frames) yield frame;
    })();
  }

  list(collection: string): Promise<SnapshotInfo[]> {
    const byName = this.#snapshots.get(collection);
    if (!byName) return Promise.resolve([]);
    return Promise.resolve(
      [...byName.values()].map(({ frames, meta }) =>
        infoOf(
          meta,
          frames.reduce((sum, f) => sum + f.byteLength, 0),
        ),
      ),
    );
  }

  remove(collection: string, name: string): boolean {
    return this.#snapshots.get(collection)?.delete(name) ?? false;
  }

  removeAll(collection: string): void {
    this.#snapshots.delete(collection);
  }
}

/** Checks a snapshot name: 1 to 128 letters, digits, `_`, `-` or `.`. */
export function validateSnapshotName(name: unknown): string {
  if (typeof name !== 'string' || !SNAPSHOT_NAME.test(name) || name === '.' || name === '..') {
    throw new EngineError('INVALID_INPUT', `invalid snapshot name ${JSON.stringify(name)}`, {
      help: 'Use 1 to 128 letters, digits, "_", "-" or ".".',
      details: { snapshot: typeof name === 'string' ? name.slice(0, 200) : String(name) },
    });
  }
  return name;
}

/** A snapshot name from the time, for callers that give none: `20240131-120501-123`. */
export function defaultSnapshotName(now: number): string {
  return new Date(now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace('T', '-')
    .replace('Z', '')
    .replace('.', '-');
}

/**
 * Reads a collection's committed records from storage into snapshot frames. The scan is one
 * read of the store's last committed state, so the snapshot is consistent; vectors that have
 * already expired are left out.
 */
export function captureSnapshot(
  storage: Storage,
  collection: string,
  config: ResolvedCollectionConfig,
  name: string,
  now: number,
): { frames: Uint8Array[]; count: number } {
  const body: Uint8Array[] = [];
  let batch: Mutation[] = [];
  let count = 0;
  const flush = (): void => {
    if (batch.length === 0) return;
    for (const chunk of encodeMutationChunks(batch)) body.push(frame(chunk));
    batch = [];
  };
  storage.scan(collection, (r) => {
    if (r.expiresAt !== null && r.expiresAt <= now) return;
    batch.push({
      op: 'put',
      key: count,
      id: r.id,
      // The reader may reuse its row buffer: keep a copy.
      vector: Float32Array.from(r.vector),
      metadata: r.metadata,
      expiresAt: r.expiresAt,
    });
    count += 1;
    if (batch.length >= RECORDS_PER_FRAME) flush();
  });
  flush();
  const meta: SnapshotMeta = {
    version: SNAPSHOT_VERSION,
    name,
    collection,
    createdAt: now,
    count,
    config,
  };
  return { frames: [frame(Buffer.from(JSON.stringify(meta), 'utf8')), ...body], count };
}

/**
 * Reads a whole snapshot back, verifying every byte before returning: a damaged, truncated or
 * tampered snapshot is refused (`SEALED_FILE_CORRUPT`), never half restored.
 */
export async function readSnapshot(stream: AsyncIterable<Uint8Array>): Promise<SnapshotContents> {
  let meta: SnapshotMeta | undefined;
  const records: SnapshotContents['records'] = [];
  let sinceYield = 0;
  for await (const payload of frames(stream)) {
    if (!meta) {
      meta = parseMeta(payload);
      continue;
    }
    decodeMutations(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength), (m) => {
      if (m.op !== 'put' || m.vector === null) throw damaged('a record is not a vector');
      records.push({
        op: 'put',
        key: m.key,
        id: m.id,
        vector: new Float32Array(
          m.vector.buffer.slice(m.vector.byteOffset, m.vector.byteOffset + m.vector.byteLength),
        ),
        metadata: m.metadata,
        expiresAt: m.expiresAt,
      });
    });
    sinceYield += payload.byteLength;
    if (sinceYield > 4 * 1024 * 1024) {
      sinceYield = 0;
      await yieldToLoop();
    }
  }
  if (!meta) throw damaged('it holds no header frame');
  if (records.length !== meta.count)
    throw damaged(`it holds ${records.length} records, its header says ${meta.count}`);
  return { meta, records };
}

/** Splits a byte stream into its frames. */
async function* frames(stream: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let pending = new Uint8Array(0);
  for await (const piece of stream) {
    // Copy: a sealed reader reuses its chunk buffer.
    const joined = new Uint8Array(pending.length + piece.length);
    joined.set(pending, 0);
    joined.set(piece, pending.length);
    pending = joined;
    let at = 0;
    while (pending.length - at >= 4) {
      const length = new DataView(pending.buffer, pending.byteOffset + at, 4).getUint32(0, true);
      if (pending.length - at - 4 < length) break;
      yield pending.subarray(at + 4, at + 4 + length);
      at += 4 + length;
    }
    pending = pending.slice(at);
  }
  if (pending.length > 0) throw damaged('it ends inside a frame');
}

async function readMeta(chunks: AsyncGenerator<Uint8Array>): Promise<SnapshotMeta> {
  try {
    for await (const payload of frames(chunks)) return parseMeta(payload);
  } finally {
    await chunks.return(undefined);
  }
  throw damaged('it holds no header frame');
}

function parseMeta(payload: Uint8Array): SnapshotMeta {
  let meta: Partial<SnapshotMeta>;
  try {
    meta = JSON.parse(Buffer.from(payload).toString('utf8')) as Partial<SnapshotMeta>;
  } catch (err) {
    if (isEngineError(err)) throw err;
    throw damaged('its header frame is not JSON');
  }
  if (
    meta.version !== SNAPSHOT_VERSION ||
    typeof meta.name !== 'string' ||
    typeof meta.count !== 'number' ||
    typeof meta.createdAt !== 'number' ||
    typeof meta.config !== 'object'
  ) {
    throw damaged('its header frame is not a snapshot header of this version');
  }
  return meta as SnapshotMeta;
}

function infoOf(meta: SnapshotMeta, bytes: number): SnapshotInfo {
  return {
    name: meta.name,
    collection: meta.collection,
    createdAt: meta.createdAt,
    count: meta.count,
    bytes,
  };
}

function frame(payload: Uint8Array): Uint8Array {
  const out = Buffer.allocUnsafe(4 + payload.byteLength);
  out.writeUInt32LE(payload.byteLength, 0);
  out.set(payload, 4);
  return out;
}

function damaged(why: string): EngineError {
  return new EngineError('SEALED_FILE_CORRUPT', `the snapshot is damaged: ${why}`, {
    help: 'Take a new snapshot; this one cannot be restored.',
    details: { reason: 'chunk' },
  });
}

function hash(text: string): string {
  return createHash('sha256').update(`needle-snapshot:${text}`).digest('hex').slice(0, 32);
}
