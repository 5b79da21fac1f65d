import { ACTIONS } from '@needle/security';
import { z } from 'zod';

const action = z.enum(ACTIONS as [string, ...string[]]);

export const roleSchema = z.object({
  name: z.string(),
  permissions: z.array(z.string()),
  built_in: z.boolean(),
  description: z.string().optional(),
});
export const listRolesResponse = z.object({ roles: z.array(roleSchema) });
export const createRoleBody = z.object({
  name: z.string().min(1).max(64),
  permissions: z.array(z.string()).min(1).max(1000),
  description: z.string().max(1000).optional(),
});
export const roleParams = z.object({ role: z.string() });
export const deleteRoleResponse = z.object({ deleted: z.string() });

export const grantBody = z.object({ principal: z.string().min(1).max(512), role: z.string() });
export const grantResponse = z.object({ principal: z.string(), roles: z.array(z.string()) });
export const listGrantsResponse = z.object({ grants: z.array(grantResponse) });

export const apiKeySchema = z.object({
  id: z.string(),
  prefix: z.string(),
  name: z.string(),
  roles: z.array(z.string()),
  created_at: z.string(),
  expires_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
  last_used_at: z.string().nullable(),
});
export const listKeysResponse = z.object({ keys: z.array(apiKeySchema) });
export const createKeyBody = z.object({
  name: z.string().min(1).max(64),
  roles: z.array(z.string()).min(1),
  /** ISO time, or seconds from now. */
  expires_at: z.string().datetime().optional(),
  ttl_seconds: z.number().int().positive().optional(),
});
export const createKeyResponse = apiKeySchema.extend({
  /** The whole key: shown this once, never again. */
  key: z.string(),
});
export const keyParams = z.object({ id: z.string() });

export const auditQuery = z.object({
  since: z.string().datetime().optional(),
  until: z.string().datetime().optional(),
  principal: z.string().optional(),
  action: z.string().optional(),
  collection: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
  /** The `next_before_seq` of the previous page: entries older than it. */
  before_seq: z.coerce.number().int().min(1).optional(),
});
export const auditEntrySchema = z.object({
  seq: z.number(),
  at: z.string(),
  principal: z.string(),
  action: z.string(),
  collection: z.string().nullable(),
  source: z.string().nullable(),
  allowed: z.boolean(),
  request_id: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).optional(),
  hash: z.string(),
});
export const auditResponse = z.object({
  entries: z.array(auditEntrySchema),
  /** Pass as `before_seq` for the next (older) page; null on the last page. */
  next_before_seq: z.number().nullable(),
});
export const auditVerifyResponse = z.object({
  ok: z.boolean(),
  entries: z.number(),
  head_seq: z.number().nullable().optional(),
  seq: z.number().nullable().optional(),
  problem: z.string().optional(),
});

export const checkBody = z.object({
  roles: z.array(z.string()).optional(),
  key_id: z.string().optional(),
  principal: z.string().optional(),
  action,
  collection: z.string().optional(),
});
export const checkResponse = z.object({
  allowed: z.boolean(),
  roles: z.array(z.string()),
  matched: z.array(z.string()),
});

export const whoamiResponse = z.object({
  principal: z.string(),
  via: z.string(),
  roles: z.array(z.string()),
  permissions: z.array(z.string()),
});
