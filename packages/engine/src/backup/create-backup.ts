import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

import type { ResolvedKey } from '../crypto/resolved-key.js';
import { isEngineError } from '../errors.js';
import { indexFilePath } from '../persistence/index-files.js';
import { saltPath } from '../persistence/key-salt.js';
import { chainBroken } from './backup-errors.js';
import type { BackupCatalog } from './backup-catalog.js';
import type { BackupHost } from './backup-host.js';
import {
  BACKUP_FORMAT_VERSION,
  newBackupId,
  objectName,
  type BackupManifest,
  type BackupObject,
} from './backup-manifest.js';
import { readManifest, uploadFile, writeManifest, type BackupKeys } from './backup-objects.js';
import type { BackupTarget } from './backup-target.js';
import type { CaptureJob } from './capture-job.js';
import type { Compression } from './compression.js';
import type { BackupProgress } from './restore-backup.js';
import { runCapture } from './run-capture.js';
import { withWorkDir } from './work-dir.js';

/** Options of one backup. */
export interface CreateBackupOptions {
  /**
   * `full`: a copy of the whole database; `incremental`: what changed since the last backup
   * of this database in the target (`BACKUP_CHAIN_BROKEN` when there is none to build on);
   * `auto` (default): incremental when there is a backup to build on and its chain is shorter
   * than `maxChainLength`, else full.
   */
  type?: 'full' | 'incremental' | 'auto';
  /** For `auto`: the longest chain (full backup plus incrementals) before a new full one. */
  maxChainLength?: number;
  onProgress?: (progress: BackupProgress) => void;
}

/** What one backup needs besides the host. */
export interface BackupSettings {
  target: BackupTarget;
  catalog: BackupCatalog;
  /** Seals the objects; undefined: checksums only. */
  sealKey: ResolvedKey | undefined;
  /** Reads the parent's manifest. */
  keys: BackupKeys;
  compression: Compression;
  compressionLevel: number | undefined;
  workBase: string;
  /** The base is the database's own (see `withWorkDir`). */
  ownedWorkBase: boolean;
  /** Keep the value log whole instead of pruning what every target's chain already holds. */
  keepChangeValues: boolean;
}

/**
 * Takes one backup: a consistent snapshot captured on its own thread, sealed objects staged in
 * a scratch directory and uploaded, the manifest last (a backup exists once its manifest
 * does), then the catalog entry and the chain head. A failure removes what was uploaded.
 */
