import {
  ACTIONS,
  AccessControl,
  AuditLog,
  Authenticator,
  BUILT_IN_ROLES,
  allows,
  parsePermission,
  type Action,
} from '@needle/security';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PROCEDURE_ACTIONS, allRoutes, appRouter } from '../src/index.js';
import type { AppRouter } from '../src/index.js';
import { startServer, vectorOf, type TestServer } from './helpers/start-server.js';

let s: TestServer;
let access: AccessControl;
let audit: AuditLog;
const keys: Record<string, string> = {};

beforeAll(async () => {
  s = await startServer({
    security: (db) => {
      access = new AccessControl(db);
      audit = new AuditLog(db);
      return { access, audit, authenticator: new Authenticator({ access }) };
    },
  });
  for (const role of ['reader', 'writer', 'admin']) {
    keys[role] = (await access.createApiKey({ name: role, roles: [role] })).key;
  }
  const admin = { 'x-api-key': keys.admin! };
  expect(
    (await s.call('POST', '/v1/collections', { name: 'docs', dimensions: 8 }, admin)).status,
  ).toBe(201);
  const vectors = Array.from({ length: 5 }, (_, i) => ({ id: `v${i}`, vector: vectorOf(i) }));
  expect(
    (await s.call('POST', '/v1/collections/docs/vectors/batch', { vectors }, admin)).status,
  ).toBe(200);
});
afterAll(async () => {
  await audit.flush();
  await access.settled();
  await s.close();
});

/** A concrete path for a route pattern. */
const concrete = (path: string) =>
  path
    .replace(':name', 'docs')
    .replace(':id', 'v0')
    .replace(':snapshot', 'snap')
    .replace(':role', 'nobody')
    .replace(':rule', 'NeedleMemoryHigh');

/** Whether a built-in role may do an action on the `docs` collection (or globally). */
const roleMay = (role: keyof typeof BUILT_IN_ROLES, action: Action) =>
  BUILT_IN_ROLES[role].some((p) => allows(parsePermission(p), action, 'docs'));

describe('the route table', () => {
  it('has a declared action on every route, public only for probes and the document', () => {
    for (const route of allRoutes) {
      expect(route.action, route.id).toBeDefined();
      expect([...ACTIONS, 'authenticated', 'public'], route.id).toContain(route.action);
      if (route.action === 'public') {
        expect(route.kind, route.id).toBe('infra');
        expect(route.secured, route.id).toBe(false);
      } else {
        expect(route.secured, route.id).toBe(true);
      }
    }
  });
});

