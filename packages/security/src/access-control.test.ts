import { readFileSync } from 'node:fs';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { openTempDatabase } from '../test/open-database.js';
import { AccessControl } from './access-control.js';
import { SecurityError } from './security-error.js';

let env: Awaited<ReturnType<typeof openTempDatabase>>;
let now: number;
let access: AccessControl;

beforeEach(async () => {
  env = await openTempDatabase();
  now = 1_800_000_000_000;
  access = new AccessControl(env.db, { now: () => now });
});
afterEach(async () => {
  await env.dispose();
});

/** The reason of the SecurityError `f` throws. */
function reasonOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(SecurityError);
    return (err as SecurityError).reason;
  }
  throw new Error('it did not throw');
}

describe('roles and grants', () => {
  it('lists the built-in roles and refuses to change them', async () => {
    expect(access.listRoles().map((r) => r.name)).toEqual(['reader', 'writer', 'admin']);
    await expect(access.createRole('admin', ['*:*'])).rejects.toMatchObject({
      reason: 'ROLE_EXISTS',
    });
    await expect(access.deleteRole('reader')).rejects.toMatchObject({ reason: 'ROLE_BUILT_IN' });
  });

  it('creates a custom role scoped to collections and checks it', async () => {
    await access.createRole('docs-editor', ['docs:search', 'docs:write', 'drafts-*']);
    expect(access.can(['docs-editor'], 'write', 'docs')).toBe(true);
    expect(access.can(['docs-editor'], 'write', 'other')).toBe(false);
    expect(access.can(['docs-editor'], 'delete', 'drafts-7')).toBe(true);
    expect(access.can(['docs-editor'], 'keys.manage')).toBe(false);
    await expect(access.createRole('bad', ['docs:fly'])).rejects.toMatchObject({
      reason: 'INVALID_PERMISSION',
      status: 400,
    });
    await expect(access.createRole('empty', [])).rejects.toMatchObject({
      reason: 'INVALID_PERMISSION',
    });
  });

  it('grants and revokes roles to principals, durably', async () => {
    await access.createRole('auditor', ['*:audit.read']);
    expect(await access.grantRole('jwt:ann', 'auditor')).toEqual(['auditor']);
    expect(await access.grantRole('jwt:ann', 'reader')).toEqual(['auditor', 'reader']);
    await expect(access.grantRole('jwt:ann', 'nope')).rejects.toMatchObject({
      reason: 'ROLE_NOT_FOUND',
    });
    expect(await access.revokeRole('jwt:ann', 'reader')).toEqual(['auditor']);

    const again = new AccessControl(await env.reopen());
    expect(again.rolesOf('jwt:ann')).toEqual(['auditor']);
    expect(again.getRole('auditor')?.permissions).toEqual(['*:audit.read']);
    expect(again.principalForToken('ann', ['reader']).roles).toEqual(['auditor', 'reader']);
  });

  it('refuses to delete a role still granted or held by a live key, and deletes it once free', async () => {
    await access.createRole('ops', ['*:metrics.read']);
    await access.grantRole('jwt:bob', 'ops');
    const { info } = await access.createApiKey({ name: 'ops-bot', roles: ['ops'] });
    const refused = await access.deleteRole('ops').catch((err: unknown) => err);
    expect(refused).toMatchObject({ status: 409, reason: 'ROLE_IN_USE' });
    expect((refused as SecurityError).message).toContain('jwt:bob');
    expect((refused as SecurityError).message).toContain(`key:${info.id}`);
    expect(access.getRole('ops')).toBeDefined();

    await access.revokeRole('jwt:bob', 'ops');
    await access.revokeApiKey(info.id);
    await access.deleteRole('ops');
    expect(access.getRole('ops')).toBeUndefined();
    await expect(access.deleteRole('ops')).rejects.toMatchObject({ reason: 'ROLE_NOT_FOUND' });
  });

  it('refuses with 403 and names the permission that is missing', () => {
    try {
      access.authorize({ id: 'key:abc', roles: ['reader'], via: 'api-key' }, 'write', 'docs');
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ status: 403, code: 'FORBIDDEN', reason: 'PERMISSION_DENIED' });
      expect((err as SecurityError).help).toContain('docs:write');
    }
  });
});

describe('API keys', () => {
  it('authenticates a created key, stores only its hash and shows the secret once', async () => {
    const { key, info } = await access.createApiKey({ name: 'ingest', roles: ['writer'] });
    expect(key.startsWith(info.prefix)).toBe(true);
    const principal = access.authenticateApiKey(key);
    expect(principal).toEqual({ id: `key:${info.id}`, roles: ['writer'], via: 'api-key' });
    expect(JSON.stringify(access.listApiKeys())).not.toContain(key.slice(info.prefix.length));
    await env.db.checkpoint();
    expect(readFileSync(env.path).includes(key.slice(info.prefix.length))).toBe(false);
  });

  it('refuses malformed, forged, revoked and expired keys, each with its own reason', async () => {
    const { key, info } = await access.createApiKey({
      name: 'short',
      roles: ['reader'],
      expiresAt: now + 1000,
    });
    expect(reasonOf(() => access.authenticateApiKey('hunter2'))).toBe('CREDENTIALS_MALFORMED');
    const forged = `${info.prefix}${'A'.repeat(43)}`;
    expect(reasonOf(() => access.authenticateApiKey(forged))).toBe('API_KEY_UNKNOWN');
    expect(reasonOf(() => access.authenticateApiKey(`nk_000000000000_${'A'.repeat(43)}`))).toBe(
      'API_KEY_UNKNOWN',
    );
    now += 1000;
    expect(reasonOf(() => access.authenticateApiKey(key))).toBe('API_KEY_EXPIRED');
    const other = await access.createApiKey({ name: 'other', roles: ['reader'] });
    await access.revokeApiKey(other.info.id);
    expect(reasonOf(() => access.authenticateApiKey(other.key))).toBe('API_KEY_REVOKED');
    await expect(access.revokeApiKey('ffffffffffff')).rejects.toMatchObject({
      reason: 'API_KEY_NOT_FOUND',
    });
    await expect(
      access.createApiKey({ name: 'past', roles: [], expiresAt: now - 1 }),
    ).rejects.toMatchObject({
      reason: 'INVALID_INPUT',
    });
  });

  it('records when a key was last used, at most once a minute', async () => {
    const { key, info } = await access.createApiKey({ name: 'k', roles: ['reader'] });
    access.authenticateApiKey(key);
    await access.settled();
    const first = access.listApiKeys().find((k) => k.id === info.id)!.lastUsedAt;
    expect(first).toBe(now);
    now += 10_000;
    access.authenticateApiKey(key);
    await access.settled();
    expect(access.listApiKeys()[0]!.lastUsedAt).toBe(first);
  });

  it('lets the operator key in as admin without storing it', async () => {
    const operator = new AccessControl(env.db, { operatorKey: 'k8s-secret-value' });
    expect(operator.authenticateApiKey('k8s-secret-value')).toMatchObject({
      id: 'operator',
      roles: ['admin'],
    });
    expect(await operator.ensureAdminAccess()).toEqual({});
    expect(operator.listApiKeys()).toEqual([]);
  });

  it('creates one bootstrap admin key when nobody can administer the database', async () => {
    const { bootstrapKey } = await access.ensureAdminAccess();
    expect(bootstrapKey).toBeDefined();
    expect(access.authenticateApiKey(bootstrapKey!).roles).toEqual(['admin']);
    expect(await access.ensureAdminAccess()).toEqual({});
    const again = new AccessControl(await env.reopen());
    expect(await again.ensureAdminAccess()).toEqual({});
  });
});
