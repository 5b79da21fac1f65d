import Sqlite from 'better-sqlite3-multiple-ciphers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { openTempDatabase } from '../test/open-database.js';
import { AuditLog } from './audit-log.js';

let env: Awaited<ReturnType<typeof openTempDatabase>>;

beforeEach(async () => {
  env = await openTempDatabase();
});
afterEach(async () => {
  await env.dispose();
});

async function writeEntries(log: AuditLog, n: number): Promise<void> {
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      log.record({
        principal: i % 2 ? 'key:aaa' : 'jwt:ann',
        action: i % 3 ? 'search' : 'write',
        collection: 'docs',
        source: '127.0.0.1',
        allowed: i !== 4,
        requestId: `r${i}`,
      }),
    ),
  );
}

/** Closes the database, runs `sql` on the file directly, and opens it again. */
async function tamper(sql: string): Promise<AuditLog> {
  await env.db.close();
  const raw = new Sqlite(env.path);
  raw.exec(sql);
  raw.close();
  return new AuditLog(await env.reopen());
}

describe('AuditLog', () => {
  it('keeps entries in order, durable, and verifies the chain', async () => {
    const log = new AuditLog(env.db);
    await writeEntries(log, 10);
    const entries = log.query();
    expect(entries.map((e) => e.requestId)).toEqual(Array.from({ length: 10 }, (_, i) => `r${i}`));
    expect(entries[1]!.prev).toBe(entries[0]!.hash);
    expect(log.verify()).toEqual({ ok: true, entries: 10, headSeq: entries[9]!.seq });

    const reopened = new AuditLog(await env.reopen());
    await reopened.record({ principal: 'operator', action: 'keys.manage', allowed: true });
    expect(reopened.verify()).toMatchObject({ ok: true, entries: 11 });
  });

  it('queries by principal, action, collection and time, and exports JSON lines', async () => {
    const log = new AuditLog(env.db);
    await writeEntries(log, 6);
    expect(log.query({ principal: 'key:aaa' }).map((e) => e.requestId)).toEqual(['r1', 'r3', 'r5']);
    expect(log.query({ action: 'write' }).map((e) => e.requestId)).toEqual(['r0', 'r3']);
    expect(log.query({ descending: true, limit: 1 })[0]!.requestId).toBe('r5');
    expect(log.query({ until: Date.now() - 60_000 })).toEqual([]);
    const lines = [...log.exportJsonl({ principal: 'jwt:ann' })];
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[0]!)).toMatchObject({ principal: 'jwt:ann', requestId: 'r0' });
  });

  it('detects an altered entry', async () => {
    await writeEntries(new AuditLog(env.db), 5);
    const log = await tamper(
      `UPDATE system_log SET entry = json_set(entry, '$.allowed', json('true')) WHERE log = 'audit' AND json_extract(entry, '$.requestId') = 'r4'`,
    );
    expect(log.verify()).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/altered/) as string,
    });
  });

  it('detects a deleted entry in the middle, at the start and at the end', async () => {
    await writeEntries(new AuditLog(env.db), 5);
    let log = await tamper(
      `DELETE FROM system_log WHERE log = 'audit' AND json_extract(entry, '$.requestId') = 'r2'`,
    );
    expect(log.verify()).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/deleted or inserted/) as string,
    });
    log = await tamper(
      `DELETE FROM system_log WHERE log = 'audit' AND json_extract(entry, '$.requestId') = 'r0'`,
    );
    expect(log.verify()).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/deleted/) as string,
    });
    log = await tamper(
      `DELETE FROM system_log WHERE log = 'audit' AND json_extract(entry, '$.requestId') = 'r4'`,
    );
    expect(log.verify()).toMatchObject({ ok: false });
  });

  it('detects a rewritten chain whose head no longer matches', async () => {
    await writeEntries(new AuditLog(env.db), 3);
    const log = await tamper(
      `DELETE FROM system_log WHERE log = 'audit' AND json_extract(entry, '$.requestId') = 'r2'`,
    );
    expect(log.verify()).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/should be/) as string,
    });
  });

  it('prunes by retention and stays verifiable, and carries on the chain', async () => {
    let now = 1_000_000;
    const log = new AuditLog(env.db, { now: () => now });
    await writeEntries(log, 4);
    const stored = log.query();
    // Storage stamps entries with the wall clock; retention counts from it.
    now = Date.now() + 3_600_000;
    expect(await log.prune(60_000)).toBe(4);
    expect(log.verify()).toMatchObject({ ok: true, entries: 0 });
    await log.record({ principal: 'operator', action: 'config.manage', allowed: true });
    const after = log.query();
    expect(after[0]!.prev).toBe(stored.at(-1)!.hash);
    expect(log.verify()).toMatchObject({ ok: true, entries: 1 });
    expect(await log.prune(3_600_000 * 2)).toBe(0);
  });
});

describe('AuditLog with an unreadable entry', () => {
  it('reports an entry that is no longer JSON, and keeps recording', async () => {
    await writeEntries(new AuditLog(env.db), 3);
    const log = await tamper(
      `UPDATE system_log SET entry = 'garbage' WHERE log = 'audit' AND json_extract(entry, '$.requestId') = 'r2'`,
    );
    const result = log.verify();
    expect(result).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/cannot be read/) as string,
    });
    await log.record({ principal: 'operator', action: 'config.manage', allowed: true });
    expect(log.verify().ok).toBe(false);
  });
});
