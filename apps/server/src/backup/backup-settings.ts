import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { LocalDirectoryTarget, resolveKey } from '@needle/engine';
import type {
  BackupManagerOptions,
  EncryptionConfig,
  ResolvedKey,
  RetentionPolicy,
} from '@needle/engine';

import type { ServerConfig } from '../config.js';

const DAY_MS = 86_400_000;

/**
 * The backup settings of a server config, as the engine takes them. Shared by the server (its
 * scheduler and API) and the `needle backup` / `needle restore` commands, so both read the same
 * target with the same keys.
 */
export interface BackupSettings {
  /** The configured directory (default `<dataDir>/backups`). */
  readonly target: LocalDirectoryTarget;
  /** The retention of the config, or null when it keeps everything. */
  readonly retention: RetentionPolicy | null;
  readonly maxChainLength: number;
  readonly sampleSearches: number;
  readonly workDir: string | undefined;
  /**
   * Options of `db.backups()`: the backup key and older keys are resolved at each call, so a
   * key served by a secrets manager is read when it is needed (and a failure is the job's).
   */
  managerOptions(): Promise<BackupManagerOptions>;
  /**
   * Every key a restore to a new file may need: the backup key, older backup keys and the
   * database's own key (a full backup of an encrypted database keeps its pages under it).
   */
  restoreKeys(): Promise<ResolvedKey[]>;
}

/**
 * Reads the `backup` section of a server config.
 *
 * @example
 * ```ts
 * const settings = backupSettings(loadServerConfig());
 * const backups = db.backups(settings.target, await settings.managerOptions());
 * ```
 */
export function backupSettings(config: ServerConfig): BackupSettings {
  const backup = config.backup;
  const dataDir = resolve(config.dataDir);
  const target = new LocalDirectoryTarget(backup.targetDir ?? join(dataDir, 'backups'));
  const retention = retentionPolicy(backup.retention);
  const previousKeys = () =>
    Promise.all(backup.previousKeys.map((k) => resolveKey(k as EncryptionConfig)));
  return {
    target,
    retention,
    maxChainLength: backup.maxChainLength,
    sampleSearches: backup.sampleSearches,
    workDir: backup.workDir,
    async managerOptions() {
      const key = backup.key ? await resolveKey(backup.key) : undefined;
      return {
        ...(key ? { key } : {}),
        keys: await previousKeys(),
        compression: backup.compression,
        ...(backup.compressionLevel === undefined
          ? {}
          : { compressionLevel: backup.compressionLevel }),
        ...(backup.workDir === undefined ? {} : { workDir: backup.workDir }),
        keepChangeValues: backup.keepChangeValues,
      };
    },
    async restoreKeys() {
      const keys = await previousKeys();
      if (backup.key) keys.unshift(await resolveKey(backup.key));
      const database = await databaseKey(config, join(dataDir, 'needle.needle'));
      if (database) keys.push(database);
      return keys;
    },
  };
}

/**
 * A retention as the config writes it (0: no limit), as the engine takes it; null when it
 * keeps everything.
 */
export function retentionPolicy(
  retention: ServerConfig['backup']['retention'],
): RetentionPolicy | null {
  const { maxAgeDays, maxCount, minCount } = retention;
  return maxAgeDays > 0 || maxCount > 0
    ? {
        ...(maxAgeDays > 0 ? { maxAgeMs: Math.round(maxAgeDays * DAY_MS) } : {}),
        ...(maxCount > 0 ? { maxCount } : {}),
        minCount,
      }
    : null;
}

/**
 * The database's current key from the config, or undefined when it is not encrypted. A
 * passphrase key takes its salt from the config or from the file beside the database; without
 * either (the disk is lost) it cannot be made here and is left out.
 */
async function databaseKey(
  config: ServerConfig,
  dataFile: string,
): Promise<ResolvedKey | undefined> {
  const encryption = (config.database as { encryption?: EncryptionConfig }).encryption;
  if (!encryption) return undefined;
  if ((encryption.kdf ?? 'none') === 'none' || encryption.salt !== undefined)
    return resolveKey(encryption);
  const saltFile = `${dataFile}-salt`;
  return existsSync(saltFile) ? resolveKey(encryption, readFileSync(saltFile)) : undefined;
}
