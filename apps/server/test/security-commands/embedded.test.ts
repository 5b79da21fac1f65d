import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

import { Database } from '@needle/engine';
import { AccessControl } from '@needle/security';
import { beforeAll, describe, expect, it } from 'vitest';

import { acquireDataDirLock, resolveDataFile } from '../../src/data-dir.js';
import { expectNoStackTrace, useTempRoot } from '../data-commands/fixtures.js';
import { runNeedle } from '../data-commands/run-needle.js';
import { CLI_PRINCIPAL, createDatabase, needleJson, tamper } from './fixtures.js';
import type { AuditLine, CreatedKey } from './fixtures.js';

const { dir } = useTempRoot('needle-security-commands-');
const DAY = 86_400_000;

describe('keys, roles and the audit log of a data directory', () => {
  let data: string;
  let created: CreatedKey;
  const needle = (...args: string[]) => runNeedle([...args, '--data', data]);

  beforeAll(async () => {
    data = dir('data');
    await createDatabase(data);
  });

  it('creates a custom role, and refuses a malformed permission as a usage error', async () => {
    const role = await needle(
      'roles',
      'create',
      'docs-reader',
      '--permission',
      'docs:search',
      '--permission',
      'docs:read',
      '--description',
      'reads docs',
    );
    expect(role.stderr).toBe('');
    expect(role.code).toBe(0);
    expect(role.stdout).toBe('created role "docs-reader": docs:search docs:read\n');

    const bad = await needle('roles', 'create', 'flyer', '--permission', 'docs:fly');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /^needle: "docs:fly" is not a valid permission\n {2}The action must be/,
    );
    expectNoStackTrace(bad.stderr);

    const list = await needle('roles', 'list');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/docs-reader\s+custom\s+docs:search docs:read\s+reads docs/);
    expect(list.stdout).toMatch(/admin\s+built-in\s+\*:\*/);
    expect(list.stdout).not.toContain('flyer');
  });

  it('creates a key and prints it once, with a warning that it will not be shown again', async () => {
    const before = Date.now();
    const { run, json } = await needleJson<CreatedKey>([
      'keys',
      'create',
      '--name',
      'ci',
      '--role',
      'docs-reader',
      '--expires-in',
      '30d',
      '--data',
      data,
    ]);
    const after = Date.now();
    created = json;
    expect(created.key).toMatch(new RegExp(`^nk_${created.id}_[A-Za-z0-9_-]{43}$`));
    expect(created).toMatchObject({
      name: 'ci',
      roles: ['docs-reader'],
      prefix: `nk_${created.id}_`,
    });
    const expires = Date.parse(created.expires_at!);
    expect(expires).toBeGreaterThanOrEqual(before + 30 * DAY);
    expect(expires).toBeLessThanOrEqual(after + 30 * DAY);
    expect(run.stderr).toContain('it is shown this once and cannot be shown again');

    const text = await needle('keys', 'create', '--name', 'ops', '--role', 'reader');
    expect(text.code).toBe(0);
    const [summary, key] = text.stdout.trimEnd().split('\n');
    expect(summary).toMatch(
      /^created API key "ops" \(id [0-9a-f]{12}, roles reader, never expires\)$/,
    );
    expect(key).toMatch(/^nk_[0-9a-f]{12}_/);
    expect(text.stderr).toContain('warning: store this key now');
  });

  it('lists the keys by id, never with their secret', async () => {
    const secret = created.key.slice(created.prefix.length);
    const table = await needle('keys', 'list');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`${created.id}\\s+ci\\s+docs-reader\\s+active`));
    expect(table.stdout).toMatch(/\s+ops\s+reader\s+active\s/);
    expect(table.stdout).not.toContain(secret);

    const { run, json } = await needleJson<{ keys: Record<string, unknown>[] }>([
      'keys',
      'list',
      '--data',
      data,
    ]);
    expect(run.stdout).not.toContain(secret);
    expect(json.keys).toHaveLength(2);
    for (const key of json.keys) {
      expect(Object.keys(key).sort()).toEqual([
        'created_at',
        'expires_at',
        'id',
        'last_used_at',
        'name',
        'prefix',
        'revoked_at',
        'roles',
      ]);
    }
  });

  it('answers what a key may do, from its roles and those granted to it; a denial exits 4', async () => {
    const check = (action: string, collection: string) =>
      needle('roles', 'check', '--key', created.id, '--action', action, '--collection', collection);

    const search = await check('search', 'docs');
    expect(search.code).toBe(0);
    expect(search.stdout).toBe(
      'allowed: search on "docs" for roles docs-reader (by docs:search)\n',
    );
    expect((await check('search', 'logs')).code).toBe(4);
    const write = await check('write', 'docs');
    expect(write.code).toBe(4);
    expect(write.stdout).toBe('denied: write on "docs" for roles docs-reader\n');

    const grant = await needle('roles', 'grant', `key:${created.id}`, 'writer');
    expect(grant.code).toBe(0);
    expect(grant.stdout).toBe(`granted "writer" to key:${created.id}; its granted roles: writer\n`);
    expect((await check('write', 'docs')).code).toBe(0);
    expect((await needle('roles', 'list')).stdout).toMatch(
      new RegExp(`key:${created.id}\\s+writer`),
    );

    const revoke = await needle('roles', 'revoke', `key:${created.id}`, 'writer');
    expect(revoke.stdout).toBe(
      `revoked "writer" from key:${created.id}; its granted roles: none\n`,
    );
    expect((await check('write', 'docs')).code).toBe(4);
    const again = await needle('roles', 'revoke', `key:${created.id}`, 'writer');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing changed');

    const { json } = await needleJson<{ allowed: boolean; roles: string[]; matched: string[] }>([
      'roles',
      'check',
      '--role',
      'reader',
      '--role',
      'docs-reader',
      '--action',
      'read',
      '--collection',
      'docs',
      '--data',
      data,
    ]);
    expect(json).toEqual({
      allowed: true,
      roles: ['docs-reader', 'reader'],
      matched: ['docs:read', '*:read'],
    });
  }, 180_000);

  it('revokes a key: listed as revoked, refused from then on', async () => {
    const revoked = await needle('keys', 'revoke', created.id);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(new RegExp(`^revoked API key ${created.id} \\("ci"\\) at `));
    expect((await needle('keys', 'list')).stdout).toMatch(
      new RegExp(`${created.id}\\s+ci\\s+docs-reader\\s+revoked`),
    );

    const db = await Database.open(resolveDataFile(data));
    try {
      expect(() => new AccessControl(db).authenticateApiKey(created.key)).toThrow(
        expect.objectContaining({ reason: 'API_KEY_REVOKED' }),
      );
    } finally {
      await db.close();
    }
  });

  it('audited every change as the command line user, without a secret', async () => {
    const { run, json } = await needleJson<{ entries: AuditLine[] }>([
      'audit',
      'list',
      '--data',
      data,
    ]);
    expect(json.entries.map((e) => e.action)).toEqual([
      'keys.revoke',
      'roles.revoke',
      'roles.grant',
      'keys.create',
      'keys.create',
      'roles.create',
    ]);
    for (const entry of json.entries) {
      expect(entry).toMatchObject({ principal: CLI_PRINCIPAL, allowed: true, source: hostname() });
    }
    expect(json.entries[4]!.detail).toEqual({ key: created.id, name: 'ci', roles: 'docs-reader' });
    expect(json.entries[2]!.detail).toEqual({ grantee: `key:${created.id}`, role: 'writer' });
    expect(run.stdout).not.toContain(created.key.slice(created.prefix.length));

    const table = await needle('audit', 'list', '--action', 'keys.revoke');
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /seq\s+time\s+principal\s+action\s+collection\s+result\s+source\s+detail/,
    );
    expect(lines[1]).toMatch(
      new RegExp(
        `6\\s+\\S+ \\S+Z\\s+${CLI_PRINCIPAL}\\s+keys\\.revoke\\s+-\\s+allowed\\s+\\S+\\s+key=${created.id}$`,
      ),
    );
  });

  it('exports the audit log as JSONL, oldest first, filtered, to a file or standard output', async () => {
    const out = join(dir('.'), 'audit.jsonl');
    const all = await needle('audit', 'export', '--out', out);
    expect(all.code).toBe(0);
    expect(all.stdout).toBe(`exported 6 audit entries to ${out}\n`);
    const lines = readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as AuditLine);
    expect(lines.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    const listed = await needleJson<{ entries: AuditLine[] }>(['audit', 'list', '--data', data]);
    expect(lines).toEqual([...listed.json.entries].reverse());

    const exists = await needle('audit', 'export', '--out', out);
    expect(exists.code).toBe(1);
    expect(exists.stderr).toContain('exists already');
    expect((await needle('audit', 'export', '--out', out, '--force')).code).toBe(0);

    const grants = await needle(
      'audit',
      'export',
      '--action',
      'roles.grant',
      '--principal',
      CLI_PRINCIPAL,
    );
    expect(grants.code).toBe(0);
    expect(
      grants.stdout
        .trimEnd()
        .split('\n')
        .map((l) => (JSON.parse(l) as AuditLine).seq),
    ).toEqual([4]);
    expect(grants.stderr).toBe('exported 1 audit entries to standard output\n');
    expect((await needle('audit', 'export', '--principal', 'key:nobody')).stdout).toBe('');
    expect(
      (await needle('audit', 'export', '--since', '1h')).stdout.trimEnd().split('\n'),
    ).toHaveLength(6);
    expect((await needle('audit', 'export', '--until', '2000-01-01')).stdout).toBe('');
  }, 180_000);

  it('verifies the chain, and finds an entry altered in the file: exit 4, naming it', async () => {
    const ok = await needle('audit', 'verify');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe(
      `the audit log of data directory ${data} holds: 6 entries, newest entry 6\n`,
    );

    expect(
      tamper(
        data,
        `UPDATE system_log SET entry = json_set(entry, '$.allowed', json('false'))
         WHERE log = 'audit' AND json_extract(entry, '$.action') = 'roles.grant'`,
      ),
    ).toBe(1);
    const broken = await needle('audit', 'verify');
    expect(broken.code).toBe(4);
    const [problem, entry, before] = broken.stdout.trimEnd().split('\n');
    expect(problem).toBe(
      `the audit log of data directory ${data} is broken: entry 4 was altered after it was written`,
    );
    expect(entry).toMatch(/^ {2}entry 4 as stored: \{.*"action":"roles.grant".*"allowed":false/);
    expect(before).toBe('  the 3 entries before the problem hold');
    expect(broken.stderr).toContain('needle: the audit log was tampered with or damaged');

    const json = await runNeedle(['audit', 'verify', '--json', '--data', data]);
    expect(json.code).toBe(4);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, entries: 3, seq: 4 });
  });

  it('finds a deleted entry and an entry that is no longer JSON', async () => {
    const deleted = dir('deleted');
    await createDatabase(deleted);
    for (const name of ['a', 'b', 'c']) {
      expect(
        (
          await runNeedle([
            'roles',
            'create',
            name,
            '--permission',
            'docs:search',
            '--data',
            deleted,
          ])
        ).code,
      ).toBe(0);
    }
    tamper(
      deleted,
      `DELETE FROM system_log WHERE log = 'audit' AND json_extract(entry, '$.detail.role') = 'b'`,
    );
    const gap = await runNeedle(['audit', 'verify', '--data', deleted]);
    expect(gap.code).toBe(4);
    expect(gap.stdout).toMatch(
      /is broken: entry \d+ does not follow the entry before it: an entry was deleted or inserted/,
    );

    tamper(
      deleted,
      `UPDATE system_log SET entry = 'garbage' WHERE log = 'audit' AND json_valid(entry) AND json_extract(entry, '$.detail.role') = 'c'`,
    );
    const garbage = await runNeedle(['audit', 'verify', '--data', deleted]);
    expect(garbage.code).toBe(4);
    expect(garbage.stdout).toMatch(/is broken: entry \d+ cannot be read as an audit entry/);
    expectNoStackTrace(garbage.stderr);
  }, 180_000);

  it('refuses a data directory a running server holds, pointing at --url', async () => {
    const release = acquireDataDirLock(data, { owner: 'needle serve on http://127.0.0.1:8080' });
    try {
      for (const args of [
        ['keys', 'list'],
        ['roles', 'create', 'x', '--permission', 'docs'],
        ['audit', 'verify'],
      ]) {
        const run = await needle(...args);
        expect(run.code).toBe(1);
        expect(run.stderr).toContain(
          `is in use by process ${process.pid} (needle serve on http://127.0.0.1:8080)`,
        );
        expect(run.stderr).toContain('--url http://host:port');
        expectNoStackTrace(run.stderr);
      }
    } finally {
      release();
    }
  });
});

