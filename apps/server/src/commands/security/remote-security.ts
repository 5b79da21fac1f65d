import { CommandError } from '../command-error.js';
import { RemoteClient } from '../remote-client.js';
import type { RemoteClientOptions } from '../remote-client.js';
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

/**
 * How far past the oldest entry of a page the next page reaches back. The route filters on
 * the time an entry was appended, which can be a little later than the time it records, so
 * pages overlap by this much and the entries seen already are dropped by seq.
 */
const PAGE_OVERLAP_MS = 1000;

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

  /**
   * The route answers newest first, a page at most, with no cursor: pages are read back in
   * time and the entries given out oldest first once all are in.
   */
  async *exportAudit(filter: AuditFilter): AsyncIterable<AuditRecord> {
    const pages: AuditRecord[][] = [];
    for await (const page of this.#newestFirst(filter)) pages.push(page);
    for (let p = pages.length - 1; p >= 0; p--) {
      const page = pages[p]!;
      for (let i = page.length - 1; i >= 0; i--) yield page[i]!;
    }
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
    for await (const page of this.#newestFirst({})) {
      const entry = page.find((e) => e.seq === seq);
      if (entry) return { ...broken, entry };
      if (page.at(-1)!.seq < seq) break;
    }
    return broken;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Pages of matching entries, newest first, each entry once. */
  async *#newestFirst(filter: AuditFilter): AsyncIterable<AuditRecord[]> {
    let until = filter.until;
    let below = Number.POSITIVE_INFINITY;
    for (;;) {
      const page = await this.listAudit(
        { ...filter, ...(until === undefined ? {} : { until }) },
        AUDIT_PAGE,
      );
      const fresh = page.filter((e) => e.seq < below);
      if (fresh.length > 0) yield fresh;
      if (page.length < AUDIT_PAGE) return;
      if (fresh.length === 0) {
        throw new CommandError(
          'AUDIT_TOO_DENSE',
          `more than ${AUDIT_PAGE.toLocaleString('en')} audit entries fall within ${PAGE_OVERLAP_MS} ms of ${page.at(-1)!.at}, too many to page through over REST`,
          'Narrow the export with --since/--until, or export on the data directory (--data) with the server stopped.',
        );
      }
      const oldest = fresh.at(-1)!;
      below = oldest.seq;
      const reach = Date.parse(oldest.at) + PAGE_OVERLAP_MS;
      until = filter.until === undefined ? reach : Math.min(filter.until, reach);
    }
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
