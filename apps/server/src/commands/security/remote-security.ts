import { RemoteClient } from '../remote-client.js';
import type { RemoteClientOptions } from '../remote-client.js';
import { readAuditOldestFirst } from './audit-pages.js';
import type {
  ApiKeyRecord,
  AuditFilter,
  AuditRecord,
  ChainCheck,
  CheckQuery,
  GrantRecord,
  PermissionCheck,
  RoleRecord,
  SecurityBackend,
} from './security-backend.js';

/** The most entries `GET /v1/admin/audit` returns at once. */
const AUDIT_PAGE = 10_000;

/** Keys, roles and the audit log of a running server, over its admin routes (`/v1/admin`). */
export class RemoteSecurity implements SecurityBackend {
  readonly kind = 'remote';
  readonly source: string;
  readonly #client: RemoteClient;

  constructor(options: RemoteClientOptions) {
    this.#client = new RemoteClient(options);
    this.source = this.#client.base.origin;
  }

  async listRoles(): Promise<RoleRecord[]> {
    return (await this.#client.request<{ roles: RoleRecord[] }>('GET', '/v1/admin/roles')).roles;
  }

  createRole(name: string, permissions: string[], description?: string): Promise<RoleRecord> {
    return this.#client.request<RoleRecord>('POST', '/v1/admin/roles', {
      name,
      permissions,
      ...(description === undefined ? {} : { description }),
    });
  }

  async deleteRole(name: string): Promise<void> {
    await this.#client.request('DELETE', `/v1/admin/roles/${encodeURIComponent(name)}`);
  }

  async listGrants(): Promise<GrantRecord[]> {
    return (await this.#client.request<{ grants: GrantRecord[] }>('GET', '/v1/admin/grants'))
      .grants;
  }

  async grantRole(principal: string, role: string): Promise<string[]> {
    return (
      await this.#client.request<GrantRecord>('POST', '/v1/admin/grants', { principal, role })
    ).roles;
  }

  async revokeRole(principal: string, role: string): Promise<string[]> {
    return (
      await this.#client.request<GrantRecord>('POST', '/v1/admin/grants/revoke', {
        principal,
        role,
      })
    ).roles;
  }

  async listKeys(): Promise<ApiKeyRecord[]> {
    return (await this.#client.request<{ keys: ApiKeyRecord[] }>('GET', '/v1/admin/keys')).keys;
  }

  createKey(options: {
    name: string;
    roles: string[];
    expiresAt: number | null;
  }): Promise<ApiKeyRecord & { key: string }> {
    return this.#client.request('POST', '/v1/admin/keys', {
      name: options.name,
      roles: options.roles,
      ...(options.expiresAt === null
        ? {}
        : { expires_at: new Date(options.expiresAt).toISOString() }),
    });
  }

  revokeKey(id: string): Promise<ApiKeyRecord> {
    return this.#client.request('POST', `/v1/admin/keys/${encodeURIComponent(id)}/revoke`, {});
  }

  check(query: CheckQuery): Promise<PermissionCheck> {
    return this.#client.request('POST', '/v1/admin/permissions/check', {
      action: query.action,
      ...(query.roles === undefined ? {} : { roles: query.roles }),
      ...(query.keyId === undefined ? {} : { key_id: query.keyId }),
      ...(query.principal === undefined ? {} : { principal: query.principal }),
      ...(query.collection === undefined ? {} : { collection: query.collection }),
    });
  }

  async listAudit(filter: AuditFilter, limit: number): Promise<AuditRecord[]> {
    return (
      await this.#client.request<{ entries: AuditRecord[] }>(
        'GET',
        `/v1/admin/audit?${auditParams(filter, limit)}`,
      )
    ).entries;
  }

  /** Read in windows of time that each fit in one answer (the route has no cursor). */
  exportAudit(filter: AuditFilter): AsyncIterable<AuditRecord> {
    return readAuditOldestFirst((f, limit) => this.listAudit(f, limit), filter, AUDIT_PAGE);
  }

  async verifyAudit(): Promise<ChainCheck> {
    const answer = await this.#client.request<{
      ok: boolean;
      entries: number;
      head_seq?: number | null;
      seq?: number | null;
      problem?: string;
    }>('GET', '/v1/admin/audit/verify');
    if (answer.ok) return { ok: true, entries: answer.entries, headSeq: answer.head_seq ?? null };
    const seq = answer.seq ?? null;
    const broken: ChainCheck = {
      ok: false,
      entries: answer.entries,
      seq,
      problem: answer.problem ?? 'the server reports the chain broken',
    };
    if (seq === null) return broken;
    for await (const entry of this.exportAudit({})) {
      if (entry.seq === seq) return { ...broken, entry };
      if (entry.seq > seq) break;
    }
    return broken;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function auditParams(filter: AuditFilter, limit: number): string {
  const params = new URLSearchParams();
  if (filter.since !== undefined) params.set('since', new Date(filter.since).toISOString());
  if (filter.until !== undefined) params.set('until', new Date(filter.until).toISOString());
  if (filter.principal !== undefined) params.set('principal', filter.principal);
  if (filter.action !== undefined) params.set('action', filter.action);
  if (filter.collection !== undefined) params.set('collection', filter.collection);
  params.set('limit', String(limit));
  return params.toString();
}