export async function createBackup(
  host: BackupHost,
  settings: BackupSettings,
  options: CreateBackupOptions,
): Promise<BackupManifest> {
  const { target, catalog } = settings;
  const started = performance.now();
  const state = await catalog.state();
  const head = state.heads[target.description];
  const wanted = options.type ?? 'auto';
  return withWorkDir(settings.workBase, 'backup', run, { owned: settings.ownedWorkBase });
  async function run(workDir: string): Promise<BackupManifest> {
    let parent: BackupManifest | null = null;
    if (wanted !== 'full' && head)
      parent = await readParent(target, head.backupId, settings, workDir, wanted);
    if (parent === null && wanted === 'incremental') {
      throw chainBroken(
        '(new)',
        head?.backupId ?? null,
        head
          ? `backup ${head.backupId}, the last one of this database, is not in ${target.description}`
          : `this database has no backup in ${target.description} to build on`,
      );
    }
    if (parent && parent.databaseId !== state.databaseId) parent = null;
    if (
      parent &&
      wanted === 'auto' &&
      chainLength(catalog, parent.id) >= (options.maxChainLength ?? 30)
    )
      parent = null;
    const type = parent ? 'incremental' : 'full';
    const id = newBackupId(type, Date.now());
    const progress = (phase: string, done: number, total: number | null): void =>
      options.onProgress?.({ backupId: id, phase, done, total });

    const pageKey = host.keyring?.current;
    const compression: Compression = pageKey && type === 'full' ? 'none' : settings.compression;
    const indexed = new Map<string, number>();
    const indexes: CaptureJob['indexes'] = [];
    if (type === 'full') {
      progress('checkpoint', 0, null);
      await host.checkpoint();
      for (const c of host.storage.listCollections()) {
        const source = indexFilePath(host.path, c.name);
        indexes.push({
          collection: c.name,
          source,
          staged: join(workDir, `index-${basename(source, '.hnsw')}.nsf`),
        });
        indexed.set(c.name, c.createdAt);
      }
    }
    const job: CaptureJob = {
      kind: type,
      backupId: id,
      dbPath: host.path,
      pageKey: pageKey ? Uint8Array.from(pageKey.key) : undefined,
      busyTimeoutMs: host.busyTimeoutMs,
      sealKey: settings.sealKey ? Uint8Array.from(settings.sealKey.key) : undefined,
      compression,
      compressionLevel: settings.compressionLevel,
      workDir,
      copyPath: join(workDir, 'copy.needle'),
      indexes,
      parent: parent && {
        seqTo: parent.seqTo,
        systemLogSeq: parent.systemLogSeq,
        collections: parent.collections.map((c) => ({ name: c.name, createdAt: c.createdAt })),
      },
    };
    const captured = await runCapture(job, progress);
    // An index copied before a collection was dropped (or re-created) meanwhile is not its index.
    const kept: {
      file: string;
      role: BackupObject['role'];
      collection: string | null;
      sealedPayloadBytes: number;
      uncompressedBytes: number;
    }[] = captured.indexes
      .filter(
        (s) =>
          captured.collections.find((c) => c.name === s.collection)?.createdAt ===
          indexed.get(s.collection),
      )
      .map((s) => ({ ...s, file: s.staged, role: 'index' }));
    kept.unshift({
      file: captured.payload.path,
      role: type === 'full' ? 'database' : 'changes',
      collection: null,
      sealedPayloadBytes: captured.payload.sealedPayloadBytes,
      uncompressedBytes: captured.payload.uncompressedBytes,
    });

    const objects: BackupObject[] = [];
    let manifest: BackupManifest;
    try {
      for (const s of kept) {
        const name = objectName(id, basename(s.file));
        const sent = await uploadFile(target, name, s.file, (done) =>
          progress('upload', done, null),
        );
        objects.push({
          name,
          role: s.role,
          collection: s.collection,
          bytes: sent.bytes,
          sealedPayloadBytes: s.sealedPayloadBytes,
          sha256: sent.sha256,
        });
      }
      const salt = saltPath(host.path);
      manifest = {
        formatVersion: BACKUP_FORMAT_VERSION,
        id,
        type,
        parentId: parent?.id ?? null,
        databaseId: state.databaseId,
        seqFrom: parent?.seqTo ?? 0,
        seqTo: captured.facts.seq,
        systemLogSeq: captured.facts.systemLogSeq,
        createdAt: captured.createdAt,
        completedAt: Date.now(),
        durationMs: performance.now() - started,
        databaseFormatVersion: captured.facts.formatVersion,
        keyId: settings.sealKey?.keyId ?? null,
        pageKeyId: type === 'full' ? (pageKey?.keyId ?? null) : null,
        kdfSalt: existsSync(salt) ? readFileSync(salt).toString('hex') : null,
        compression,
        bytes: objects.reduce((sum, o) => sum + o.bytes, 0),
        uncompressedBytes: kept.reduce((sum, s) => sum + s.uncompressedBytes, 0),
        objects,
        collections: captured.collections,
        auditHead: captured.facts.auditHead,
      };
      await writeManifest(target, manifest, settings.sealKey, workDir);
      await catalog.put({ manifest, target: target.description, lastVerification: null });
      await catalog.setHead(target.description, { backupId: id, seqTo: manifest.seqTo });
    } catch (err) {
      await removeBackupObjects(target, id).catch(() => undefined);
      throw err;
    }
    if (!settings.keepChangeValues) await pruneValues(host, catalog);
    progress('done', 1, 1);
    return manifest;
  }
}

/**
 * Drops the values every target's chain already holds: each target's next incremental builds
 * on its head and carries the changes after it, so no value at or below the lowest head is
 * needed again (docs/adr/0022). A failure only postpones this to the next backup.
 */
async function pruneValues(host: BackupHost, catalog: BackupCatalog): Promise<void> {
  const heads = Object.values((await catalog.state()).heads);
  if (heads.length === 0 || !host.storage.pruneChangeValues) return;
  const floor = Math.min(...heads.map((h) => h.seqTo));
  try {
    await host.storage.pruneChangeValues(floor);
  } catch {
    // The backup is complete; the values are dropped after the next one.
  }
}

/** Deletes every object of a backup, the manifest first, so a half-deleted backup never looks whole. */
export async function removeBackupObjects(target: BackupTarget, backupId: string): Promise<void> {
  await target.delete(`${backupId}/manifest.nsf`);
  for (const object of await target.list(`${backupId}/`)) await target.delete(object.name);
}

/**
 * The manifest of the backup to build on. For `auto`, one that is gone or damaged means a
 * full backup instead; for `incremental`, a damaged one is an error (a missing one: null).
 */
async function readParent(
  target: BackupTarget,
  backupId: string,
  settings: BackupSettings,
  workDir: string,
  wanted: 'incremental' | 'auto',
): Promise<BackupManifest | null> {
  try {
    return await readManifest(target, backupId, settings.keys, workDir);
  } catch (err) {
    if (isEngineError(err, 'BACKUP_NOT_FOUND')) return null;
    if (wanted === 'auto' && isEngineError(err, 'BACKUP_CORRUPT')) return null;
    throw err;
  }
}

/** Length of the chain ending at `backupId`, as the catalog knows it. */
function chainLength(catalog: BackupCatalog, backupId: string): number {
  let length = 0;
  for (let id: string | null = backupId; id !== null && length < 100_000; length++) {
    id = catalog.get(id)?.manifest.parentId ?? null;
  }
  return length;
}
