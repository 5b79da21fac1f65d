import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Database } from '@needle/engine';
import { AuditLog } from '@needle/security';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadServerConfig } from '../../src/config.js';
import { resolveDataFile } from '../../src/data-dir.js';
import { createServer } from '../../src/server/create-server.js';
import type { NeedleServer } from '../../src/server/create-server.js';
import { expectNoStackTrace, useTempRoot } from '../data-commands/fixtures.js';
import { runNeedle } from '../data-commands/run-needle.js';
import { LogCapture } from '../helpers.js';
import { needleJson, tamper } from './fixtures.js';
import type { AuditLine, CreatedKey } from './fixtures.js';

const ADMIN = 'operator-admin-key-for-tests-0123456789';
/** More than two answers of the audit route (10,000 entries each) hold. */
const SEEDED = 25_000;

const { dir } = useTempRoot('needle-security-remote-');
let data: string;
let server: NeedleServer | undefined;
let url: string;

async function startServer(): Promise<void> {
  server = await createServer(
    loadServerConfig({ flags: { port: '0', data }, env: { NEEDLE_ADMIN_API_KEY: ADMIN } }),
    { logStream: new LogCapture() },
  );
  url = await server.start();
  await server.opened();
}

async function stopServer(): Promise<void> {
  await server?.close();
  server = undefined;
}

/** Writes audit entries straight into the database, in commits of 500, as a busy server would. */
async function seedAudit(count: number): Promise<void> {
  const db = await Database.open(resolveDataFile(data));
  try {
    const audit = new AuditLog(db);
    for (let done = 0; done < count; done += 500) {
      await Promise.all(
        Array.from({ length: Math.min(500, count - done) }, (_, i) =>
          audit.record({
            principal: `key:${(done + i) % 7}`,
            action: 'search',
            collection: 'docs',
            source: '10.0.0.1',
            allowed: (done + i) % 11 !== 0,
            requestId: `seed-${done + i}`,
          }),
        ),
      );
    }
  } finally {
    await db.close();
  }
}

const remote = (args: string[], env: Record<string, string> = { NEEDLE_API_KEY: ADMIN }) =>
  runNeedle([...args, '--url', url], { env });

beforeAll(async () => {
  data = dir('data');
  await seedAudit(SEEDED);
  await startServer();
});

afterAll(async () => {
  await stopServer();
});

