import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';

import { tempDir } from '../../test/helpers/storage-fixtures.js';
import { Database } from '../database.js';

const role = z.object({ permissions: z.array(z.string()) });
const audit = z.object({ actor: z.string(), action: z.string() });

describe.each([':memory:', 'file'])('SystemStore over %s', (kind) => {
  let tmp: ReturnType<typeof tempDir>;
  let path: string;
  let db: Database;

  beforeEach(async () => {
    tmp = tempDir();
    path = kind === 'file' ? join(tmp.dir, 'system.needle') : ':memory:';
    db = await Database.open(path);
  });
  afterEach(async () => {
    await db.close();
    tmp.remove();
  });

  it('puts, gets, lists and deletes typed records', async () => {
    const roles = db.system.records('roles', role);
    await roles.put('reader', { permissions: ['search'] });
    await roles.put('admin', { permissions: ['*'] });
    expect(roles.get('reader')).toEqual({ permissions: ['search'] });
    expect(roles.list().map((r) => r.key)).toEqual(['admin', 'reader']);
    expect(await roles.delete('admin')).toBe(true);
    expect(await roles.delete('admin')).toBe(false);
    expect(roles.get('admin')).toBeUndefined();
  });

  it('refuses a record or entry that does not match its schema, and a bad namespace', async () => {
    const roles = db.system.records('roles', role);
    await expect(roles.put('x', { permissions: 'all' } as never)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    expect(roles.get('x')).toBeUndefined();
    await expect(
      db.system.log('audit', audit).append({ actor: 'a' } as never),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(() => db.system.records('Bad Name!', role)).toThrow(/namespace/);
  });

  it('appends and reads a log by field, and prunes it by count and by age', async () => {
    const log = db.system.log('audit', audit);
    await log.append({ actor: 'ann', action: 'login' }, { actor: 'bob', action: 'drop' });
    await log.append({ actor: 'ann', action: 'drop' });
    expect(log.read({ match: { actor: 'ann' } }).map((e) => e.entry.action)).toEqual([
      'login',
      'drop',
    ]);
    expect(await log.prune({ keepLast: 5 })).toBe(0);
    expect(await log.prune({ keepLast: 2 })).toBe(1);
    expect(await log.prune({ beforeSeq: log.read()[0]!.seq })).toBe(0);
    expect(log.read().map((e) => e.entry.actor)).toEqual(['bob', 'ann']);
    expect(await log.prune({ olderThanMs: 60_000 })).toBe(0);
    expect(await log.prune({ olderThanMs: 60_000 }, Date.now() + 120_000)).toBe(2);
    expect(log.read()).toEqual([]);
  });

  it('pages a log newest first with a seq cursor', async () => {
    const log = db.system.log('audit', audit);
    for (let i = 0; i < 5; i++) await log.append({ actor: `a${i}`, action: 'x' });
    const first = log.read({ descending: true, limit: 2 });
    expect(first.map((e) => e.entry.actor)).toEqual(['a4', 'a3']);
    const second = log.read({ descending: true, limit: 2, beforeSeq: first.at(-1)!.seq });
    expect(second.map((e) => e.entry.actor)).toEqual(['a2', 'a1']);
    const last = log.read({ descending: true, limit: 2, beforeSeq: second.at(-1)!.seq });
    expect(last.map((e) => e.entry.actor)).toEqual(['a0']);
  });

  it('refuses use after close', async () => {
    const roles = db.system.records('roles', role);
    await db.close();
    expect(() => roles.get('reader')).toThrow(/closed/);
  });
});

describe('SystemStore durability', () => {
  it('keeps records and log entries across reopen', async () => {
    const tmp = tempDir();
    const path = join(tmp.dir, 'system.needle');
    try {
      const first = await Database.open(path);
      await first.system.records('roles', role).put('reader', { permissions: ['search'] });
      await first.system.log('audit', audit).append({ actor: 'ann', action: 'login' });
      await first.close();
      const second = await Database.open(path);
      expect(second.system.records('roles', role).get('reader')).toEqual({
        permissions: ['search'],
      });
      expect(second.system.log('audit', audit).read()[0]!.entry).toEqual({
        actor: 'ann',
        action: 'login',
      });
      await second.close();
    } finally {
      tmp.remove();
    }
  });
});
