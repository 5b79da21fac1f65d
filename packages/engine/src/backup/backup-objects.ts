import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';

import { writeAll } from '../crypto/file-io.js';
import { Keyring } from '../crypto/keyring.js';
import { readSealedChunks } from '../crypto/read-sealed-chunks.js';
import { sealChunks } from '../crypto/sealed-file.js';
import { readSealedHeader } from '../crypto/sealed-header.js';
import type { ResolvedKey } from '../crypto/resolved-key.js';
import { EngineError, isEngineError } from '../errors.js';
import { backupCorrupt, backupNotFound, inBackupTerms } from './backup-errors.js';
import {
  BACKUP_FORMAT_VERSION,
  MANIFEST_KIND,
  backupManifestSchema,
  backupIdTime,
  backupSummarySchema,
  manifestObjectName,
  type BackupManifest,
  type BackupSummary,
} from './backup-manifest.js';
import type { BackupTarget } from './backup-target.js';

/** Keys for reading backups: every key that may have sealed them, by id. */
export interface BackupKeys {
  /** The keys, or null when none was given (only unencrypted backups can be read). */
  readonly keyring: Keyring | null;
  /** Accept backups sealed without a key although keys were given. */
  readonly allowUnencrypted: boolean;
}

/** Builds {@link BackupKeys} from loose keys; the first one is "current" (it only reads). */
export function backupKeys(
  keys: readonly (ResolvedKey | Keyring | undefined | null)[],
  allowUnencrypted?: boolean,
): BackupKeys {
  const all: ResolvedKey[] = [];
  for (const key of keys) {
    if (!key) continue;
    if (key instanceof Keyring) for (const id of key.keyIds) all.push(key.get(id)!);
    else all.push(key);
  }
  const [first, ...rest] = all;
  return {
    keyring: first ? new Keyring(first, rest) : null,
    allowUnencrypted: allowUnencrypted ?? first === undefined,
  };
}

/** Streams a local file into the target, hashing what is sent. */
export async function uploadFile(
  target: BackupTarget,
  name: string,
  path: string,
  onBytes?: (done: number) => void,
): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let done = 0;
  const body = async function* (): AsyncGenerator<Uint8Array> {
    for await (const piece of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
      const bytes = piece as Buffer;
      hash.update(bytes);
      done += bytes.byteLength;
      onBytes?.(done);
      yield bytes;
    }
  };
  const info = await target.put(name, body());
  if (info.bytes !== done) {
    throw new EngineError(
      'STORAGE_ERROR',
      `the backup target stored ${info.bytes} bytes of ${name}, ${done} were sent`,
      {
        help: `Check the backup target (${target.description}): it lost data while storing.`,
        details: { object: name },
      },
    );
  }
  return { bytes: done, sha256: hash.digest('hex') };
}

/**
 * Downloads an object into `dstPath`, checking its size and SHA-256 against `expected` when
 * given: a missing, short, long or changed object is `BACKUP_CORRUPT` before anything reads it.
 */
export async function downloadObject(
  target: BackupTarget,
  backupId: string,
  name: string,
  dstPath: string,
  expected: { bytes: number; sha256: string } | null,
  onBytes?: (done: number) => void,
): Promise<{ bytes: number; sha256: string }> {
  const stream = await target.get(name);
  if (!stream) {
    throw backupCorrupt(backupId, 'missing-object', `${name} is missing from the target`, {
      object: name,
    });
  }
  const hash = createHash('sha256');
  let done = 0;
  const out = await open(dstPath, 'w', 0o600);
  try {
    for await (const piece of stream) {
      hash.update(piece);
      await writeAll(out, piece);
      done += piece.byteLength;
      onBytes?.(done);
    }
  } finally {
    await out.close();
  }
  const sha256 = hash.digest('hex');
  if (expected && done !== expected.bytes) {
    throw backupCorrupt(
      backupId,
      'size',
      `${name} is ${done} bytes, the manifest says ${expected.bytes}${done < expected.bytes ? ' (truncated)' : ''}`,
      { object: name, details: { bytes: done, expectedBytes: expected.bytes } },
    );
  }
  if (expected && sha256 !== expected.sha256) {
    throw backupCorrupt(
      backupId,
      'checksum',
      `${name} does not match its SHA-256 in the manifest`,
      {
        object: name,
        details: { sha256, expectedSha256: expected.sha256 },
      },
    );
  }
  return { bytes: done, sha256 };
}

/** Seals the manifest (its summary as the plaintext header) and stores it: the last object a backup writes. */
export async function writeManifest(
  target: BackupTarget,
  manifest: BackupManifest,
  key: ResolvedKey | undefined,
  workDir: string,
): Promise<void> {
  const local = join(workDir, 'manifest.nsf');
  await sealChunks([Buffer.from(JSON.stringify(manifest), 'utf8')], local, {
    header: { kind: MANIFEST_KIND, ...summaryOf(manifest) },
    key,
  });
  await uploadFile(target, manifestObjectName(manifest.id), local);
}

/**
 * Reads and authenticates a backup's manifest. Refuses a missing backup
 * (`BACKUP_NOT_FOUND`), a damaged or inconsistent manifest (`BACKUP_CORRUPT`), a key that
 * is not among `keys` (`WRONG_KEY`), a newer format (`UNSUPPORTED_FORMAT_VERSION`).
 */
