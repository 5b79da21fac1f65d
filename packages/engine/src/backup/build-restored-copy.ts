import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

import { writeAll } from '../crypto/file-io.js';
import { readSealedChunks } from '../crypto/read-sealed-chunks.js';
import type { ResolvedKey } from '../crypto/resolved-key.js';
import { openSealedFile, sealFile } from '../crypto/sealed-file.js';
import { readSealedHeader } from '../crypto/sealed-header.js';
import { wrongKey } from '../crypto/sealed-file-errors.js';
import { EngineError } from '../errors.js';
import { indexFilePath } from '../persistence/index-files.js';
import { FORMAT_VERSION, migrateDatabase } from '../storage/sqlite/migrate-database.js';
import {
  openConnection,
  rekeyConnection,
  type Connection,
} from '../storage/sqlite/open-connection.js';
import { applyIncremental, type StopPoint } from './apply-incremental.js';
import { backupCorrupt, inBackupTerms } from './backup-errors.js';
import type { BackupManifest, BackupObject } from './backup-manifest.js';
import { downloadObject, type BackupKeys } from './backup-objects.js';
import type { BackupTarget } from './backup-target.js';
import { decompressing } from './compression.js';
import { readFrames } from './frame-codec.js';
import { readSnapshotFacts } from './snapshot-facts.js';

/** Progress of a restore: `phase`, and bytes or records done of a total when known. */
export type RestoreProgress = (phase: string, done: number, total: number | null) => void;

/** What building a restored copy made. */
export interface BuiltCopy {
  /** The key the copy's pages are encrypted with, or null for a plaintext copy. */
  fileKey: ResolvedKey | null;
  /** Saved indexes placed beside the copy (the others are rebuilt on open). */
  indexes: number;
  /** The change-log seq the copy is at. */
  seq: number;
  /** When stopped inside the last backup: the commit time of the last change applied (or null). */
  at: number | null;
  /** The copy's collections and vector counts. */
  collections: { name: string; vectors: number }[];
}

/**
 * Builds the database a chain describes at `copyPath` (a new file in a scratch directory):
 * the full backup's copy, every incremental applied in order, re-encrypted under `fileKey`
 * when given (else it keeps the key its pages had), checked with SQLite's integrity check and
 * against every manifest's vector counts, and the saved indexes of the full backup placed
 * beside it where they still fit. Every object is checked against its manifest's size and
 * SHA-256 before it is read.
 */