describe('route × role matrix', () => {
  it('covers the alert threshold and notifier routes and procedures, which only admin may use', () => {
    expect(
      allRoutes
        .filter((r) => r.action === 'alerts.manage')
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    ).toEqual([
      'DELETE /admin/alerts/rules/:rule/thresholds',
      'DELETE /admin/notifiers/:name',
      'GET /admin/notifications/deliveries',
      'GET /admin/notifiers',
      'GET /admin/notifiers/:name',
      'POST /admin/alerts/rules/:rule/thresholds',
      'POST /admin/notifiers',
      'POST /admin/notifiers/:name',
      'POST /admin/notifiers/:name/test',
    ]);
    expect(
      [...PROCEDURE_ACTIONS]
        .filter(([, action]) => action === 'alerts.manage')
        .map(([path]) => path)
        .sort(),
    ).toEqual([
      'alerts.resetThresholds',
      'alerts.setThresholds',
      'notifiers.create',
      'notifiers.delete',
      'notifiers.deliveries',
      'notifiers.get',
      'notifiers.list',
      'notifiers.test',
      'notifiers.update',
    ]);
    expect(
      ['reader', 'writer', 'admin'].map((r) => roleMay(r as 'admin', 'alerts.manage')),
    ).toEqual([false, false, true]);
  });

  it('covers the backup routes and procedures, settings included, which only admin may use', () => {
    expect(
      allRoutes
        .filter((r) => r.action === 'backups.manage')
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    ).toEqual([
      'DELETE /admin/backups/:backup',
      'DELETE /admin/backups/settings',
      'GET /admin/backups',
      'GET /admin/backups/jobs/:job',
      'GET /admin/backups/status',
      'POST /admin/backups',
      'POST /admin/backups/restore',
      'POST /admin/backups/retention',
      'POST /admin/backups/settings',
      'POST /admin/backups/verify',
    ]);
    expect(
      [...PROCEDURE_ACTIONS]
        .filter(([, action]) => action === 'backups.manage')
        .map(([path]) => path)
        .sort(),
    ).toEqual([
      'backups.create',
      'backups.delete',
      'backups.job',
      'backups.list',
      'backups.resetSettings',
      'backups.restore',
      'backups.retention',
      'backups.status',
      'backups.updateSettings',
      'backups.verify',
    ]);
    expect(
      ['reader', 'writer', 'admin'].map((r) => roleMay(r as 'admin', 'backups.manage')),
    ).toEqual([false, false, true]);
  });

  // Destructive routes last, so the collection the others need still exists.
  const order = (id: string) => (/^(deleteCollection|restoreSnapshot)$/.test(id) ? 1 : 0);
  const secured = allRoutes.filter((r) => r.secured).sort((a, b) => order(a.id) - order(b.id));

  for (const role of ['reader', 'writer', 'admin'] as const) {
    for (const prefix of ['/v1', '']) {
      it(`${role}: every secured route ${prefix ? 'under /v1' : 'unprefixed'} allows or refuses as the role says`, async () => {
        const mismatches: string[] = [];
        for (const route of secured) {
          if (route.kind === 'infra' && prefix) continue;
          if (role === 'admin' && /^(deleteCollection)$/.test(route.id)) continue;
          const expected =
            route.action === 'authenticated' ? true : roleMay(role, route.action as Action);
          const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : {};
          const res = await s.call(route.method, `${prefix}${concrete(route.path)}`, body, {
            'x-api-key': keys[role]!,
          });
          const refused = res.status === 403;
          if (res.status === 401) mismatches.push(`${route.id}: 401`);
          if (refused === expected) {
            mismatches.push(
              `${route.method} ${route.path} (${route.action}): ${res.status} ${res.text.slice(0, 120)}`,
            );
          }
          if (refused) expect(res.body.code).toBe('FORBIDDEN');
        }
        expect(mismatches).toEqual([]);
      });
    }
  }
});

describe('procedure × role matrix (tRPC)', () => {
  const procedures = Object.keys(appRouter._def.procedures);
  const destructive = /^(collections\.drop|snapshots\.restore)$/;

  it('has a declared action on every procedure but the two probes', () => {
    const undeclared = procedures.filter((p) => !PROCEDURE_ACTIONS.has(p));
    expect(undeclared.sort()).toEqual(['system.health', 'system.ready']);
    expect([...PROCEDURE_ACTIONS.keys()].filter((p) => !procedures.includes(p))).toEqual([]);
  });

  for (const role of ['reader', 'writer', 'admin'] as const) {
    it(`${role}: every secured procedure allows or refuses as the role says`, async () => {
      const mismatches: string[] = [];
      for (const path of procedures.filter(
        (p) => PROCEDURE_ACTIONS.has(p) && !destructive.test(p),
      )) {
        const action = PROCEDURE_ACTIONS.get(path)!;
        const expected = action === 'authenticated' ? true : roleMay(role, action);
        const query =
          (appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>)[
            path
          ]!._def.type === 'query';
        const input = encodeURIComponent(JSON.stringify({ collection: 'docs' }));
        const res = query
          ? await fetch(`${s.base}/trpc/${path}?input=${input}`, {
              headers: { 'x-api-key': keys[role]! },
            })
          : await fetch(`${s.base}/trpc/${path}`, {
              method: 'POST',
              headers: { 'x-api-key': keys[role]!, 'content-type': 'application/json' },
              body: JSON.stringify({ collection: 'docs' }),
            });
        if ((res.status === 403) === expected || res.status === 401) {
          mismatches.push(`${path} (${action}): ${res.status} ${(await res.text()).slice(0, 100)}`);
        }
      }
      expect(mismatches).toEqual([]);
    });
  }
});