export async function readManifest(
  target: BackupTarget,
  backupId: string,
  keys: BackupKeys,
  workDir: string,
): Promise<BackupManifest> {
  const name = manifestObjectName(backupId);
  const local = join(workDir, `${backupId}.manifest.nsf`);
  const body: Buffer[] = [];
  let header: Record<string, unknown>;
  let keyId: string | null;
  try {
    await downloadObject(target, backupId, name, local, null);
    const reader = readSealedChunks(local, {
      key: keys.keyring ?? undefined,
      allowPlaintext: keys.allowUnencrypted,
    });
    for (;;) {
      const next = await reader.next();
      if (next.done) {
        header = next.value.header;
        keyId = next.value.keyId;
        break;
      }
      body.push(Buffer.from(next.value));
    }
  } catch (err) {
    if (isEngineError(err, 'BACKUP_CORRUPT') && err.details.reason === 'missing-object')
      throw backupNotFound(backupId, target.description);
    throw inBackupTerms(err, backupId, name);
  }
  const formatVersion = header.formatVersion;
  if (typeof formatVersion === 'number' && formatVersion > BACKUP_FORMAT_VERSION)
    throw newerFormat(backupId, formatVersion);
  let parsed: BackupManifest;
  try {
    parsed = backupManifestSchema.parse(JSON.parse(Buffer.concat(body).toString('utf8')));
  } catch (err) {
    throw backupCorrupt(backupId, 'manifest', 'its manifest is not a backup manifest', {
      object: name,
      cause: err,
    });
  }
  const summary = summaryOf(parsed);
  const mismatch = Object.entries(summary).find(
    ([field, value]) => JSON.stringify(header[field]) !== JSON.stringify(value),
  );
  if (
    header.kind !== MANIFEST_KIND ||
    mismatch ||
    parsed.id !== backupId ||
    parsed.keyId !== keyId
  ) {
    throw backupCorrupt(backupId, 'manifest', 'its manifest does not describe this backup', {
      object: name,
      details: { field: mismatch?.[0] ?? (parsed.id !== backupId ? 'id' : 'keyId') },
    });
  }
  return parsed;
}

/**
 * A backup's summary from its manifest's plaintext header, without a key. The header's
 * checksum is checked, but it is authenticated only when the manifest is opened with the key.
 */
export async function readSummary(
  target: BackupTarget,
  backupId: string,
  workDir: string,
): Promise<BackupSummary> {
  const name = manifestObjectName(backupId);
  const local = join(workDir, `${backupId}.summary.nsf`);
  try {
    await downloadObject(target, backupId, name, local, null);
    const info = await readSealedHeader(local);
    const parsed = backupSummarySchema.safeParse(info.header);
    if (info.header.kind !== MANIFEST_KIND || !parsed.success || parsed.data.id !== backupId) {
      throw backupCorrupt(backupId, 'manifest', 'its manifest header is not a backup summary', {
        object: name,
      });
    }
    return { ...parsed.data, keyId: info.keyId };
  } catch (err) {
    if (isEngineError(err, 'BACKUP_CORRUPT') && err.details.reason === 'missing-object')
      throw backupNotFound(backupId, target.description);
    throw inBackupTerms(err, backupId, name);
  }
}

/** The ids of the backups in a target: those whose manifest was stored. */
export async function listBackupIds(target: BackupTarget): Promise<string[]> {
  const objects = await target.list('');
  return objects
    .filter((o) => /^[^/]+\/manifest\.nsf$/.test(o.name))
    .map((o) => o.name.slice(0, o.name.indexOf('/')))
    .filter((id) => backupManifestSchema.shape.id.safeParse(id).success);
}

/**
 * Backups whose objects are in the target but whose manifest never was (a crash or a failed
 * upload), started before `before`: they can never be restored.
 */
export async function listOrphans(target: BackupTarget, before: number): Promise<string[]> {
  const byId = new Map<string, boolean>();
  for (const { name } of await target.list('')) {
    const slash = name.indexOf('/');
    if (slash < 0) continue;
    const id = name.slice(0, slash);
    if (!backupManifestSchema.shape.id.safeParse(id).success) continue;
    byId.set(id, (byId.get(id) ?? false) || name === manifestObjectName(id));
  }
  return [...byId]
    .filter(([id, hasManifest]) => !hasManifest && backupIdTime(id) < before)
    .map(([id]) => id);
}

function summaryOf(m: BackupManifest): Omit<BackupSummary, 'keyId'> {
  return {
    formatVersion: m.formatVersion,
    id: m.id,
    type: m.type,
    parentId: m.parentId,
    databaseId: m.databaseId,
    seqFrom: m.seqFrom,
    seqTo: m.seqTo,
    createdAt: m.createdAt,
    kdfSalt: m.kdfSalt,
  };
}

function newerFormat(backupId: string, formatVersion: number): EngineError {
  return new EngineError(
    'UNSUPPORTED_FORMAT_VERSION',
    `backup ${backupId} has format version ${formatVersion}; this build reads up to ${BACKUP_FORMAT_VERSION}`,
    {
      help: 'Restore it with a newer Needle.',
      details: { backupId, formatVersion, supported: BACKUP_FORMAT_VERSION },
    },
  );
}