export async function buildRestoredCopy(args: {
  target: BackupTarget;
  chain: readonly BackupManifest[];
  keys: BackupKeys;
  workDir: string;
  copyPath: string;
  /** Re-encrypt the copy under this key; undefined keeps the key of the backed-up pages. */
  fileKey: ResolvedKey | null | undefined;
  /** Stop inside the last (incremental) backup of the chain at this point (docs/adr/0022). */
  stop?: StopPoint | null;
  progress: RestoreProgress;
}): Promise<BuiltCopy> {
  const { chain, keys, copyPath, progress } = args;
  const full = chain[0]!;
  const last = chain.at(-1)!;
  if (full.databaseFormatVersion > FORMAT_VERSION || last.databaseFormatVersion > FORMAT_VERSION) {
    throw new EngineError(
      'UNSUPPORTED_FORMAT_VERSION',
      `backup ${last.id} holds a database of format version ${last.databaseFormatVersion}; this build reads up to ${FORMAT_VERSION}`,
      {
        help: 'Restore it with a newer Needle.',
        details: { backupId: last.id, formatVersion: last.databaseFormatVersion },
      },
    );
  }
  const pageKey = full.pageKeyId === null ? null : (keys.keyring?.get(full.pageKeyId) ?? null);
  if (full.pageKeyId !== null && pageKey === null) {
    throw inBackupTerms(
      wrongKey(full.pageKeyId, keys.keyring?.keyIds ?? []),
      full.id,
      'database pages',
    );
  }
  if (args.fileKey === null && pageKey !== null) {
    throw new EngineError(
      'INVALID_INPUT',
      'an encrypted backup cannot be restored into a plaintext file',
      {
        help: 'Give the restored database a key (or leave it out to keep the key the backup was taken under).',
      },
    );
  }

  await restoreObject(args, full, role(full, 'database'), async (plain) => {
    const out = await open(copyPath, 'wx', 0o600);
    try {
      for await (const piece of plain) await writeAll(out, piece);
    } finally {
      await out.close();
    }
  });

  let conn: Connection;
  try {
    conn = openConnection(copyPath, {
      readonly: false,
      cipherKey: pageKey?.key,
      busyTimeoutMs: 5000,
    });
  } catch (err) {
    throw backupCorrupt(full.id, 'payload', 'its database copy does not open', { cause: err });
  }
  const replaced = new Set<string>();
  let reached = { seq: last.seqTo, at: null as number | null };
  let collections: { name: string; vectors: number }[] = [];
  try {
    // A scratch file: durability comes from one fsync at the end, not per transaction.
    conn.pragma('synchronous=OFF');
    await migrateDatabase(conn);
    checkCounts(conn, full);
    for (const incremental of chain.slice(1)) {
      const object = role(incremental, 'changes');
      const stop = incremental === last ? (args.stop ?? undefined) : undefined;
      await restoreObject(args, incremental, object, async (plain) => {
        const applied = await applyIncremental(
          conn,
          incremental.id,
          readFrames(plain),
          (done) => progress('apply', done, null),
          stop,
        );
        for (const name of applied.replaced) replaced.add(name);
        reached = { seq: applied.seq, at: applied.at };
      });
      // Stopped inside it, the copy is at another point than the manifest describes.
      if (stop) checkSeq(conn, incremental, reached.seq);
      else checkCounts(conn, incremental);
    }
    if (args.stop && chain.length < 2) {
      throw new EngineError('INTERNAL_ERROR', 'a restore cannot stop inside a full backup', {
        help: 'This is a bug: the restore point selection chose a full backup to stop inside.',
      });
    }
    collections = readSnapshotFacts(conn).collections.map((c) => ({
      name: c.name,
      vectors: c.vectors,
    }));
    const fileKey = args.fileKey === undefined ? pageKey : args.fileKey;
    if (fileKey !== null && fileKey.keyId !== pageKey?.keyId) {
      progress('encrypt', 0, null);
      if (pageKey === null) conn.pragma(`cipher='chacha20'`);
      rekeyConnection(conn, fileKey.key);
    }
    progress('integrity-check', 0, null);
    const problems = conn.pragma('integrity_check', { simple: false }) as {
      integrity_check: string;
    }[];
    if (problems.length !== 1 || problems[0]!.integrity_check !== 'ok') {
      throw backupCorrupt(
        last.id,
        'verification',
        `the restored copy fails SQLite's integrity check (${problems[0]?.integrity_check ?? 'no result'})`,
      );
    }
  } finally {
    conn.close();
  }
  const handle = await open(copyPath, 'r+');
  await handle.sync();
  await handle.close();

  const fileKey = args.fileKey === undefined ? pageKey : args.fileKey;
  const indexes = await placeIndexes(args, full, last, replaced, fileKey);
  return { fileKey, indexes, seq: reached.seq, at: reached.at, collections };
}

/** Downloads one object, checks it, opens its seal and hands the decompressed payload to `use`. */
async function restoreObject(
  args: { target: BackupTarget; keys: BackupKeys; workDir: string; progress: RestoreProgress },
  manifest: BackupManifest,
  object: BackupObject,
  use: (plain: AsyncIterable<Uint8Array>) => Promise<void>,
): Promise<void> {
  const local = join(args.workDir, `${manifest.id}.${object.role}.nsf`);
  try {
    await downloadObject(args.target, manifest.id, object.name, local, object, (done) =>
      args.progress('download', done, object.bytes),
    );
    await checkSealedHeader(local, manifest, object);
    const chunks = readSealedChunks(local, {
      key: args.keys.keyring ?? undefined,
      allowPlaintext: args.keys.allowUnencrypted,
      onProgress: (p) => args.progress('decrypt', p.doneBytes, p.totalBytes),
    });
    await use(decompressing(chunks, manifest.compression));
  } catch (err) {
    throw inBackupTerms(
      err instanceof RangeError
        ? backupCorrupt(manifest.id, 'payload', `${object.name}: ${err.message}`, {
            object: object.name,
            cause: err,
          })
        : err,
      manifest.id,
      object.name,
    );
  } finally {
    rmSync(local, { force: true });
  }
}

/** The sealed header must name this backup and role, under the manifest's key. */
async function checkSealedHeader(
  local: string,
  manifest: BackupManifest,
  object: BackupObject,
): Promise<void> {
  const info = await readSealedHeader(local);
  const h = info.header;
  if (
    info.keyId !== manifest.keyId ||
    h.kind !== 'needle-backup-object' ||
    h.backupId !== manifest.id ||
    h.role !== object.role
  ) {
    throw backupCorrupt(
      manifest.id,
      'sealed-object',
      `${object.name} is not the ${object.role} object of this backup`,
      {
        object: object.name,
      },
    );
  }
}

