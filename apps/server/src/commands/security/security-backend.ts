/**
 * What the security commands (`needle keys`, `needle roles`, `needle audit`) need, answered
 * either by a database opened in this process or by a running server over its admin routes.
 * Records have the shapes of the REST contract (`/v1/admin/...`), so `--json` output and
 * exports read the same whether they came from a data directory or a server.
 */

/** A role as `GET /v1/admin/roles` lists it. */
export interface RoleRecord {
  name: string;
  permissions: string[];
  built_in: boolean;
  description?: string;
}

/** The roles granted to one principal (`key:<id>`, `jwt:<sub>`, `cert:<subject>`). */
export interface GrantRecord {
  principal: string;
  roles: string[];
}

/** An API key as `GET /v1/admin/keys` lists it: never its secret. Times are ISO. */
export interface ApiKeyRecord {
  id: string;
  prefix: string;
  name: string;
  roles: string[];
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

/** One audit entry as `GET /v1/admin/audit` returns it and `needle audit export` writes it. */
export interface AuditRecord {
  seq: number;
  /** ISO time the access was decided. */
  at: string;
  principal: string;
  action: string;
  collection: string | null;
  source: string | null;
  allowed: boolean;
  request_id: string | null;
  detail?: Record<string, unknown>;
  /** The entry's link in the hash chain. */
  hash: string;
}

/** Which audit entries; times in ms since the epoch, `until` exclusive. */
export interface AuditFilter {
  since?: number;
  until?: number;
  principal?: string;
  action?: string;
  collection?: string;
}

/** The outcome of walking the audit chain. */
export type ChainCheck =
  | { ok: true; entries: number; headSeq: number | null }
  | {
      ok: false;
      /** Entries that held before the problem. */
      entries: number;
      /** The entry where the chain breaks, when known. */
      seq: number | null;
      problem: string;
      /** The entry at `seq` as stored, when it can be read. */
      entry?: unknown;
    };

/** The answer of an effective-permission check. */
export interface PermissionCheck {
  allowed: boolean;
  /** The roles checked: those asked for plus the key's or principal's. */
  roles: string[];
  /** The permissions that allow the action. */
  matched: string[];
}

/** What to check in {@link SecurityBackend.check}. */
export interface CheckQuery {
  roles?: string[];
  keyId?: string;
  principal?: string;
  action: string;
  collection?: string;
}

/** Keys, roles, grants and the audit log of one database, here or on a server. */
export interface SecurityBackend {
  readonly kind: 'embedded' | 'remote';
  /** Where the data is, for messages: a data directory or a server URL. */
  readonly source: string;
  listRoles(): Promise<RoleRecord[]>;
  createRole(name: string, permissions: string[], description?: string): Promise<RoleRecord>;
  deleteRole(name: string): Promise<void>;
  listGrants(): Promise<GrantRecord[]>;
  /** Grants a role; resolves with the principal's roles afterwards. */
  grantRole(principal: string, role: string): Promise<string[]>;
  /** Takes a role away; resolves with the principal's roles afterwards. */
  revokeRole(principal: string, role: string): Promise<string[]>;
  listKeys(): Promise<ApiKeyRecord[]>;
  /** Creates a key; `key` is the only time its secret is seen. */
  createKey(options: {
    name: string;
    roles: string[];
    expiresAt: number | null;
  }): Promise<ApiKeyRecord & { key: string }>;
  revokeKey(id: string): Promise<ApiKeyRecord>;
  check(query: CheckQuery): Promise<PermissionCheck>;
  /** The newest `limit` entries that match, newest first. */
  listAudit(filter: AuditFilter, limit: number): Promise<AuditRecord[]>;
  /** Every entry that matches, oldest first. */
  exportAudit(filter: AuditFilter): AsyncIterable<AuditRecord>;
  verifyAudit(): Promise<ChainCheck>;
  close(): Promise<void>;
}
