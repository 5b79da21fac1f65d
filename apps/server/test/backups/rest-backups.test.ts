import { randomBytes } from 'node:crypto';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { allRoutes } from '@needle/api';
import type { describeBackups, jobBody, restoreResult, verifyResult } from '@needle/api';
import { Database } from '@needle/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { serverConfigSchema } from '../../src/config.js';
import { createServer } from '../../src/server/create-server.js';
import type { NeedleServer } from '../../src/server/create-server.js';
import { LogCapture, apiCaller, tempDir, waitFor } from '../helpers.js';
import { sample } from './metrics-sample.js';

const ADMIN = 'operator-key-for-backup-tests-0123456789';

type Job = ReturnType<typeof jobBody>;
type Listing = ReturnType<typeof describeBackups>;
type Audit = { entries: { detail?: Record<string, unknown> }[] };

let dir: ReturnType<typeof tempDir>;
let server: NeedleServer;
let url: string;
let log: LogCapture;
let readerKey: string;
/** While this file is missing, reading the backup key waits (a secrets manager that is slow). */
let gate: string;
let keyHex: string;

const call = apiCaller(() => url, ADMIN);

/** Follows a job to its end; 503s while an in-place restore swaps the files are waited out. */
async function finished(job: { id: string }): Promise<Job> {
  return waitFor(async () => {
    const res = await call<Job>('GET', `/v1/admin/backups/jobs/${job.id}`);
    if (res.status === 503) return undefined;
    expect(res.status).toBe(200);
    return res.body.state === 'running' ? undefined : res.body;
  }, `job ${job.id}`);
}

async function metrics(): Promise<string> {
  return (await fetch(`${url}/metrics`)).text();
}

const vector = (i: number) => [Math.sin(i), Math.cos(i), i / 100, 1 - i / 100];

beforeAll(async () => {
  dir = tempDir('needle-rest-backups-');
  gate = join(dir.path, 'key.gate');
  const keyFile = join(dir.path, 'backup.key');
  keyHex = randomBytes(32).toString('hex');
  writeFileSync(keyFile, keyHex);
  writeFileSync(gate, '');
  log = new LogCapture();
  server = await createServer(
    serverConfigSchema.parse({
      port: 0,
      dataDir: join(dir.path, 'data'),
      auth: { adminApiKey: ADMIN },
      log: { level: 'info' },
      backup: {
        key: {
          keySource: {
            type: 'command',
            command: '/bin/sh',
            args: ['-c', 'while [ ! -e "$0" ]; do sleep 0.02; done; cat "$1"', gate, keyFile],
            timeoutMs: 120_000,
          },
        },
        sampleSearches: 3,
      },
    }),
    { logStream: log, announce: () => undefined },
  );
  url = await server.start();
  await server.opened();
  const created = await call('POST', '/v1/admin/keys', { name: 'reader', roles: ['reader'] });
  expect(created.status).toBe(201);
  readerKey = created.body.key as string;
  expect((await call('POST', '/v1/collections', { name: 'docs', dimensions: 4 })).status).toBe(201);
  const vectors = Array.from({ length: 20 }, (_, i) => ({
    id: `v${i}`,
    vector: vector(i),
    metadata: { i, tag: i % 2 ? 'odd' : 'even' },
  }));
  expect((await call('POST', '/v1/collections/docs/vectors/batch', { vectors })).status).toBe(200);
});

afterAll(async () => {
  writeFileSync(gate, '');
  await server.close();
  dir.remove();
});