function role(manifest: BackupManifest, wanted: 'database' | 'changes'): BackupObject {
  const object = manifest.objects.find((o) => o.role === wanted);
  if (!object)
    throw backupCorrupt(manifest.id, 'manifest', `its manifest lists no ${wanted} object`);
  return object;
}

/** The restored copy must hold exactly the collections and vector counts the manifest lists. */
function checkCounts(conn: Connection, manifest: BackupManifest): void {
  const facts = readSnapshotFacts(conn);
  const found = facts.collections.map((c) => `${c.name}:${c.createdAt}:${c.vectors}`).join(',');
  const expected = manifest.collections
    .map((c) => `${c.name}:${c.createdAt}:${c.vectors}`)
    .join(',');
  if (found !== expected || facts.seq !== manifest.seqTo) {
    throw backupCorrupt(
      manifest.id,
      'verification',
      facts.seq !== manifest.seqTo
        ? `the restored copy is at seq ${facts.seq}, the manifest says ${manifest.seqTo}`
        : 'the restored collections or vector counts differ from the manifest',
      { details: { found: facts.collections.map((c) => ({ name: c.name, vectors: c.vectors })) } },
    );
  }
}

/** A copy stopped inside `manifest` must be at the seq it stopped at. */
function checkSeq(conn: Connection, manifest: BackupManifest, seq: number): void {
  const found = readSnapshotFacts(conn).seq;
  if (found !== seq) {
    throw backupCorrupt(
      manifest.id,
      'verification',
      `the restored copy is at seq ${found}, the restore stopped at ${seq}`,
    );
  }
}

/**
 * Puts the full backup's saved indexes beside the copy, re-sealed under the copy's key when
 * that differs from the one they were sealed with. Indexes of collections dropped or re-created
 * later in the chain are left out; so is any index that cannot be read: indexes are derived
 * data, and opening the copy rebuilds what is missing (replaying the restored change log onto
 * those that are there).
 */
async function placeIndexes(
  args: {
    target: BackupTarget;
    keys: BackupKeys;
    workDir: string;
    copyPath: string;
    progress: RestoreProgress;
  },
  full: BackupManifest,
  last: BackupManifest,
  replaced: ReadonlySet<string>,
  fileKey: ResolvedKey | null,
): Promise<number> {
  let placed = 0;
  const present = new Map(last.collections.map((c) => [c.name, c.createdAt]));
  for (const object of full.objects) {
    const collection = object.collection;
    if (object.role !== 'index' || collection === null) continue;
    const kept = full.collections.find((c) => c.name === collection);
    if (replaced.has(collection) || !kept || present.get(collection) !== kept.createdAt) continue;
    const destination = indexFilePath(args.copyPath, collection);
    const inner = join(args.workDir, `${full.id}.index.inner`);
    try {
      // A damaged index object is a damaged backup: refused like any other object.
      await restoreObject(args, full, object, async (plain) => {
        const out = await open(inner, 'w', 0o600);
        try {
          for await (const piece of plain) await writeAll(out, piece);
        } finally {
          await out.close();
        }
      });
      mkdirSync(dirname(destination), { recursive: true });
      try {
        const info = await readSealedHeader(inner);
        if (info.keyId === (fileKey?.keyId ?? null)) renameSync(inner, destination);
        else await reseal(inner, destination, args.keys, fileKey);
        placed += 1;
      } catch {
        // Its old key is not at hand (or it is unreadable): the index is rebuilt on open.
        rmSync(destination, { force: true });
      }
    } finally {
      rmSync(inner, { force: true });
    }
  }
  return placed;
}

/** Re-seals an index under `fileKey`, through a scratch file on tmpfs (as ADR 8 saves them). */
async function reseal(
  inner: string,
  destination: string,
  keys: BackupKeys,
  fileKey: ResolvedKey | null,
): Promise<void> {
  const scratch = join(
    existsSync('/dev/shm') ? '/dev/shm' : tmpdir(),
    `needle-restore-${process.pid}-${randomBytes(6).toString('hex')}.tmp`,
  );
  try {
    const info = await openSealedFile(inner, scratch, {
      key: keys.keyring ?? undefined,
      allowPlaintext: true,
    });
    await sealFile(scratch, destination, { header: info.header, key: fileKey ?? undefined });
  } finally {
    rmSync(scratch, { force: true });
  }
}
