import type { Database, StoredSystemRecord, SystemRecords } from '@needle/engine';
import { z } from 'zod';

import { generateApiKey, hashSecret, parseApiKey, sameDigest } from './api-keys.js';
import {
  BUILT_IN_ROLES,
  PermissionSyntaxError,
  allows,
  isBuiltInRole,
  parsePermission,
  type Action,
  type Permission,
} from './permissions.js';
import { SecurityError } from './security-error.js';

const roleSchema = z.object({
  permissions: z.array(z.string()),
  description: z.string().optional(),
  createdAt: z.number(),
});
const grantSchema = z.object({ roles: z.array(z.string()) });
const apiKeySchema = z.object({
  name: z.string(),
  hash: z.string(),
  roles: z.array(z.string()),
  createdAt: z.number(),
  expiresAt: z.number().nullable(),
  revokedAt: z.number().nullable(),
  lastUsedAt: z.number().nullable(),
});

type ApiKeyRecord = z.infer<typeof apiKeySchema>;

/** A role as listed: its permissions, and whether it is one of the built-in three. */
export interface RoleInfo {
  name: string;
  permissions: string[];
  builtIn: boolean;
  description?: string;
}

/** An API key as listed: never its secret. */
export interface ApiKeyInfo {
  id: string;
  /** The visible start of the key, to recognise it: `nk_<id>_…`. */
  prefix: string;
  name: string;
  roles: string[];
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

/** Who made a request, and the roles it acts with. */
export interface Principal {
  /** `key:<id>`, `jwt:<sub>`, `cert:<subject>`, `operator` or `anonymous`. */
  id: string;
  roles: string[];
  /** How it authenticated. */
  via: 'api-key' | 'operator-key' | 'jwt' | 'certificate' | 'development';
}

export interface AccessControlOptions {
  /** The operator's admin key (NEEDLE_ADMIN_API_KEY): never stored, compared by hash. */
  operatorKey?: string;
  now?: () => number;
}

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Roles, grants and API keys, kept in the database file (system records `roles`, `grants`,
 * `api-keys`), and the checks made with them. Built-in roles `reader`, `writer` and `admin`
 * always exist and cannot change.
 */
export class AccessControl {
  readonly #roles: CachedRecords<z.infer<typeof roleSchema>>;
  readonly #grants: CachedRecords<z.infer<typeof grantSchema>>;
  readonly #keys: CachedRecords<ApiKeyRecord>;
  /** Parsed permissions by role name; rebuilt after a role is created or deleted. */
  #permissions: Map<string, Permission[]> | undefined;
  readonly #operatorHash: string | undefined;
  readonly #now: () => number;
  readonly #touches = new Set<Promise<void>>();

  constructor(db: Database, options: AccessControlOptions = {}) {
    this.#roles = new CachedRecords(db.system.records('roles', roleSchema));
    this.#grants = new CachedRecords(db.system.records('grants', grantSchema));
    this.#keys = new CachedRecords(db.system.records('api-keys', apiKeySchema));
    this.#operatorHash = options.operatorKey ? hashSecret(options.operatorKey) : undefined;
    this.#now = options.now ?? Date.now;
  }

  // ---- roles -------------------------------------------------------------------------