describe('backups over REST', () => {
  let full: string;
  let incremental: string;

  it('refuses a reader key on every backup route with 403', async () => {
    const routes = allRoutes.filter((r) => r.path.startsWith('/admin/backups'));
    expect(routes.map((r) => r.id).sort()).toEqual(
      [
        'applyBackupRetention',
        'backupJob',
        'backupStatus',
        'createBackup',
        'deleteBackup',
        'listBackups',
        'resetBackupSettings',
        'restoreBackup',
        'updateBackupSettings',
        'verifyBackup',
      ].sort(),
    );
    for (const route of routes) {
      const path = `/v1${route.path.replace(':job', 'x').replace(':backup', '20250101T000000000Z-f-00000000')}`;
      const res = await call(
        route.method,
        path,
        route.method === 'POST' ? {} : undefined,
        readerKey,
      );
      expect(res.status, `${route.method} ${route.path}`).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
    }
  });

  it('reports a backup that cannot be taken as a failed job, and counts it', async () => {
    const started = await call<Job>('POST', '/v1/admin/backups', { type: 'incremental' });
    expect(started.status).toBe(202);
    const done = await finished(started.body);
    expect(done).toMatchObject({
      state: 'failed',
      result: null,
      error: { code: 'BACKUP_CHAIN_BROKEN' },
    });
    expect(done.error!.help).not.toBe('');
    const text = await metrics();
    expect(sample(text, 'needle_backup_failures_total{type="incremental"}')).toBe(1);
    expect(sample(text, 'needle_backup_failures_total{type="full"}')).toBe(0);
    expect(
      log.lines().find((l) => l.msg === 'backup job failed: incremental backup'),
    ).toMatchObject({ level: 50, code: 'BACKUP_CHAIN_BROKEN' });
  });

  it('takes a full backup as a job with progress, then an incremental on it', async () => {
    const started = await call<Job>('POST', '/v1/admin/backups', { type: 'full' });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ kind: 'backup', state: 'running', trigger: 'api' });
    const done = await finished(started.body);
    expect(done).toMatchObject({ state: 'succeeded', progress: 1, error: null });
    expect(done.result).toMatchObject({ type: 'full', parent_id: null });
    full = done.result!.backup_id;

    const more = Array.from({ length: 10 }, (_, i) => ({ id: `w${i}`, vector: vector(100 + i) }));
    expect(
      (await call('POST', '/v1/collections/docs/vectors/batch', { vectors: more })).status,
    ).toBe(200);
    expect((await call('DELETE', '/v1/collections/docs/vectors/v3')).status).toBe(200);

    const next = await finished((await call<Job>('POST', '/v1/admin/backups', {})).body);
    expect(next.result).toMatchObject({ type: 'incremental', parent_id: full });
    incremental = next.result!.backup_id;

    const list = await call<Listing>('GET', '/v1/admin/backups');
    expect(list.status).toBe(200);
    expect(list.body.backups.map((b) => [b.id, b.type, b.chain])).toEqual([
      [full, 'full', full],
      [incremental, 'incremental', full],
    ]);
    expect(list.body.chains).toEqual([
      expect.objectContaining({ id: full, backups: 2, seq_to: list.body.backups[1]!.seq_to }),
    ]);
    for (const b of list.body.backups) {
      expect(b.bytes).toBeGreaterThan(0);
      expect(b.key_id).toMatch(/^[0-9a-f]{16}$/);
      expect(b.verification).toBeNull();
    }

    const text = await metrics();
    expect(
      sample(text, 'needle_backup_last_success_timestamp_seconds{type="full"}'),
    ).toBeGreaterThan(0);
    expect(sample(text, 'needle_backup_size_bytes{type="incremental"}')).toBe(
      list.body.backups[1]!.bytes,
    );
    expect(sample(text, 'needle_backup_stored_bytes')).toBe(list.body.total_bytes);

    const audit = await call<Audit>('GET', '/v1/admin/audit?action=backups.create');
    // The failed request of the test before is audited too: it was asked for.
    expect(audit.body.entries.map((e) => e.detail?.type)).toEqual(['auto', 'full', 'incremental']);
  });

  it('verifies the newest backup: a restore drill whose time becomes a metric', async () => {
    const done = await finished((await call<Job>('POST', '/v1/admin/backups/verify', {})).body);
    expect(done.state).toBe('succeeded');
    const result = done.result as ReturnType<typeof verifyResult>;
    expect(done.result).toMatchObject({
      backup_id: incremental,
      ok: true,
      chain: [full, incremental],
    });
    expect(result.searches!.passed).toBe(result.searches!.run);
    const list = await call<Listing>('GET', '/v1/admin/backups');
    expect(list.body.backups[1]!.verification).toMatchObject({ ok: true, code: null });
    const text = await metrics();
    expect(sample(text, 'needle_backup_restore_seconds')).toBeCloseTo(
      list.body.backups[1]!.verification!.restore_ms! / 1000,
      2,
    );
    expect(sample(text, 'needle_backup_verify_failures_total')).toBe(0);
  });

  it('refuses what cannot be done with the right codes, and never a 500', async () => {
    expect(await call('DELETE', `/v1/admin/backups/${full}`)).toMatchObject({
      status: 409,
      body: { code: 'BACKUP_IN_USE' },
    });
    expect(await call('DELETE', '/v1/admin/backups/20200101T000000000Z-f-00000000')).toMatchObject({
      status: 404,
      body: { code: 'BACKUP_NOT_FOUND' },
    });
    expect(
      await call('POST', '/v1/admin/backups/verify', {
        backup_id: '20200101T000000000Z-i-00000000',
      }),
    ).toMatchObject({
      status: 404,
      body: { code: 'BACKUP_NOT_FOUND' },
    });
    expect(await call('POST', '/v1/admin/backups/restore', {})).toMatchObject({
      status: 400,
      body: { code: 'INVALID_INPUT' },
    });
    expect(
      await call('POST', '/v1/admin/backups/restore', { destination: '../escape.needle' }),
    ).toMatchObject({
      status: 400,
      body: { code: 'INVALID_INPUT' },
    });
    expect(
      await call('POST', '/v1/admin/backups/restore', { in_place: true, at_seq: 0 }),
    ).toMatchObject({
      status: 404,
      body: { code: 'BACKUP_NOT_FOUND' },
    });
    expect(await call('GET', '/v1/admin/backups/jobs/nope')).toMatchObject({
      status: 404,
      body: { code: 'BACKUP_JOB_NOT_FOUND' },
    });
  });

  it('refuses a second job while one runs', async () => {
    rmSync(gate);
    const first = await call<Job>('POST', '/v1/admin/backups', {});
    expect(first.status).toBe(202);
    const second = await call('POST', '/v1/admin/backups/verify', {});
    expect(second).toMatchObject({ status: 409, body: { code: 'OPERATION_IN_PROGRESS' } });
    const status = await call<{ running: Job | null }>('GET', '/v1/admin/backups/status');
    expect(status.body.running).toMatchObject({ id: first.body.id, kind: 'backup' });
    writeFileSync(gate, '');
    expect((await finished(first.body)).state).toBe('succeeded');
  });

  it('restores the full backup into a new file under the restore directory', async () => {
    const done = await finished(
      (
        await call<Job>('POST', '/v1/admin/backups/restore', {
          backup_id: full,
          destination: 'at-full.needle',
        })
      ).body,
    );
    expect(done.state).toBe('succeeded');
    const path = join(dir.path, 'data', 'restored', 'at-full.needle');
    expect(done.result).toMatchObject({ in_place: false, path, chain: [full] });
    const copy = await Database.open(path);
    try {
      expect(copy.collection('docs').stats().count).toBe(20);
      expect(copy.collection('docs').get('v3')).not.toBeNull();
    } finally {
      await copy.close();
    }
    const again = await call('POST', '/v1/admin/backups/restore', {
      backup_id: full,
      destination: 'at-full.needle',
    });
    expect(again).toMatchObject({ status: 400, body: { code: 'INVALID_INPUT' } });
  });

  it('restores a point inside the incremental (to_seq) and refuses one no chain covers', async () => {
    const list = await call<Listing>('GET', '/v1/admin/backups');
    const fullSeq = list.body.backups.find((b) => b.id === full)!.seq_to;
    const done = await finished(
      (
        await call<Job>('POST', '/v1/admin/backups/restore', {
          to_seq: fullSeq + 5,
          destination: 'inside.needle',
        })
      ).body,
    );
    expect(done.state).toBe('succeeded');
    expect(done.result).toMatchObject({
      backup_id: incremental,
      chain: [full, incremental],
      seq: fullSeq + 5,
      point_in_time: true,
    });
    const copy = await Database.open(join(dir.path, 'data', 'restored', 'inside.needle'));
    try {
      const docs = copy.collection('docs');
      expect(docs.stats().count).toBe(25);
      expect(docs.get('w4')).not.toBeNull();
      expect(docs.get('w5')).toBeNull();
      expect(docs.get('v3')).not.toBeNull();
    } finally {
      await copy.close();
    }
    expect(
      await call('POST', '/v1/admin/backups/restore', {
        to_seq: 1_000_000,
        destination: 'beyond.needle',
      }),
    ).toMatchObject({ status: 422, body: { code: 'RESTORE_POINT_OUT_OF_RANGE' } });
    expect(
      await call('POST', '/v1/admin/backups/restore', {
        to_seq: fullSeq + 5,
        at_seq: fullSeq,
        destination: 'both.needle',
      }),
    ).toMatchObject({ status: 400, body: { code: 'INVALID_INPUT' } });
    const audit = await call<Audit>('GET', '/v1/admin/audit?action=backups.restore');
    expect(audit.body.entries.some((e) => e.detail?.to_seq === fullSeq + 5)).toBe(true);
  });

  it('restores in place: /ready answers 503 with progress, then 200 with the data of the backup', async () => {
    const before = await call('GET', '/v1/collections/docs/vectors/v5');
    expect(before.status).toBe(200);
    rmSync(gate);
    const started = await call<Job>('POST', '/v1/admin/backups/restore', {
      backup_id: full,
      in_place: true,
    });
    expect(started.status).toBe(202);

    // Reading the backup key waits on the gate: the server is out of service meanwhile.
    const ready = await fetch(`${url}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      status: 'not_ready',
      reason: `restoring backup ${full}: reading the keys`,
      progress: 0,
    });
    expect(await call('GET', '/v1/collections/docs')).toMatchObject({
      status: 503,
      body: { code: 'NOT_READY' },
    });
    const status = await call<{ running: Job | null }>('GET', '/v1/admin/backups/status');
    expect(status.body.running).toMatchObject({ kind: 'restore', backup_id: full });
    const text = await metrics();
    expect(sample(text, 'needle_ready')).toBe(0);
    expect(sample(text, 'needle_backup_progress_ratio{operation="restore"}')).toBe(0);

    writeFileSync(gate, '');
    const done = await finished(started.body);
    expect(done.state).toBe('succeeded');
    expect(done.result).toMatchObject({ in_place: true, chain: [full] });
    expect(existsSync((done.result as ReturnType<typeof restoreResult>).previous!)).toBe(true);
    await waitFor(
      async () => ((await fetch(`${url}/ready`)).status === 200 ? true : undefined),
      'ready',
    );

    const docs = await call('GET', '/v1/collections/docs');
    expect(docs.body.count).toBe(20);
    expect(await call('GET', '/v1/collections/docs/vectors/w0')).toMatchObject({ status: 404 });
    const v3 = await call('GET', '/v1/collections/docs/vectors/v3');
    expect(v3.status).toBe(200);
    const after = await call('GET', '/v1/collections/docs/vectors/v5');
    expect(after.body).toEqual(before.body);

    // The request was audited before the restore; the restore itself in the restored database.
    const audit = await call<Audit>('GET', '/v1/admin/audit?action=backups.restore');
    expect(audit.body.entries[0]!.detail).toMatchObject({ backup: full, in_place: true });

    // The next backup builds on the backup restored, not on the newer one of the other timeline.
    const next = await finished((await call<Job>('POST', '/v1/admin/backups', {})).body);
    expect(next.result).toMatchObject({ type: 'incremental', parent_id: full });
    const lines = log.lines().map((l) => l.msg);
    expect(lines).toContain('backup job done: in-place restore');
    expect(log.all()).not.toContain(readerKey);
    expect(log.all()).not.toContain(keyHex);
  });

  it('lets a running backup end before the database closes on shutdown', async () => {
    rmSync(gate);
    const started = await call<Job>('POST', '/v1/admin/backups', {});
    expect(started.status).toBe(202);
    const closing = server.close();
    writeFileSync(gate, '');
    await closing;
    const messages = log.lines().map((l) => l.msg);
    const waited = messages.indexOf('waiting for the running backup job to end');
    expect(waited).toBeGreaterThan(-1);
    expect(messages.indexOf('backup job done: auto backup', waited)).toBeGreaterThan(waited);
    expect(messages.indexOf('stopped', waited)).toBeGreaterThan(
      messages.indexOf('backup job done: auto backup', waited),
    );
  });
});
