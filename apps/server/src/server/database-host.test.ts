import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { ApiError } from '@needle/api';
import { Database } from '@needle/engine';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { LogCapture, gatedKey, tempDir } from '../../test/helpers.js';
import { DATA_FILE_NAME, LOCK_FILE_NAME } from '../data-dir.js';
import { DatabaseHost } from './database-host.js';

describe('DatabaseHost', () => {
  let dir: ReturnType<typeof tempDir>;
  const hosts: DatabaseHost[] = [];
  beforeEach(() => {
    dir = tempDir('needle-host-');
  });
  afterEach(async () => {
    for (const h of hosts.splice(0)) await h.close();
    dir.remove();
  });

  function host(database = {}, log = new LogCapture()): DatabaseHost {
    const h = new DatabaseHost({
      dataDir: join(dir.path, 'data'),
      database,
      logger: pino({ level: 'debug' }, log),
      owner: 'test',
    });
    hosts.push(h);
    return h;
  }

  it('answers NOT_READY with the reason while opening, then serves the database', async () => {
    const key = gatedKey(dir.path);
    const h = host({ encryption: key.encryption });
    expect(h.readiness()).toEqual({ ready: false, reason: 'starting' });
    const opened = h.open();
    expect(h.readiness()).toEqual({ ready: false, reason: 'opening the database' });
    let refused: unknown;
    try {
      h.database();
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({
      status: 503,
      code: 'NOT_READY',
      details: { reason: 'opening the database' },
      headers: { 'retry-after': '1' },
    });
    key.release();
    const db = await opened;
    expect(h.readiness()).toEqual({ ready: true });
    expect(h.database()).toBe(db);
    expect(existsSync(join(dir.path, 'data', DATA_FILE_NAME))).toBe(true);
  });

  it('reports the progress of an index rebuild while opening', async () => {
    const file = join(dir.path, 'data', DATA_FILE_NAME);
    const seeded = await Database.open(file);
    const docs = await seeded.createCollection('docs', { dimensions: 8 });
    const records = Array.from({ length: 3000 }, (_, i) => ({
      id: `v${i}`,
      vector: Array.from({ length: 8 }, (_, d) => Math.sin(i * 8 + d + 1)),
    }));
    await docs.insertMany(records);
    await seeded.close();
    // Without the saved index the next open rebuilds it from the stored vectors.
    rmSync(`${file}-index`, { recursive: true, force: true });

    // Readiness is read as each progress line is logged: exactly when the host updates it.
    const seen: unknown[] = [];
    const log = new LogCapture((line) => {
      if (line.msg === 'rebuilding the index of collection "docs"')
        seen.push([line, h.readiness()]);
    });
    const h = host({}, log);
    await h.open();
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen[0]).toEqual([
      expect.objectContaining({ done: 0, total: 3000, phase: 'rebuild' }),
      { ready: false, reason: 'rebuilding the index of collection "docs"', progress: 0 },
    ]);
    const [lastLine, lastReadiness] = seen.at(-1) as [{ done: number }, { progress: number }];
    expect(lastReadiness.progress).toBe(lastLine.done / 3000);
    expect(lastReadiness.progress).toBeGreaterThan(0.9);
    expect(h.database().openReport.collections[0]).toMatchObject({
      index: 'rebuilt',
      rebuilt: 3000,
    });
  });

  it('holds the data directory: a second host cannot lock it until the first closes', async () => {
    const first = host();
    await first.open();
    const second = host();
    expect(() => second.lock()).toThrow(expect.objectContaining({ code: 'DATA_DIR_LOCKED' }));
    await first.close();
    expect(existsSync(join(dir.path, 'data', LOCK_FILE_NAME))).toBe(false);
    expect(() => second.lock()).not.toThrow();
  });

  it('refuses with CLOSED once shutting down, and closes an open still under way', async () => {
    const key = gatedKey(dir.path);
    const h = host({ encryption: key.encryption });
    const opened = h.open();
    const closed = h.close();
    expect(() => h.database()).toThrow(expect.objectContaining({ code: 'CLOSED' }));
    expect(h.readiness()).toEqual({ ready: false, reason: 'shutting down' });
    key.release();
    await closed;
    const db = await opened;
    expect(() => db.listCollections()).toThrow(expect.objectContaining({ code: 'CLOSED' }));
    expect(existsSync(join(dir.path, 'data', LOCK_FILE_NAME))).toBe(false);
  });

  it('reports a failed open, and logs it', async () => {
    const log = new LogCapture();
    const h = host(
      { encryption: { keySource: { type: 'env', name: 'NEEDLE_TEST_NO_SUCH_KEY' } } },
      log,
    );
    await expect(h.open()).rejects.toMatchObject({ code: 'KEY_UNAVAILABLE' });
    const r = h.readiness();
    expect(r.ready).toBe(false);
    expect(!r.ready && r.reason).toMatch(/^the database could not be opened: /);
    expect(log.lines().some((l) => l.msg === 'the database could not be opened')).toBe(true);
  });
});
