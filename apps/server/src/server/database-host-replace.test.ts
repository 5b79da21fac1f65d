import { join } from 'node:path';

import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { LogCapture, tempDir } from '../../test/helpers.js';
import { DatabaseHost } from './database-host.js';

describe('DatabaseHost.replace', () => {
  let dir: ReturnType<typeof tempDir>;
  let host: DatabaseHost;
  let opened: number;
  beforeEach(async () => {
    dir = tempDir('needle-host-replace-');
    opened = 0;
    host = new DatabaseHost({
      dataDir: join(dir.path, 'data'),
      database: {},
      logger: pino({ level: 'silent' }, new LogCapture()),
      owner: 'test',
      afterOpen: () => {
        opened += 1;
        return Promise.resolve();
      },
    });
    const db = await host.open();
    await db.createCollection('docs', { dimensions: 2 });
  });
  afterEach(async () => {
    await host.close();
    dir.remove();
  });

  it('keeps serving the same database when the work fails before the swap', async () => {
    const db = host.database();
    let during: unknown;
    await expect(
      host.replace((database, report) => {
        expect(database).toBe(db);
        report({ reason: 'restoring backup x: download', progress: 0.25 });
        during = host.readiness();
        expect(host.accessDatabase()).toBe(db);
        expect(() => host.database()).toThrow(
          expect.objectContaining({ status: 503, code: 'NOT_READY' }),
        );
        return Promise.reject(new Error('the backup is corrupt'));
      }),
    ).rejects.toThrow('the backup is corrupt');
    expect(during).toEqual({
      ready: false,
      reason: 'restoring backup x: download',
      progress: 0.25,
    });
    expect(host.readiness()).toEqual({ ready: true });
    expect(host.database()).toBe(db);
    expect(opened).toBe(1);
  });

  it('opens the path again once the work has swapped and closed the database', async () => {
    const old = host.database();
    const result = await host.replace(async (database, report) => {
      report({ reason: 'restoring backup x: swap', swapping: true });
      expect(() => host.accessDatabase()).toThrow(
        expect.objectContaining({ status: 503, code: 'NOT_READY' }),
      );
      await database.close();
      return 'swapped';
    });
    expect(result).toBe('swapped');
    expect(host.readiness()).toEqual({ ready: true });
    expect(host.database()).not.toBe(old);
    expect(
      host
        .database()
        .listCollections()
        .map((c) => c.name),
    ).toEqual(['docs']);
    expect(opened).toBe(2);
  });

  it('opens whatever the path holds when the work fails after the swap began', async () => {
    await expect(
      host.replace(async (database, report) => {
        report({ reason: 'restoring backup x: swap', swapping: true });
        await database.close();
        throw new Error('rename failed');
      }),
    ).rejects.toThrow('rename failed');
    expect(host.readiness()).toEqual({ ready: true });
    expect(opened).toBe(2);
  });
});