describe('usage and failures', () => {
  let data: string;
  const needle = (...args: string[]) => runNeedle([...args, '--data', data]);

  beforeAll(async () => {
    data = dir('usage');
    await createDatabase(data);
  });

  it('exits 2 on what cannot be asked, 1 on what cannot be done, never with a stack trace', async () => {
    const usage: [string[], RegExp][] = [
      [['keys', 'create', '--name', 'x'], /needle: a key needs at least one role/],
      [
        [
          'keys',
          'create',
          '--name',
          'x',
          '--role',
          'reader',
          '--expires-in',
          '30d',
          '--expires-at',
          '2999-01-01',
        ],
        /cannot be used with/,
      ],
      [
        ['keys', 'create', '--name', 'x', '--role', 'reader', '--expires-in', 'soon'],
        /expected a duration such as 30d/,
      ],
      [['roles', 'grant', 'bob', 'reader'], /needle: "bob" is not a principal/],
      [['roles', 'check', '--action', 'search'], /needle: say whose permissions to check/],
      [
        ['roles', 'check', '--role', 'reader', '--action', 'fly'],
        /Allowed choices are search, read/,
      ],
      [['audit', 'list', '--since', 'yesterday'], /expected an ISO time/],
      [['keys', 'rotate'], /unknown command 'rotate'/],
    ];
    for (const [args, message] of usage) {
      const run = await needle(...args);
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stderr).toMatch(message);
      expectNoStackTrace(run.stderr);
    }
    const failures: [string[], RegExp][] = [
      [
        ['keys', 'revoke', '0123456789ab'],
        /needle: no API key has the id "0123456789ab"\n {2}List the keys/,
      ],
      [['keys', 'create', '--name', 'x', '--role', 'nobody'], /needle: there is no role "nobody"/],
      [
        ['keys', 'create', '--name', 'x', '--role', 'reader', '--expires-at', '2001-01-01'],
        /the expiry is in the past/,
      ],
      [['roles', 'delete', 'reader'], /needle: the built-in role "reader" cannot be deleted/],
      [['roles', 'delete', 'nobody'], /needle: there is no role "nobody"/],
    ];
    for (const [args, message] of failures) {
      const run = await needle(...args);
      expect({ args, code: run.code }).toEqual({ args, code: 1 });
      expect(run.stderr).toMatch(message);
      expectNoStackTrace(run.stderr);
    }
    // Nothing refused was recorded as done.
    expect(
      (await needleJson<{ entries: unknown[] }>(['audit', 'list', '--data', data])).json.entries,
    ).toEqual([]);
  }, 180_000);

  it('does not create a database where there is none', async () => {
    const missing = dir('missing');
    const run = await runNeedle(['keys', 'list', '--data', missing]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`needle: no Needle database in ${missing}`);
    expect(existsSync(missing)).toBe(false);
  });

  it('documents the exit statuses in --help', async () => {
    const verify = await runNeedle(['audit', 'verify', '--help']);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain(
      '4    the chain is broken: the entry and the problem are printed',
    );
    expect((await runNeedle(['roles', 'check', '--help'])).stdout).toContain('4    denied');
    const help = await runNeedle(['--help']);
    for (const group of ['keys', 'roles', 'audit'])
      expect(help.stdout).toMatch(new RegExp(`\\n {2}${group} `));
  });
});
