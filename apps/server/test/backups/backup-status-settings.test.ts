import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { serverConfigSchema } from '../../src/config.js';
import { createServer } from '../../src/server/create-server.js';
import type { NeedleServer } from '../../src/server/create-server.js';
import { LogCapture, tempDir } from '../helpers.js';

const ADMIN = 'operator-key-for-backup-status-0123456789';

let dir: ReturnType<typeof tempDir> | undefined;
let server: NeedleServer | undefined;

afterEach(async () => {
  await server?.close();
  dir?.remove();
  server = undefined;
  dir = undefined;
});

async function statusOf(backup: unknown): Promise<Record<string, unknown>> {
  dir = tempDir('needle-backup-status-');
  server = await createServer(
    serverConfigSchema.parse({
      port: 0,
      dataDir: join(dir.path, 'data'),
      auth: { adminApiKey: ADMIN },
      backup,
    }),
    { logStream: new LogCapture(), announce: () => undefined },
  );
  const url = await server.start();
  await server.opened();
  const response = await fetch(`${url}/v1/admin/backups/status`, {
    headers: { 'x-api-key': ADMIN },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

describe('backup status settings', () => {
  it('reports the configured schedule, its next runs and the retention', async () => {
    const status = await statusOf({
      schedule: { full: '0 3 * * *', verify: '30 4 * * 0', timezone: 'UTC' },
      retention: { maxAgeDays: 14, maxCount: 20, minCount: 3 },
      maxChainLength: 12,
    });
    expect(status.settings).toEqual({
      cron: { full: '0 3 * * *', incremental: null, verify: '30 4 * * 0', timezone: 'UTC' },
      retention: { max_age_days: 14, max_count: 20, min_count: 3 },
      max_chain_length: 12,
      overridden: [],
    });
    const schedule = status.schedule as Record<string, string | null>;
    expect(new Date(schedule.full!).getUTCHours()).toBe(3);
    expect(schedule.incremental).toBeNull();
    expect(new Date(schedule.verify!).getUTCDay()).toBe(0);
  });

  it('reports no retention when every backup is kept, and nothing scheduled by default', async () => {
    const status = await statusOf({ retention: { maxAgeDays: 0, maxCount: 0 } });
    expect(status.settings).toEqual({
      cron: { full: null, incremental: null, verify: null, timezone: null },
      retention: null,
      max_chain_length: 30,
      overridden: [],
    });
    expect(status.schedule).toEqual({ full: null, incremental: null, verify: null });
  });
});