  listRoles(): RoleInfo[] {
    const builtIn = Object.entries(BUILT_IN_ROLES).map(([name, permissions]) => ({
      name,
      permissions: [...permissions],
      builtIn: true,
    }));
    const custom = this.#roles.list().map((r) => ({
      name: r.key,
      permissions: r.value.permissions,
      builtIn: false,
      ...(r.value.description ? { description: r.value.description } : {}),
    }));
    return [...builtIn, ...custom];
  }

  getRole(name: string): RoleInfo | undefined {
    return this.listRoles().find((r) => r.name === name);
  }

  async createRole(name: string, permissions: string[], description?: string): Promise<RoleInfo> {
    checkName(name, 'role');
    if (isBuiltInRole(name) || this.#roles.get(name)) {
      throw new SecurityError(
        'ROLE_EXISTS',
        `the role "${name}" already exists`,
        'Pick another name, or delete the existing custom role first.',
      );
    }
    const parsed = permissions.map(parseOrRefuse);
    if (parsed.length === 0) {
      throw new SecurityError(
        'INVALID_PERMISSION',
        `the role "${name}" has no permissions`,
        'Give it at least one permission, e.g. "docs:search".',
      );
    }
    await this.#roles.put(name, {
      permissions,
      createdAt: this.#now(),
      ...(description ? { description } : {}),
    });
    this.#permissions = undefined;
    return { name, permissions, builtIn: false, ...(description ? { description } : {}) };
  }

  /**
   * Deletes a custom role. Refused (409 ROLE_IN_USE) while a principal is granted it or a
   * live API key was created with it: deleting it then would silently take permissions away
   * from someone, and a role re-created later under the same name would silently give them
   * back.
   */
  async deleteRole(name: string): Promise<void> {
    if (isBuiltInRole(name)) {
      throw new SecurityError(
        'ROLE_BUILT_IN',
        `the built-in role "${name}" cannot be deleted`,
        'Built-in roles are fixed; create a custom role instead.',
      );
    }
    if (!this.#roles.get(name)) throw roleNotFound(name);
    const holders = [
      ...this.listGrants()
        .filter((g) => g.roles.includes(name))
        .map((g) => g.principal),
      ...this.listApiKeys()
        .filter((k) => k.revokedAt === null && k.roles.includes(name))
        .map((k) => `key:${k.id}`),
    ];
    if (holders.length > 0) {
      const shown = holders.slice(0, 5).join(', ');
      const more = holders.length > 5 ? ` and ${holders.length - 5} more` : '';
      throw new SecurityError(
        'ROLE_IN_USE',
        `the role "${name}" is still held by ${shown}${more}`,
        'Revoke the role from those principals (and revoke or replace the API keys created with it), then delete it.',
      );
    }
    if (!(await this.#roles.delete(name))) throw roleNotFound(name);
    this.#permissions = undefined;
  }

  /** Grants `role` to a principal (`key:<id>`, `jwt:<sub>`, `cert:<subject>`). */
  async grantRole(principal: string, role: string): Promise<string[]> {
    if (!this.getRole(role)) throw roleNotFound(role);
    const roles = new Set(this.rolesOf(principal));
    roles.add(role);
    await this.#grants.put(principal, { roles: [...roles].sort() });
    return [...roles].sort();
  }

  async revokeRole(principal: string, role: string): Promise<string[]> {
    const roles = this.rolesOf(principal).filter((r) => r !== role);
    await this.#grants.put(principal, { roles });
    return roles;
  }

  /** The roles granted to a principal in the database (beside the key's or token's own). */
  rolesOf(principal: string): string[] {
    return this.#grants.get(principal)?.roles ?? [];
  }

  /** Every grant, by principal. */
  listGrants(): { principal: string; roles: string[] }[] {
    return this.#grants.list().map((g) => ({ principal: g.key, roles: g.value.roles }));
  }

  /** The permissions the roles add up to; unknown roles add nothing. */
  permissionsOf(roles: readonly string[]): Permission[] {
    this.#permissions ??= new Map(
      this.listRoles().map((r) => [r.name, r.permissions.map((p) => parsePermission(p))]),
    );
    const byName = this.#permissions;
    return roles.flatMap((role) => byName.get(role) ?? []);
  }

  /** Whether the roles allow `action` (on `collection` for collection actions). */
  can(roles: readonly string[], action: Action, collection?: string): boolean {
    return this.permissionsOf(roles).some((p) => allows(p, action, collection));
  }

  /** Throws 403 FORBIDDEN unless the principal may do `action`. */
  authorize(principal: Principal, action: Action, collection?: string): void {
    if (this.can(principal.roles, action, collection)) return;
    const on = collection === undefined ? '' : ` on collection "${collection}"`;
    throw new SecurityError(
      'PERMISSION_DENIED',
      `${principal.id} may not ${action}${on}`,
      `Ask an admin to grant a role with the permission "${collection ?? '*'}:${action}".`,
    );
  }

  // ---- API keys ----------------------------------------------------------------------

  /** Creates a key; the returned `key` is the only time its secret is seen. */
  async createApiKey(options: {
    name: string;
    roles: string[];
    expiresAt?: number | null;
  }): Promise<{ key: string; info: ApiKeyInfo }> {
    checkName(options.name, 'API key');
    for (const role of options.roles) if (!this.getRole(role)) throw roleNotFound(role);
    if (options.expiresAt != null && options.expiresAt <= this.#now()) {
      throw new SecurityError(
        'INVALID_INPUT',
        'the expiry is in the past',
        'Give an expiry time in the future, or none.',
      );
    }
    const generated = generateApiKey();
    const record: ApiKeyRecord = {
      name: options.name,
      hash: generated.hash,
      roles: [...options.roles],
      createdAt: this.#now(),
      expiresAt: options.expiresAt ?? null,
      revokedAt: null,
      lastUsedAt: null,
    };
    await this.#keys.put(generated.id, record);
    return { key: generated.key, info: keyInfo(generated.id, record) };
  }

  listApiKeys(): ApiKeyInfo[] {
    return this.#keys.list().map((k) => keyInfo(k.key, k.value));
  }

  async revokeApiKey(id: string): Promise<ApiKeyInfo> {
    const record = this.#keys.get(id);
    if (!record) {
      throw new SecurityError(
        'API_KEY_NOT_FOUND',
        `no API key has the id "${id}"`,
        'List the keys to find its id (the part after "nk_").',
      );
    }
    const revoked = { ...record, revokedAt: record.revokedAt ?? this.#now() };
    await this.#keys.put(id, revoked);
    return keyInfo(id, revoked);
  }

  /**
   * The principal a presented `X-API-Key` stands for. Throws 401 with the precise reason:
   * malformed, unknown, expired or revoked. The comparison takes the same time whether or
   * not the key exists.
   */
  authenticateApiKey(presented: string): Principal {
    if (this.#operatorHash !== undefined && sameDigest(hashSecret(presented), this.#operatorHash)) {
      return { id: 'operator', roles: ['admin'], via: 'operator-key' };
    }
    const parsed = parseApiKey(presented);
    if (!parsed) {
      throw new SecurityError(
        'CREDENTIALS_MALFORMED',
        'the API key is malformed',
        'Send the whole key as created: `nk_<id>_<secret>`.',
      );
    }
    const record = this.#keys.get(parsed.id);
    // Compare against a digest even when the id is unknown, so timing tells nothing.
    const matches = sameDigest(parsed.hash, record?.hash ?? '0'.repeat(64));
    if (!record || !matches) {
      throw new SecurityError(
        'API_KEY_UNKNOWN',
        'the API key is not valid',
        'Check the key, or ask an admin for a new one.',
      );
    }
    if (record.revokedAt !== null) {
      throw new SecurityError(
        'API_KEY_REVOKED',
        `the API key ${parsed.id} was revoked`,
        'Ask an admin for a new key.',
      );
    }
    if (record.expiresAt !== null && record.expiresAt <= this.#now()) {
      throw new SecurityError(
        'API_KEY_EXPIRED',
        `the API key ${parsed.id} has expired`,
        'Ask an admin for a new key.',
      );
    }
    this.#touch(parsed.id, record);
    const principal = `key:${parsed.id}`;
    return {
      id: principal,
      roles: unique([...record.roles, ...this.rolesOf(principal)]),
      via: 'api-key',
    };
  }

  /** Roles of a token's subject: the token's own plus those granted in the database. */
  principalForToken(subject: string, tokenRoles: readonly string[]): Principal {
    const id = `jwt:${subject}`;
    return { id, roles: unique([...tokenRoles, ...this.rolesOf(id)]), via: 'jwt' };
  }

  /** Roles of a client certificate's subject, granted in the database. */
  principalForCertificate(subject: string): Principal {
    const id = `cert:${subject}`;
    return { id, roles: this.rolesOf(id), via: 'certificate' };
  }

  /**
   * Makes sure someone can administer the database: with an operator key nothing is needed;
   * otherwise, when no live admin key exists, creates a bootstrap admin key and returns it
   * (to be printed once, never logged).
   */
  async ensureAdminAccess(): Promise<{ bootstrapKey?: string }> {
    if (this.#operatorHash !== undefined) return {};
    const now = this.#now();
    const live = this.listApiKeys().some(
      (k) =>
        k.revokedAt === null &&
        (k.expiresAt === null || k.expiresAt > now) &&
        this.can(unique([...k.roles, ...this.rolesOf(`key:${k.id}`)]), 'keys.manage'),
    );
    if (live) return {};
    const { key } = await this.createApiKey({ name: 'bootstrap-admin', roles: ['admin'] });
    return { bootstrapKey: key };
  }

  /** Waits for the last-used times being written (before closing the database). */
  async settled(): Promise<void> {
    await Promise.all(this.#touches);
  }

  #touch(id: string, record: ApiKeyRecord): void {
    const now = this.#now();
    if (record.lastUsedAt !== null && now - record.lastUsedAt < LAST_USED_RESOLUTION_MS) return;
    record.lastUsedAt = now;
    // Best effort: a failed write of the last-used time must not fail the request.
    const write = this.#keys.put(id, record).catch(() => undefined);
    this.#touches.add(write);
    void write.then(() => this.#touches.delete(write));
  }
}

/**
 * A system-records namespace read through an in-memory copy, loaded on first use and written
 * through: every request checks roles, grants and its key, and this object is the only writer
 * of these namespaces while the database is open (the data directory's lock keeps other
 * processes out), so the copy never goes stale.
 */
class CachedRecords<T> {
  #entries: Map<string, StoredSystemRecord<T>> | undefined;

  constructor(private readonly records: SystemRecords<T>) {}

  get(key: string): T | undefined {
    return this.#load().get(key)?.value;
  }

  /** Every record, by key (the order the store lists them in). */
  list(): StoredSystemRecord<T>[] {
    return [...this.#load().values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async put(key: string, value: T): Promise<void> {
    await this.records.put(key, value);
    const entries = this.#load();
    entries.set(key, { key, value, updatedAt: Date.now() });
  }

  async delete(key: string): Promise<boolean> {
    const deleted = await this.records.delete(key);
    this.#load().delete(key);
    return deleted;
  }

  #load(): Map<string, StoredSystemRecord<T>> {
    this.#entries ??= new Map(this.records.list().map((r) => [r.key, r]));
    return this.#entries;
  }
}

function keyInfo(id: string, r: ApiKeyRecord): ApiKeyInfo {
  return {
    id,
    prefix: `nk_${id}_`,
    name: r.name,
    roles: r.roles,
    createdAt: r.createdAt,
    expiresAt: r.expiresAt,
    revokedAt: r.revokedAt,
    lastUsedAt: r.lastUsedAt,
  };
}

function parseOrRefuse(text: string): Permission {
  try {
    return parsePermission(text);
  } catch (err) {
    if (err instanceof PermissionSyntaxError) {
      throw new SecurityError('INVALID_PERMISSION', err.message, err.help);
    }
    throw err;
  }
}

function roleNotFound(name: string): SecurityError {
  return new SecurityError(
    'ROLE_NOT_FOUND',
    `there is no role "${name}"`,
    'List the roles to see which exist, or create it first.',
  );
}

function checkName(name: string, what: string): void {
  if (!NAME.test(name)) {
    throw new SecurityError(
      'INVALID_INPUT',
      `"${name}" is not a valid ${what} name`,
      'Use 1–64 letters, digits, ".", "_" or "-".',
    );
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)].sort();
}
