import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { ConfigError, loadServerConfig } from '../../config.js';
import { notificationSettings } from './notification-settings.js';

describe('the notifications section of the config', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'needle-notify-config-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const load = (notifications: unknown, env: Record<string, string> = {}) => {
    const path = join(dir, 'needle.json');
    writeFileSync(path, JSON.stringify({ notifications }));
    return loadServerConfig({ flags: { config: path }, env });
  };
  const problemsOf = (run: () => unknown): readonly string[] => {
    try {
      run();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as ConfigError).problems;
    }
    throw new Error('expected a ConfigError');
  };

  it('reads secrets from the environment variables and files the notifiers name', () => {
    const file = join(dir, 'slack-url');
    writeFileSync(file, 'https://hooks.slack.com/services/T1/B1/abc\n');
    const config = load(
      {
        notifiers: [
          {
            name: 'ops',
            kind: 'webhook',
            url: 'https://hooks.example.com/n',
            secret: { env: 'HOOK_SECRET' },
          },
          { name: 'chat', kind: 'slack', url: { file } },
          {
            name: 'am',
            kind: 'alertmanager',
            urls: ['http://alertmanager:9093'],
            auth: { type: 'bearer', token: { env: 'AM_TOKEN' } },
          },
        ],
      },
      { NEEDLE_EXTERNAL_URL: 'https://needle.example.com' },
    );
    const settings = notificationSettings(config, {
      HOOK_SECRET: 'hook-secret-0123456789',
      AM_TOKEN: 'am-token',
    });
    expect(settings.externalUrl).toBe('https://needle.example.com');
    expect(settings.deliveryLog).toEqual({ maxAgeDays: 30, maxEntries: 10_000 });
    expect(settings.seeds).toEqual([
      expect.objectContaining({ name: 'ops', secret: 'hook-secret-0123456789', max_attempts: 5 }),
      expect.objectContaining({ name: 'chat', url: 'https://hooks.slack.com/services/T1/B1/abc' }),
      expect.objectContaining({
        name: 'am',
        auth: { type: 'bearer', token: 'am-token' },
        repeat_interval_ms: 60_000,
      }),
    ]);
  });

  it('refuses secrets written into the config file, bad names and duplicates', () => {
    const problems = problemsOf(() =>
      load({
        notifiers: [
          {
            name: 'ops',
            kind: 'webhook',
            url: 'https://h.example.com',
            secret: 'literal-secret-0123456789',
          },
          { name: 'Bad Name', kind: 'webhook', url: 'https://h.example.com' },
        ],
      }),
    );
    expect(problems.join('\n')).toMatch(
      /notifications\.notifiers\.0\.secret: give the secret as \{"env": "VARIABLE"\}/,
    );
    expect(problems.join('\n')).toMatch(/notifications\.notifiers\.1\.name/);
    expect(problems.join('\n')).not.toContain('literal-secret-0123456789');
    const twice = problemsOf(() =>
      load({
        notifiers: [
          { name: 'ops', kind: 'webhook', url: 'https://h.example.com' },
          { name: 'ops', kind: 'webhook', url: 'https://h.example.com' },
        ],
      }),
    );
    expect(twice.join('\n')).toMatch(/same name/);
  });

  it('names the missing variable or file, never a value, when a secret cannot be read', () => {
    const config = load({
      notifiers: [
        { name: 'ops', kind: 'webhook', url: 'https://h.example.com', secret: { env: 'NOPE' } },
        { name: 'chat', kind: 'slack', url: { file: join(dir, 'missing') } },
        { name: 'short', kind: 'webhook', url: 'https://h.example.com', secret: { env: 'SHORT' } },
      ],
    });
    const problems = problemsOf(() => notificationSettings(config, { SHORT: 'tiny-secret' }));
    expect(problems).toEqual([
      'notifications.notifiers.0 (ops).secret: environment variable NOPE is not set',
      `notifications.notifiers.1 (chat).url: file ${join(dir, 'missing')} cannot be read`,
      'notifications.notifiers.2 (short).secret: use at least 16 characters',
    ]);
  });

  it('takes the external URL and the delivery log size from the environment', () => {
    const config = loadServerConfig({
      env: { NEEDLE_EXTERNAL_URL: 'https://n.example.com', NEEDLE_NOTIFICATION_LOG_ENTRIES: '50' },
    });
    expect(config.notifications).toMatchObject({
      externalUrl: 'https://n.example.com',
      deliveryLog: { maxEntries: 50 },
      notifiers: [],
    });
    expect(
      problemsOf(() => loadServerConfig({ env: { NEEDLE_EXTERNAL_URL: 'ftp://x' } }))[0],
    ).toMatch(/notifications\.externalUrl/);
  });
});
