import { allows, formatPermission, type AuditEntry } from '@needle/security';
import type { z } from 'zod';

import { ApiError } from '../api-error.js';
import type { SecurityServices } from '../security/access-guard.js';
import type {
  apiKeySchema,
  auditEntrySchema,
  auditQuery,
  auditResponse,
  auditVerifyResponse,
  checkBody,
  checkResponse,
  createKeyBody,
  createKeyResponse,
  createRoleBody,
  grantBody,
  grantResponse,
  listGrantsResponse,
  listKeysResponse,
  listRolesResponse,
  roleSchema,
  whoamiResponse,
} from '../schemas/security.js';
import { hostService, recordChange } from './host-services.js';
import type { Caller } from './host-services.js';
import type { ApiRuntime } from './runtime.js';

function services({ ctx }: ApiRuntime): SecurityServices {
  return hostService(
    ctx.security,
    'access control is not enabled on this server',
    'Start the server with authentication on to manage keys and roles.',
  );
}

/** Who asked (re-exported: the other handlers and the tRPC router take it from here). */
export type { Caller } from './host-services.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A role as the REST API and `needle roles` show it. */
export function roleBody(r: {
  name: string;
  permissions: string[];
  builtIn: boolean;
  description?: string;
}): z.output<typeof roleSchema> {
  return {
    name: r.name,
    permissions: r.permissions,
    built_in: r.builtIn,
    ...(r.description ? { description: r.description } : {}),
  };
}

export function whoami(_rt: ApiRuntime, caller: Caller): z.output<typeof whoamiResponse> {
  const p = caller.principal ?? { id: 'anonymous', via: 'development', roles: ['admin'] };
  const s = _rt.ctx.security?.();
  return {
    principal: p.id,
    via: p.via,
    roles: p.roles,
    permissions: s ? s.access.permissionsOf(p.roles).map(formatPermission) : ['*:*'],
  };
}

export function listRoles(rt: ApiRuntime): z.output<typeof listRolesResponse> {
  return { roles: services(rt).access.listRoles().map(roleBody) };
}

export async function createRole(
  rt: ApiRuntime,
  body: z.output<typeof createRoleBody>,
  caller: Caller,
): Promise<z.output<typeof roleSchema>> {
  const s = services(rt);
  const created = await s.access.createRole(body.name, body.permissions, body.description);
  await recordChange(s, caller, 'roles.create', {
    role: body.name,
    permissions: body.permissions.join(' '),
  });
  return roleBody(created);
}

export async function deleteRole(rt: ApiRuntime, name: string, caller: Caller) {
  const s = services(rt);
  await s.access.deleteRole(name);
  await recordChange(s, caller, 'roles.delete', { role: name });
  return { deleted: name };
}

export function listGrants(rt: ApiRuntime): z.output<typeof listGrantsResponse> {
  return { grants: services(rt).access.listGrants() };
}

export async function grantRole(
  rt: ApiRuntime,
  body: z.output<typeof grantBody>,
  caller: Caller,
): Promise<z.output<typeof grantResponse>> {
  const s = services(rt);
  const roles = await s.access.grantRole(body.principal, body.role);
  await recordChange(s, caller, 'roles.grant', { grantee: body.principal, role: body.role });
  return { principal: body.principal, roles };
}

export async function revokeRole(
  rt: ApiRuntime,
  body: z.output<typeof grantBody>,
  caller: Caller,
): Promise<z.output<typeof grantResponse>> {
  const s = services(rt);
  const roles = await s.access.revokeRole(body.principal, body.role);
  await recordChange(s, caller, 'roles.revoke', { grantee: body.principal, role: body.role });
  return { principal: body.principal, roles };
}

/** An API key as the REST API and `needle keys` show it: never its secret; ISO times. */
export function apiKeyBody(k: {
  id: string;
  prefix: string;
  name: string;
  roles: string[];
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  lastUsedAt: number | null;
}): z.output<typeof apiKeySchema> {
  return {
    id: k.id,
    prefix: k.prefix,
    name: k.name,
    roles: k.roles,
    created_at: new Date(k.createdAt).toISOString(),
    expires_at: iso(k.expiresAt),
    revoked_at: iso(k.revokedAt),
    last_used_at: iso(k.lastUsedAt),
  };
}

