import { join } from 'node:path';

import type { BackupJob } from '@needle/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { serverConfigSchema } from '../../src/config.js';
import { createServer } from '../../src/server/create-server.js';
import type { NeedleServer } from '../../src/server/create-server.js';
import { LogCapture, tempDir, waitFor } from '../helpers.js';
import { sample } from './metrics-sample.js';

let dir: ReturnType<typeof tempDir>;
let server: NeedleServer;
let url: string;
const log = new LogCapture();

beforeAll(async () => {
  dir = tempDir('needle-scheduled-backups-');
  server = await createServer(
    serverConfigSchema.parse({
      port: 0,
      dataDir: join(dir.path, 'data'),
      auth: { mode: 'development' },
      backup: {
        // Every second (croner's six fields, seconds first).
        schedule: { incremental: '*/1 * * * * *', verify: '*/1 * * * * *' },
        // Short chains and a count limit, so that retention has whole chains to delete.
        maxChainLength: 2,
        retention: { maxCount: 2 },
        sampleSearches: 1,
      },
    }),
    { logStream: log, announce: () => undefined },
  );
  url = await server.start();
  await server.opened();
});

afterAll(async () => {
  await server.close();
  dir.remove();
});

const catalog = () => server.backups.list().entries.map((e) => e.manifest);

describe('scheduled backups', () => {
  it('run on their cron schedule, one job at a time, with retention and restore drills', async () => {
    const response = await fetch(`${url}/v1/collections`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'docs', dimensions: 3 }),
    });
    expect(response.status).toBe(201);

    const first = await waitFor(
      () => catalog().find((m) => m.type === 'full'),
      'a scheduled full backup',
    );
    let text = await (await fetch(`${url}/metrics`)).text();
    expect(sample(text, 'needle_backup_last_success_timestamp_seconds{type="full"}')).toBe(
      first.completedAt / 1000,
    );
    expect(sample(text, 'needle_backup_size_bytes{type="full"}')).toBe(first.bytes);
    expect(sample(text, 'needle_backup_age_seconds')).toBeGreaterThanOrEqual(0);

    await fetch(`${url}/v1/collections/docs/vectors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'a', vector: [1, 2, 3] }),
    });
    await waitFor(
      () =>
        catalog().some((m) => m.type === 'incremental' && m.parentId === first.id)
          ? true
          : undefined,
      'a scheduled incremental backup on the full one',
    );
    // maxChainLength 2 makes the next one a new full backup; keeping 2 then lets the first chain go.
    // Caught while it is among the recent jobs: with a job every second, the 20 kept can have
    // moved past it by the time the restore drill below is seen.
    const pruning = await waitFor(
      () => {
        const { running, recent } = server.backups.status();
        return [...(running ? [running] : []), ...recent].find(
          (j) => j.result?.kind === 'backup' && j.result.retentionRemoved.includes(first.id),
        );
      },
      'retention to delete the first chain',
      60_000,
    );
    expect(catalog().every((m) => m.id !== first.id)).toBe(true);
    await waitFor(
      () => (server.backups.list().entries.some((e) => e.lastVerification?.ok) ? true : undefined),
      'a scheduled restore drill',
    );
    text = await (await fetch(`${url}/metrics`)).text();
    expect(sample(text, 'needle_backup_restore_seconds')).toBeGreaterThan(0);
    expect(sample(text, 'needle_backup_failures_total{type="incremental"}')).toBe(0);
    expect(sample(text, 'needle_backup_verify_failures_total')).toBe(0);

    const status = server.backups.status();
    expect(status.schedule.incremental).toBeGreaterThan(Date.now() - 1000);
    expect(status.schedule.full).toBeNull();
    const jobs: BackupJob[] = [...(status.running ? [status.running] : []), ...status.recent];
    expect(new Set(jobs.map((j) => j.trigger))).toEqual(new Set(['schedule']));
    expect(jobs.some((j) => j.kind === 'verify' && j.state === 'succeeded')).toBe(true);
    expect(pruning.trigger).toBe('schedule');
    // Never two at once: each job started after the one before it finished.
    const byStart = jobs
      .filter((j) => j.finishedAt !== null)
      .sort((a, b) => a.startedAt - b.startedAt);
    for (let i = 1; i < byStart.length; i++)
      expect(byStart[i]!.startedAt).toBeGreaterThanOrEqual(byStart[i - 1]!.finishedAt!);

    const messages = log.lines().map((l) => l.msg);
    expect(messages).toContain('backup schedule started');
    expect(messages).toContain('backup job done: auto backup');
    expect(messages).toContain('backup job done: verification');
  });
});
