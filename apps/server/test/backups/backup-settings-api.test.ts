import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { serverConfigSchema } from '../../src/config.js';
import { createServer } from '../../src/server/create-server.js';
import type { NeedleServer } from '../../src/server/create-server.js';
import { LogCapture, apiCaller, tempDir, waitFor } from '../helpers.js';

const ADMIN = 'operator-key-for-backup-settings-0123456789';

type Json = Record<string, unknown>;
interface Settings {
  settings: {
    cron: Record<'full' | 'incremental' | 'verify' | 'timezone', string | null>;
    retention: { max_age_days: number | null; max_count: number | null; min_count: number } | null;
    max_chain_length: number;
    overridden: string[];
  };
  schedule: Record<'full' | 'incremental' | 'verify', string | null>;
}

let dir: ReturnType<typeof tempDir>;
let server: NeedleServer;
let url: string;
let readerKey: string;

const config = () =>
  serverConfigSchema.parse({
    port: 0,
    dataDir: join(dir.path, 'data'),
    auth: { adminApiKey: ADMIN },
    backup: {
      schedule: { full: '0 3 * * *', timezone: 'UTC' },
      retention: { maxAgeDays: 30, maxCount: 0, minCount: 1 },
      maxChainLength: 12,
    },
  });

async function start(): Promise<void> {
  server = await createServer(config(), { logStream: new LogCapture(), announce: () => undefined });
  url = await server.start();
  await server.opened();
}

const call = apiCaller(() => url, ADMIN);

const status = async () => (await call<Settings>('GET', '/v1/admin/backups/status')).body;

beforeAll(async () => {
  dir = tempDir('needle-backup-settings-');
  await start();
  const created = await call('POST', '/v1/admin/keys', { name: 'reader', roles: ['reader'] });
  expect(created.status).toBe(201);
  readerKey = created.body.key as string;
  expect((await call('POST', '/v1/collections', { name: 'docs', dimensions: 2 })).status).toBe(201);
});

afterAll(async () => {
  await server.close();
  dir.remove();
});