describe('the security commands against a running server (--url)', () => {
  let created: CreatedKey;

  it('say why the server refuses them without an admin key', async () => {
    const none = await remote(['roles', 'list'], {});
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^needle: GET \/v1\/admin\/roles: /);
    expectNoStackTrace(none.stderr);

    const wrong = await runNeedle([
      'keys',
      'list',
      '--url',
      url,
      '--api-key',
      `nk_000000000000_${'A'.repeat(43)}`,
    ]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^needle: GET \/v1\/admin\/keys: the API key is not valid/);
  });

  it('create a role and a key that works over REST until it is revoked', async () => {
    const role = await runNeedle([
      'roles',
      'create',
      'docs-reader',
      '--permission',
      'docs:search',
      '--permission',
      'collections.list',
      '--url',
      url,
      '--api-key',
      ADMIN,
    ]);
    expect(role.code).toBe(2);
    expect(role.stderr).toContain('"collections.list" is not a valid permission');

    const made = await runNeedle([
      'roles',
      'create',
      'docs-reader',
      '--permission',
      'docs:search',
      '--permission',
      '*:collections.list',
      '--url',
      url,
      '--api-key',
      ADMIN,
    ]);
    expect(made.stderr).toBe('');
    expect(made.stdout).toBe('created role "docs-reader": docs:search *:collections.list\n');

    ({ json: created } = await needleJson<CreatedKey>(
      [
        'keys',
        'create',
        '--name',
        'ci',
        '--role',
        'docs-reader',
        '--expires-at',
        '2999-01-01',
        '--url',
        url,
      ],
      { env: { NEEDLE_API_KEY: ADMIN } },
    ));
    expect(created).toMatchObject({
      name: 'ci',
      roles: ['docs-reader'],
      expires_at: '2999-01-01T00:00:00.000Z',
    });

    const withKey = () => fetch(`${url}/v1/collections`, { headers: { 'x-api-key': created.key } });
    expect((await withKey()).status).toBe(200);

    const list = await remote(['keys', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(
      new RegExp(
        `${created.id}\\s+ci\\s+docs-reader\\s+active\\s+\\S+ \\S+Z\\s+2999-01-01 00:00:00Z\\s+\\S+ \\S+Z`,
      ),
    );
    expect(list.stdout).not.toContain(created.key.slice(created.prefix.length));

    const revoked = await remote(['keys', 'revoke', created.id]);
    expect(revoked.code).toBe(0);
    const refused = await withKey();
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ reason: 'API_KEY_REVOKED' });
  });

  it('grant, check and revoke roles, and delete a role', async () => {
    const principal = 'jwt:alice@example.com';
    expect((await remote(['roles', 'grant', principal, 'docs-reader'])).code).toBe(0);
    const allowed = await remote([
      'roles',
      'check',
      '--principal',
      principal,
      '--action',
      'search',
      '--collection',
      'docs',
    ]);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toBe(
      'allowed: search on "docs" for roles docs-reader (by docs:search)\n',
    );
    const denied = await remote([
      'roles',
      'check',
      '--key',
      created.id,
      '--action',
      'write',
      '--collection',
      'docs',
    ]);
    expect(denied.code).toBe(4);
    expect(denied.stdout).toBe('denied: write on "docs" for roles docs-reader\n');

    const roles = await needleJson<{
      roles: { name: string }[];
      grants: { principal: string; roles: string[] }[];
    }>(['roles', 'list', '--url', url], { env: { NEEDLE_API_KEY: ADMIN } });
    expect(roles.json.roles.map((r) => r.name)).toEqual([
      'reader',
      'writer',
      'admin',
      'docs-reader',
    ]);
    expect(roles.json.grants).toEqual([{ principal, roles: ['docs-reader'] }]);

    const revoke = await remote(['roles', 'revoke', principal, 'docs-reader']);
    expect(revoke.stdout).toBe(
      `revoked "docs-reader" from ${principal}; its granted roles: none\n`,
    );
    expect((await remote(['roles', 'delete', 'docs-reader'])).stdout).toBe(
      'deleted role "docs-reader"\n',
    );
    const gone = await remote(['roles', 'delete', 'docs-reader']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('there is no role "docs-reader"');
  });

  it('list the audit entries the server wrote for those changes', async () => {
    const { json } = await needleJson<{ entries: AuditLine[] }>(
      ['audit', 'list', '--principal', 'operator', '--action', 'keys.create', '--url', url],
      { env: { NEEDLE_API_KEY: ADMIN } },
    );
    expect(json.entries).toHaveLength(1);
    expect(json.entries[0]).toMatchObject({
      principal: 'operator',
      action: 'keys.create',
      allowed: true,
      detail: { key: created.id, name: 'ci', roles: 'docs-reader' },
    });
    const changes = await needleJson<{ entries: AuditLine[] }>(
      ['audit', 'list', '--principal', 'operator', '--limit', '10000', '--url', url],
      { env: { NEEDLE_API_KEY: ADMIN } },
    );
    const actions = changes.json.entries
      .map((e) => e.action)
      .filter((a) => a.includes('.') && !a.endsWith('manage') && a !== 'audit.read');
    expect(actions.reverse()).toEqual([
      'roles.create',
      'keys.create',
      'keys.revoke',
      'roles.grant',
      'roles.revoke',
      'roles.delete',
    ]);
  });

  it('export the whole audit log over REST, oldest first, as the data directory holds it', async () => {
    const out = join(dir('.'), 'remote-audit.jsonl');
    const run = await remote(['audit', 'export', '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const text = readFileSync(out, 'utf8');
    const lines = text.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(SEEDED);
    const seqs = lines.map((l) => (JSON.parse(l) as AuditLine).seq);
    expect(seqs.every((s, i) => i === 0 || s > seqs[i - 1]!)).toBe(true);
    expect(run.stdout).toBe(
      `exported ${lines.length.toLocaleString('en')} audit entries to ${out}\n`,
    );

    const seeded = await remote(['audit', 'export', '--principal', 'key:3', '--action', 'search']);
    expect(seeded.code).toBe(0);
    const mine = seeded.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as AuditLine & { request_id: string });
    expect(mine.map((e) => e.request_id)).toEqual(
      Array.from({ length: SEEDED }, (_, i) => i)
        .filter((i) => i % 7 === 3)
        .map((i) => `seed-${i}`),
    );

    const ok = await remote(['audit', 'verify']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(
      new RegExp(`^the audit log of ${url} holds: [\\d,]+ entries, newest entry \\d+\\n$`),
    );

    await stopServer();
    const local = await runNeedle(['audit', 'export', '--data', data]);
    expect(local.code).toBe(0);
    // The server went on auditing the export's own requests after it was read.
    expect(local.stdout.startsWith(text)).toBe(true);
    await startServer();
  });

  it('find an entry altered in the file while the server was stopped: exit 4, naming it', async () => {
    const held = await runNeedle(['keys', 'list', '--data', data]);
    expect(held.code).toBe(1);
    expect(held.stderr).toContain('--url http://host:port');

    await stopServer();
    expect(
      tamper(
        data,
        `UPDATE system_log SET entry = json_set(entry, '$.allowed', json('true'))
         WHERE log = 'audit' AND json_extract(entry, '$.requestId') = 'seed-11'`,
      ),
    ).toBe(1);
    await startServer();
    const broken = await remote(['audit', 'verify']);
    expect(broken.code).toBe(4);
    const [problem, entry] = broken.stdout.split('\n');
    expect(problem).toMatch(
      new RegExp(
        `^the audit log of ${url} is broken: entry (\\d+) was altered after it was written$`,
      ),
    );
    const seq = /entry (\d+) was altered/.exec(problem!)![1];
    expect(entry).toMatch(
      new RegExp(
        `^ {2}entry ${seq} as stored: \\{"seq":${seq},.*"allowed":true,"request_id":"seed-11"`,
      ),
    );
    expect(broken.stderr).toContain('needle: the audit log was tampered with or damaged');
  });
});