export function listKeys(rt: ApiRuntime): z.output<typeof listKeysResponse> {
  return { keys: services(rt).access.listApiKeys().map(apiKeyBody) };
}

export async function createKey(
  rt: ApiRuntime,
  body: z.output<typeof createKeyBody>,
  caller: Caller,
): Promise<z.output<typeof createKeyResponse>> {
  const s = services(rt);
  const expiresAt =
    body.expires_at !== undefined
      ? Date.parse(body.expires_at)
      : body.ttl_seconds !== undefined
        ? Date.now() + body.ttl_seconds * 1000
        : null;
  const created = await s.access.createApiKey({ name: body.name, roles: body.roles, expiresAt });
  await recordChange(s, caller, 'keys.create', {
    key: created.info.id,
    name: body.name,
    roles: body.roles.join(' '),
  });
  return { ...apiKeyBody(created.info), key: created.key };
}

export async function revokeKey(rt: ApiRuntime, id: string, caller: Caller) {
  const s = services(rt);
  const revoked = await s.access.revokeApiKey(id);
  await recordChange(s, caller, 'keys.revoke', { key: id });
  return apiKeyBody(revoked);
}

export function queryAudit(
  rt: ApiRuntime,
  q: z.output<typeof auditQuery>,
): z.output<typeof auditResponse> {
  const entries = services(rt).audit.query({
    ...(q.since ? { since: Date.parse(q.since) } : {}),
    ...(q.until ? { until: Date.parse(q.until) } : {}),
    ...(q.principal ? { principal: q.principal } : {}),
    ...(q.action ? { action: q.action } : {}),
    ...(q.collection ? { collection: q.collection } : {}),
    limit: q.limit,
    ...(q.before_seq !== undefined ? { beforeSeq: q.before_seq } : {}),
    descending: true,
  });
  return {
    entries: entries.map(auditEntryBody),
    next_before_seq: entries.length === q.limit ? entries.at(-1)!.seq : null,
  };
}

export async function verifyAudit(rt: ApiRuntime): Promise<z.output<typeof auditVerifyResponse>> {
  const s = services(rt);
  await s.audit.flush();
  const result = s.audit.verify();
  return result.ok
    ? { ok: true, entries: result.entries, head_seq: result.headSeq }
    : { ok: false, entries: result.entries, seq: result.seq, problem: result.problem };
}

/** The effective-permission check: may these roles (or this key's) do `action`? */
export function checkPermission(
  rt: ApiRuntime,
  body: z.output<typeof checkBody>,
): z.output<typeof checkResponse> {
  const { access } = services(rt);
  let roles = body.roles ?? [];
  if (body.key_id !== undefined) {
    const found = access.listApiKeys().find((k) => k.id === body.key_id);
    if (!found) {
      throw new ApiError(
        404,
        'API_KEY_NOT_FOUND',
        `no API key has the id "${body.key_id}"`,
        'List the keys to find its id.',
      );
    }
    roles = [...roles, ...found.roles, ...access.rolesOf(`key:${found.id}`)];
  }
  if (body.principal !== undefined) roles = [...roles, ...access.rolesOf(body.principal)];
  roles = [...new Set(roles)].sort();
  const action = body.action as Parameters<typeof allows>[1];
  const matched = access
    .permissionsOf(roles)
    .filter((p) => allows(p, action, body.collection))
    .map(formatPermission);
  return { allowed: matched.length > 0, roles, matched };
}

/** An audit entry as the REST API returns it and `needle audit export` writes it. */
export function auditEntryBody(e: AuditEntry & { seq: number }): z.output<typeof auditEntrySchema> {
  return {
    seq: e.seq,
    at: new Date(e.at).toISOString(),
    principal: e.principal,
    action: e.action,
    collection: e.collection,
    source: e.source,
    allowed: e.allowed,
    request_id: e.requestId,
    ...(e.detail ? { detail: e.detail } : {}),
    hash: e.hash,
  };
}
