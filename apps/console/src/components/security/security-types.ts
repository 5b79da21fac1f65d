import type { AppRouter } from '@needle/api';
import {
  type Action,
  type Permission,
  allows,
  parsePermission,
} from '@needle/security/permissions';
import type { inferRouterOutputs } from '@trpc/server';

type Outputs = inferRouterOutputs<AppRouter>['security'];

export type Role = Outputs['roles']['roles'][number];
export type GrantEntry = Outputs['grants']['grants'][number];
export type ApiKey = Outputs['keys']['keys'][number];
export type AuditEntry = Outputs['audit']['entries'][number];

/** Parses what parses; a custom role's permissions were checked when it was made. */
export function parseAll(texts: readonly string[]): Permission[] {
  return texts.flatMap((text) => {
    try {
      return [parsePermission(text)];
    } catch {
      return [];
    }
  });
}

/** The permissions of a set of roles (unknown roles have none). */
export function permissionsOfRoles(roleNames: readonly string[], roles: readonly Role[]) {
  const names = new Set(roleNames);
  return parseAll(roles.filter((r) => names.has(r.name)).flatMap((r) => r.permissions));
}

/** True when any of the permissions allows `action` (on `collection`), by the server's rules. */
export function anyAllows(permissions: readonly Permission[], action: Action, collection?: string) {
  return permissions.some((p) => allows(p, action, collection));
}

/**
 * The roles a key stands for: its own and those granted to its principal `key:<id>` — what
 * the server's policy check uses.
 */
export function rolesOfKey(key: ApiKey, grants: readonly GrantEntry[]): string[] {
  const granted = grants.find((g) => g.principal === `key:${key.id}`)?.roles ?? [];
  return [...new Set([...key.roles, ...granted])].sort();
}

/** The roles granted to a principal. */
export function rolesOfPrincipal(principal: string, grants: readonly GrantEntry[]): string[] {
  return grants.find((g) => g.principal === principal)?.roles ?? [];
}