describe('credentials', () => {
  it('refuses missing, malformed, forged, revoked and expired credentials with their reasons, audited', async () => {
    const cases: [string, Record<string, string>][] = [
      ['CREDENTIALS_MISSING', {}],
      ['CREDENTIALS_MALFORMED', { 'x-api-key': 'not-a-key' }],
      ['API_KEY_UNKNOWN', { 'x-api-key': `${keys.reader!.slice(0, 16)}${'B'.repeat(43)}` }],
      ['CREDENTIALS_MALFORMED', { authorization: 'Basic dXNlcjpwYXNz' }],
      ['TOKEN_INVALID', { authorization: 'Bearer a.b.c' }],
    ];
    const revoked = await access.createApiKey({ name: 'gone', roles: ['reader'] });
    await access.revokeApiKey(revoked.info.id);
    cases.push(['API_KEY_REVOKED', { 'x-api-key': revoked.key }]);
    const expiring = await access.createApiKey({
      name: 'brief',
      roles: ['reader'],
      expiresAt: Date.now() + 300,
    });
    await new Promise((r) => setTimeout(r, 350));
    cases.push(['API_KEY_EXPIRED', { 'x-api-key': expiring.key }]);

    for (const [reason, headers] of cases) {
      const res = await s.call(
        'POST',
        '/v1/collections/docs/search',
        { vector: vectorOf(1), k: 1 },
        headers,
      );
      expect(res.status, reason).toBe(401);
      expect(res.body, reason).toMatchObject({ code: 'UNAUTHORIZED', reason });
      expect(res.headers.get('www-authenticate')).toBe('Bearer, ApiKey');
    }
    await audit.flush();
    const denied = audit.query({ action: 'search' }).filter((e) => !e.allowed);
    expect(denied.map((e) => e.detail?.reason)).toEqual(
      expect.arrayContaining(cases.map(([r]) => r)),
    );
  });

  it('audits allowed reads once per request at collection level, and the chain verifies', async () => {
    await s.call(
      'POST',
      '/v1/collections/docs/search',
      { vector: vectorOf(2), k: 3 },
      { 'x-api-key': keys.reader! },
    );
    await audit.flush();
    const [last] = audit.query({ action: 'search', descending: true, limit: 1 });
    expect(last).toMatchObject({ allowed: true, collection: 'docs', source: '127.0.0.1' });
    expect(JSON.stringify(last)).not.toContain(String(vectorOf(2)[0]));
    const verify = await s.call('GET', '/v1/admin/audit/verify', undefined, {
      'x-api-key': keys.admin!,
    });
    expect(verify.body).toMatchObject({ ok: true });
  });
});

describe('slow queries need metrics.read', () => {
  it('refuses a role without it on REST and tRPC, and lets reader, writer and admin through', async () => {
    await access.createRole('searcher-only', ['*:search']);
    const searcher = (await access.createApiKey({ name: 'so', roles: ['searcher-only'] })).key;
    for (const path of ['/v1/slow-queries', '/v1/slow-queries/1', '/slow-queries']) {
      const refused = await s.call('GET', path, undefined, { 'x-api-key': searcher });
      expect(refused.status, path).toBe(403);
      expect(refused.body).toMatchObject({ code: 'FORBIDDEN' });
      for (const role of ['reader', 'writer', 'admin']) {
        // This test server records no slow queries: allowed roles get past access control to 404.
        const allowed = await s.call('GET', path, undefined, { 'x-api-key': keys[role]! });
        expect(allowed.status, `${role} ${path}`).toBe(404);
        expect(allowed.body).toMatchObject({ code: 'NOT_FOUND' });
      }
    }
    const trpc = await fetch(
      `${s.base}/trpc/insights.slowQueries?input=${encodeURIComponent('{}')}`,
      {
        headers: { 'x-api-key': searcher },
      },
    );
    expect(trpc.status).toBe(403);
  });
});

