import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { tempDir } from '../../test/helpers.js';
import { ConfigError, loadServerConfig } from '../config.js';
import { backupSettings } from './backup-settings.js';

describe('the backup settings of the server config', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir('needle-backup-settings-');
  });
  afterEach(() => dir.remove());

  function problemsOf(run: () => unknown): readonly string[] {
    try {
      run();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as ConfigError).problems;
    }
    throw new Error('expected a ConfigError');
  }

  it('defaults to <data>/backups, no schedule, 30 days of retention, the database key', async () => {
    const config = loadServerConfig({ flags: { data: join(dir.path, 'data') }, env: {} });
    expect(config.backup.schedule).toEqual({});
    const settings = backupSettings(config);
    expect(settings.target.root).toBe(resolve(dir.path, 'data', 'backups'));
    expect(settings.retention).toEqual({ maxAgeMs: 30 * 86_400_000, minCount: 1 });
    expect(settings.maxChainLength).toBe(30);
    expect(await settings.managerOptions()).toEqual({
      keys: [],
      compression: 'gzip',
      keepChangeValues: false,
    });
  });

  it('takes schedules, retention and the directory from flags and NEEDLE_BACKUP_* variables', () => {
    const config = loadServerConfig({
      flags: { backupIncrementalSchedule: '*/15 * * * *', backupRetentionCount: '60' },
      env: {
        NEEDLE_BACKUP_DIR: join(dir.path, 'offsite'),
        NEEDLE_BACKUP_FULL_SCHEDULE: '0 3 * * *',
        NEEDLE_BACKUP_VERIFY_SCHEDULE: '30 5 * * 0',
        NEEDLE_BACKUP_RETENTION_DAYS: '0',
      },
    });
    expect(config.backup.schedule).toEqual({
      full: '0 3 * * *',
      incremental: '*/15 * * * *',
      verify: '30 5 * * 0',
    });
    const settings = backupSettings(config);
    expect(settings.target.root).toBe(join(dir.path, 'offsite'));
    expect(settings.retention).toEqual({ maxCount: 60, minCount: 1 });
  });

  it('names a bad cron expression and where it came from', () => {
    const problems = problemsOf(() =>
      loadServerConfig({ env: { NEEDLE_BACKUP_FULL_SCHEDULE: 'every night' } }),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^backup\.schedule\.full: not a cron expression: .* \(got "every night", from NEEDLE_BACKUP_FULL_SCHEDULE\)$/,
    );
  });

  it('reads the backup key where it is: never copied into the config, resolved when needed', async () => {
    const secret = randomBytes(32).toString('hex');
    const config = loadServerConfig({ env: { NEEDLE_BACKUP_KEY: secret } });
    expect(config.backup.key).toEqual({
      keySource: { type: 'env', name: 'NEEDLE_BACKUP_KEY' },
      kdf: 'none',
    });
    expect(JSON.stringify(config)).not.toContain(secret);

    const file = join(dir.path, 'backup.key');
    writeFileSync(file, secret);
    const fromFile = backupSettings(loadServerConfig({ env: { NEEDLE_BACKUP_KEY_FILE: file } }));
    const options = await fromFile.managerOptions();
    expect(options.key?.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(JSON.stringify(options)).not.toContain(secret);
    expect((await fromFile.restoreKeys()).map((k) => k.keyId)).toEqual([options.key!.keyId]);
  });

  it('refuses a passphrase backup key without a salt, and key material in the config', () => {
    const file = join(dir.path, 'needle.json');
    writeFileSync(
      file,
      JSON.stringify({
        backup: { key: { keySource: { type: 'env', name: 'BACKUP_PASS' }, kdf: 'argon2id' } },
      }),
    );
    expect(problemsOf(() => loadServerConfig({ flags: { config: file }, env: {} }))[0]).toMatch(
      /^backup\.key\.salt: a passphrase backup key \(kdf\) needs a salt/,
    );
    writeFileSync(
      file,
      JSON.stringify({ backup: { key: { keySource: { type: 'raw', key: 'ab'.repeat(32) } } } }),
    );
    expect(problemsOf(() => loadServerConfig({ flags: { config: file }, env: {} }))[0]).toMatch(
      /^backup\.key\.keySource\.type: /,
    );
  });
});