describe('backup schedule and retention changed through the API', () => {
  it('starts from the config, with nothing overridden', async () => {
    const s = await status();
    expect(s.settings).toEqual({
      cron: { full: '0 3 * * *', incremental: null, verify: null, timezone: 'UTC' },
      retention: { max_age_days: 30, max_count: null, min_count: 1 },
      max_chain_length: 12,
      overridden: [],
    });
    expect(s.schedule.incremental).toBeNull();
  });

  it('re-arms the schedule at once: the status shows the new next runs', async () => {
    const res = await call<Settings>('POST', '/v1/admin/backups/settings', {
      cron: { incremental: '17 5 * * *', full: null },
      max_chain_length: 4,
    });
    expect(res.status).toBe(200);
    expect(res.body.settings.cron).toEqual({
      full: null,
      incremental: '17 5 * * *',
      verify: null,
      timezone: 'UTC',
    });
    expect(res.body.settings.overridden.sort()).toEqual([
      'cron.full',
      'cron.incremental',
      'max_chain_length',
    ]);
    const s = await status();
    expect(s.schedule.full).toBeNull();
    const next = new Date(s.schedule.incremental!);
    expect([next.getUTCHours(), next.getUTCMinutes()]).toEqual([5, 17]);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect(s.settings.max_chain_length).toBe(4);

    // A second change keeps the first: only what it names changes.
    const again = await call<Settings>('POST', '/v1/admin/backups/settings', {
      cron: { incremental: '45 22 * * *' },
    });
    expect(again.status).toBe(200);
    expect(again.body.settings.cron.full).toBeNull();
    const moved = new Date(again.body.schedule.incremental!);
    expect([moved.getUTCHours(), moved.getUTCMinutes()]).toEqual([22, 45]);
  });

  it('refuses a bad cron expression or time zone with a 400 naming the field, changing nothing', async () => {
    const bad = await call('POST', '/v1/admin/backups/settings', {
      cron: { verify: 'every day at noon' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('INVALID_BACKUP_SETTINGS');
    expect(bad.body.error).toMatch(/cron\.verify/);
    expect(bad.body.help).toBeTruthy();

    const zone = await call('POST', '/v1/admin/backups/settings', {
      cron: { timezone: 'Mars/Olympus' },
    });
    expect(zone.status).toBe(400);
    expect(zone.body.code).toBe('INVALID_BACKUP_SETTINGS');
    expect(JSON.stringify(zone.body)).toMatch(/cron\.timezone/);

    const range = await call('POST', '/v1/admin/backups/settings', {
      retention: { min_count: 3, max_count: 2 },
    });
    expect(range.status).toBe(400);
    expect(range.body.error).toMatch(/max_count/);

    const shape = await call('POST', '/v1/admin/backups/settings', { max_chain_length: 0 });
    expect(shape.status).toBe(400);
    expect(shape.body.code).toBeTruthy();

    const s = await status();
    expect(s.settings.cron.verify).toBeNull();
    expect(s.settings.cron.timezone).toBe('UTC');
    expect(s.settings.retention).toEqual({ max_age_days: 30, max_count: null, min_count: 1 });
  });

  it('refuses a reader with 403', async () => {
    for (const method of ['POST', 'DELETE']) {
      const res = await call(
        method,
        '/v1/admin/backups/settings',
        method === 'POST' ? { cron: { full: null } } : undefined,
        readerKey,
      );
      expect(res.status, method).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
    }
  });

  it('audits every change', async () => {
    const audit = await call<{ entries: { principal: string; detail?: Json }[] }>(
      'GET',
      '/v1/admin/audit?action=backups.settings',
    );
    expect(audit.status).toBe(200);
    expect(audit.body.entries.length).toBe(2);
    expect(JSON.stringify(audit.body.entries.map((e) => e.detail))).toContain('45 22 * * *');
  });

  it('uses a retention override when retention is applied (dry run)', async () => {
    for (let i = 0; i < 3; i++) {
      await call('POST', '/v1/collections/docs/vectors', { id: `v${i}`, vector: [i, 1] });
      const job = await call<{ id: string }>('POST', '/v1/admin/backups', { type: 'full' });
      expect(job.status).toBe(202);
      await waitFor(async () => {
        const res = await call<{ state: string }>('GET', `/v1/admin/backups/jobs/${job.body.id}`);
        return res.body.state === 'running' ? undefined : res.body;
      }, 'backup job');
    }
    const before = await call<{ removed: string[] }>('POST', '/v1/admin/backups/retention', {
      dry_run: true,
    });
    expect(before.status).toBe(200);
    expect(before.body.removed).toEqual([]);

    const set = await call<Settings>('POST', '/v1/admin/backups/settings', {
      retention: { max_count: 1, max_age_days: 0 },
    });
    expect(set.status).toBe(200);
    expect(set.body.settings.retention).toEqual({ max_age_days: null, max_count: 1, min_count: 1 });
    const after = await call<{ removed: string[]; dry_run: boolean }>(
      'POST',
      '/v1/admin/backups/retention',
      { dry_run: true },
    );
    expect(after.body.dry_run).toBe(true);
    expect(after.body.removed).toHaveLength(2);
    const listed = await call<{ backups: unknown[] }>('GET', '/v1/admin/backups');
    expect(listed.body.backups).toHaveLength(3);
  });

  it('keeps the changes across a restart', async () => {
    await server.close();
    await start();
    const s = await status();
    expect(s.settings.cron.incremental).toBe('45 22 * * *');
    expect(s.settings.cron.full).toBeNull();
    expect(s.settings.retention?.max_count).toBe(1);
    const next = new Date(s.schedule.incremental!);
    expect([next.getUTCHours(), next.getUTCMinutes()]).toEqual([22, 45]);
  });

  it("resets to the config's values, audited", async () => {
    const res = await call<Settings>('DELETE', '/v1/admin/backups/settings');
    expect(res.status).toBe(200);
    expect(res.body.settings).toEqual({
      cron: { full: '0 3 * * *', incremental: null, verify: null, timezone: 'UTC' },
      retention: { max_age_days: 30, max_count: null, min_count: 1 },
      max_chain_length: 12,
      overridden: [],
    });
    expect(res.body.schedule.incremental).toBeNull();
    expect(new Date(res.body.schedule.full!).getUTCHours()).toBe(3);
    const audit = await call<{ entries: unknown[] }>(
      'GET',
      '/v1/admin/audit?action=backups.settings.reset',
    );
    expect(audit.body.entries).toHaveLength(1);

    await server.close();
    await start();
    expect((await status()).settings.overridden).toEqual([]);
  });
});