describe('administration', () => {
  it('creates a scoped role, a key with it, checks and revokes it, every change audited', async () => {
    const admin = { 'x-api-key': keys.admin! };
    const role = await s.call(
      'POST',
      '/v1/admin/roles',
      { name: 'docs-searcher', permissions: ['docs:search'] },
      admin,
    );
    expect(role.status).toBe(201);
    const bad = await s.call(
      'POST',
      '/v1/admin/roles',
      { name: 'bad', permissions: ['docs:fly'] },
      admin,
    );
    expect(bad.body).toMatchObject({ code: 'INVALID_PERMISSION' });
    const created = await s.call(
      'POST',
      '/v1/admin/keys',
      { name: 'scoped', roles: ['docs-searcher'] },
      admin,
    );
    expect(created.status).toBe(201);
    const scoped = { 'x-api-key': created.body.key as string };
    expect(created.body.key).toMatch(/^nk_/);
    const listed = await s.call('GET', '/v1/admin/keys', undefined, admin);
    expect(listed.text).not.toContain((created.body.key as string).slice(16));

    expect(
      (await s.call('POST', '/v1/collections/docs/search', { vector: vectorOf(1), k: 1 }, scoped))
        .status,
    ).toBe(200);
    expect(
      (
        await s.call(
          'POST',
          '/v1/collections/docs/vectors',
          { id: 'n', vector: vectorOf(9) },
          scoped,
        )
      ).status,
    ).toBe(403);
    const who = await s.call('GET', '/v1/auth/whoami', undefined, scoped);
    expect(who.body).toMatchObject({ roles: ['docs-searcher'], permissions: ['docs:search'] });

    const check = await s.call(
      'POST',
      '/v1/admin/permissions/check',
      { key_id: created.body.id, action: 'search', collection: 'other' },
      admin,
    );
    expect(check.body).toMatchObject({ allowed: false });
    const grant = await s.call(
      'POST',
      '/v1/admin/grants',
      { principal: `key:${created.body.id}`, role: 'writer' },
      admin,
    );
    expect(grant.body.roles).toEqual(['writer']);
    expect(
      (
        await s.call(
          'POST',
          '/v1/collections/docs/vectors',
          { id: 'n', vector: vectorOf(9) },
          scoped,
        )
      ).status,
    ).toBe(201);

    expect(
      (await s.call('POST', `/v1/admin/keys/${created.body.id}/revoke`, undefined, admin)).status,
    ).toBe(200);
    expect(
      (await s.call('POST', '/v1/collections/docs/search', { vector: vectorOf(1), k: 1 }, scoped))
        .body,
    ).toMatchObject({ reason: 'API_KEY_REVOKED' });

    const trail = await s.call('GET', '/v1/admin/audit?limit=1000', undefined, admin);
    const actions = (trail.body.entries as { action: string }[]).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['roles.create', 'keys.create', 'roles.grant', 'keys.revoke']),
    );

    // Paging newest first with the cursor walks the same entries, without gaps or repeats
    // (entries appended meanwhile are newer than the first page and not part of the walk).
    const paged: number[] = [];
    let cursor: number | null = null;
    do {
      const page = await s.call(
        'GET',
        `/v1/admin/audit?limit=2${cursor === null ? '' : `&before_seq=${cursor}`}`,
        undefined,
        admin,
      );
      paged.push(...(page.body.entries as { seq: number }[]).map((e) => e.seq));
      cursor = page.body.next_before_seq as number | null;
    } while (cursor !== null);
    const all = await s.call('GET', '/v1/admin/audit?limit=10000', undefined, admin);
    const expected = (all.body.entries as { seq: number }[])
      .map((e) => e.seq)
      .filter((seq) => seq <= paged[0]!);
    expect(paged).toEqual(expected);
    expect(
      (await s.call('GET', '/v1/admin/audit?before_seq=0', undefined, admin)).body,
    ).toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('enforces the same on tRPC: a reader may search but not create keys', async () => {
    const client = (key: string) =>
      createTRPCClient<AppRouter>({
        links: [
          httpBatchLink({
            url: `${s.base}/trpc`,
            headers: { 'x-api-key': key },
            methodOverride: 'POST',
          }),
        ],
      });
    const reader = client(keys.reader!);
    const results = await reader.search.search.query({
      collection: 'docs',
      vector: vectorOf(3),
      k: 2,
    });
    expect(results.results).toHaveLength(2);
    await expect(
      reader.security.createKey.mutate({ name: 'x', roles: ['admin'] }),
    ).rejects.toMatchObject({
      data: { apiCode: 'FORBIDDEN' },
    });
    expect((await client(keys.admin!).security.whoami.query()).roles).toEqual(['admin']);
  });

  it("answers tRPC with the security's own codes: a role held by a key is ROLE_IN_USE (409)", async () => {
    const admin = createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: `${s.base}/trpc`, headers: { 'x-api-key': keys.admin! } })],
    });
    await admin.security.createRole.mutate({ name: 'held', permissions: ['docs:search'] });
    const held = await admin.security.createKey.mutate({ name: 'holder', roles: ['held'] });
    await expect(admin.security.deleteRole.mutate({ role: 'held' })).rejects.toMatchObject({
      data: { apiCode: 'ROLE_IN_USE', httpStatus: 409 },
    });
    await expect(admin.security.deleteRole.mutate({ role: 'reader' })).rejects.toMatchObject({
      data: { apiCode: 'ROLE_BUILT_IN' },
    });
    await admin.security.revokeKey.mutate({ id: held.id });
    expect(await admin.security.deleteRole.mutate({ role: 'held' })).toEqual({ deleted: 'held' });
  });
});
