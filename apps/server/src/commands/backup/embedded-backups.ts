import { existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';

import { backupResult, describeBackups, restoreResult, verifyResult } from '@needle/api';
import { listBackups, restoreBackup, verifyBackup } from '@needle/engine';
import type { BackupProgress, Database, EncryptionConfig } from '@needle/engine';

import { backupSettings } from '../../backup/backup-settings.js';
import type { BackupSettings } from '../../backup/backup-settings.js';
import { loadServerConfig } from '../../config.js';
import type { ServerConfig } from '../../config.js';
import { DATA_FILE_NAME } from '../../data-dir.js';
import type { EmbeddedBackend } from '../embedded-backend.js';
import { openBackend } from '../open-backend.js';
import type {
  BackupBackend,
  BackupDone,
  BackupListing,
  ProgressHandler,
  RestoreDone,
  RestoreRequest,
  VerifyDone,
} from './backup-backend.js';
import type { BackupFlags } from './backup-flags.js';

/**
 * Backups of a data directory, in this process, with the server's backup settings (its config
 * file and `NEEDLE_BACKUP_*`). Backups, verifications with a database and in-place restores
 * lock the directory and open its database; listing, verifying and restoring into a new file
 * work on the target alone when the directory holds no database (the disk was lost).
 */
export class EmbeddedBackups implements BackupBackend {
  readonly kind = 'embedded';
  readonly source: string;
  readonly #options: BackupFlags;
  readonly #owner: string;
  readonly #config: ServerConfig;
  readonly #settings: BackupSettings;
  #backend: EmbeddedBackend | undefined;

  constructor(options: BackupFlags, owner: string) {
    this.#options = options;
    this.#owner = owner;
    const config = loadServerConfig({
      flags: { config: options.config, data: options.data, backupDir: options.backupDir },
    });
    const encryption = keyOverride(options);
    this.#config = encryption
      ? { ...config, database: { ...config.database, encryption } }
      : config;
    this.#settings = backupSettings(this.#config);
    this.source = this.#settings.target.description;
  }

  async create(
    type: 'full' | 'incremental' | 'auto',
    onProgress: ProgressHandler,
  ): Promise<BackupDone> {
    const db = await this.#database();
    const manager = db.backups(this.#settings.target, await this.#settings.managerOptions());
    const manifest = await manager.create({
      type,
      maxChainLength: this.#settings.maxChainLength,
      onProgress: progressOf(onProgress),
    });
    return backupResult(manifest);
  }

  async list(): Promise<BackupListing> {
    const target = this.#settings.target;
    if (this.#hasDatabase) {
      const db = await this.#database();
      return {
        source: 'catalog',
        ...describeBackups(target.description, db.backups(target).list()),
      };
    }
    const summaries = await listBackups(target);
    return {
      source: 'target',
      target: target.description,
      backups: summaries.map((s) => ({
        id: s.id,
        type: s.type,
        parent_id: s.parentId,
        seq_from: s.seqFrom,
        seq_to: s.seqTo,
        created_at: new Date(s.createdAt).toISOString(),
        key_id: s.keyId,
      })),
    };
  }

  async verify(backupId: string | undefined, onProgress: ProgressHandler): Promise<VerifyDone> {
    const settings = this.#settings;
    const common = { sampleSearches: settings.sampleSearches, onProgress: progressOf(onProgress) };
    const verification = this.#hasDatabase
      ? await (
          await this.#database()
        )
          .backups(settings.target, await settings.managerOptions())
          .verify(backupId, common)
      : await verifyBackup({
          target: settings.target,
          keys: await settings.restoreKeys(),
          workDir: settings.workDir ?? tmpdir(),
          ...(backupId === undefined ? {} : { backupId }),
          ...common,
        });
    return verifyResult(verification);
  }

  async restore(request: RestoreRequest, onProgress: ProgressHandler): Promise<RestoreDone> {
    const settings = this.#settings;
    const selection = {
      ...(request.backupId === undefined ? {} : { backupId: request.backupId }),
      ...(request.at === undefined ? {} : { at: request.at }),
      ...(request.until?.seq === undefined ? {} : { toSeq: request.until.seq }),
      ...(request.until?.time === undefined ? {} : { toTime: request.until.time }),
    };
    if (request.inPlace) {
      const db = await this.#database();
      const options = await settings.managerOptions();
      const report = await db.restoreFrom({
        target: settings.target,
        keys: [options.key, ...(options.keys ?? [])],
        sampleSearches: settings.sampleSearches,
        onProgress: progressOf(onProgress),
        ...selection,
      });
      return restoreResult(report, true, db.path, report.previous);
    }
    const report = await restoreBackup({
      target: settings.target,
      destination: destinationFile(request.to!),
      keys: await settings.restoreKeys(),
      sampleSearches: settings.sampleSearches,
      onProgress: progressOf(onProgress),
      ...selection,
    });
    return restoreResult(report, false, report.path, null);
  }

  async close(): Promise<void> {
    await this.#backend?.close();
  }

  get #hasDatabase(): boolean {
    return existsSync(join(resolve(this.#config.dataDir), DATA_FILE_NAME));
  }

  /** Locks the data directory and opens its database, once. */
  async #database(): Promise<Database> {
    this.#backend ??= (await openBackend(this.#options, { owner: this.#owner })) as EmbeddedBackend;
    return this.#backend.database;
  }
}

/**
 * Where `--to` restores: a path ending in `.needle` is the file; anything else is a data
 * directory (existing or new), restored as its `needle.needle` so `needle serve --data` opens it.
 */
export function destinationFile(to: string): string {
  const path = resolve(to);
  if (extname(path) === '.needle' && !(existsSync(path) && statSync(path).isDirectory()))
    return path;
  return join(path, DATA_FILE_NAME);
}

function progressOf(handler: ProgressHandler): (p: BackupProgress) => void {
  return (p) => handler(p.phase, p.done, p.total);
}

/** The database key named by `--key-env` / `--key-file` (alternatives, checked by the data commands). */
function keyOverride(options: BackupFlags): EncryptionConfig | undefined {
  if (options.keyEnv !== undefined)
    return { keySource: { type: 'env', name: options.keyEnv }, kdf: options.kdf };
  if (options.keyFile !== undefined)
    return { keySource: { type: 'file', path: options.keyFile }, kdf: options.kdf };
  return undefined;
}
