/**
 * What a principal may do. A permission is an action on a scope of collections, written
 * `<collections>:<action>`: `docs:search`, `logs-*:write`, `*:keys.manage`, `docs:*`; a bare
 * `docs` means `docs:*`. System actions (keys, roles, backups, config, audit, alerts) take
 * the scope `*`.
 */

/** Actions on the vectors and indexes of a collection. */
export const COLLECTION_ACTIONS = [
  'search',
  'read',
  'write',
  'delete',
  'collections.manage',
] as const;
/** Actions on the database as a whole. */
export const SYSTEM_ACTIONS = [
  'collections.list',
  'metrics.read',
  'keys.manage',
  'roles.manage',
  'backups.manage',
  'config.manage',
  'alerts.manage',
  'audit.read',
] as const;

export type CollectionAction = (typeof COLLECTION_ACTIONS)[number];
export type SystemAction = (typeof SYSTEM_ACTIONS)[number];
export type Action = CollectionAction | SystemAction;

export const ACTIONS: readonly Action[] = [...COLLECTION_ACTIONS, ...SYSTEM_ACTIONS];

/** One parsed permission. */
export interface Permission {
  /** `*`, a collection name, or a prefix ending in `*` (`logs-*`). */
  readonly collections: string;
  /** An action or `*`. */
  readonly action: Action | '*';
}

const SCOPE = /^(\*|[A-Za-z0-9_-]{1,256}\*?)$/;

/** Parses `<collections>:<action>`; throws a `PermissionSyntaxError` naming what is wrong. */
export function parsePermission(text: string): Permission {
  const [scope = '', action = '*', extra] = text.split(':');
  if (extra !== undefined || !SCOPE.test(scope)) {
    throw new PermissionSyntaxError(
      text,
      'write `<collections>:<action>`, where <collections> is `*`, a collection name or a prefix ending in `*`',
    );
  }
  if (action !== '*' && !(ACTIONS as readonly string[]).includes(action)) {
    throw new PermissionSyntaxError(
      text,
      `the action must be \`*\` or one of ${ACTIONS.join(', ')}`,
    );
  }
  if (scope !== '*' && (SYSTEM_ACTIONS as readonly string[]).includes(action)) {
    throw new PermissionSyntaxError(
      text,
      `"${action}" is a system action; give it the scope \`*\``,
    );
  }
  return { collections: scope, action: action as Action | '*' };
}

/** The permission as text, the inverse of {@link parsePermission}. */
export function formatPermission(p: Permission): string {
  return `${p.collections}:${p.action}`;
}

/** A permission that does not parse. */
export class PermissionSyntaxError extends Error {
  constructor(
    readonly permission: string,
    readonly help: string,
  ) {
    super(`"${permission}" is not a valid permission`);
    this.name = 'PermissionSyntaxError';
  }
}

/** True when `p` allows `action` on `collection` (undefined for system actions). */
export function allows(p: Permission, action: Action, collection?: string): boolean {
  if (p.action !== '*' && p.action !== action) return false;
  if (p.collections === '*') return true;
  if (collection === undefined) return false;
  if (p.collections.endsWith('*')) return collection.startsWith(p.collections.slice(0, -1));
  return p.collections === collection;
}

/** The roles every database has; they cannot be changed or deleted. */
export const BUILT_IN_ROLES = {
  reader: ['*:search', '*:read', '*:collections.list', '*:metrics.read'],
  writer: ['*:search', '*:read', '*:write', '*:delete', '*:collections.list', '*:metrics.read'],
  admin: ['*:*'],
} as const satisfies Record<string, readonly string[]>;

export type BuiltInRole = keyof typeof BUILT_IN_ROLES;

export function isBuiltInRole(name: string): name is BuiltInRole {
  return Object.hasOwn(BUILT_IN_ROLES, name);
}
