import { apiKeyBody, auditEntryBody, roleBody } from '@needle/api';
import type { Database } from '@needle/engine';
import { isEngineError } from '@needle/engine';
import {
  AccessControl,
  AuditLog,
  allows,
  formatPermission,
  type Action,
  type AuditEntry,
} from '@needle/security';
import { z } from 'zod';

import { CommandError } from '../command-error.js';
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

/** Who makes the changes, for their audit entries: `cli:<os user>` on this host. */
export interface CliActor {
  principal: string;
  source: string;
}

/** The name of the audit trail among the database's system logs. */
const AUDIT_LOG = 'audit';

/**
 * Keys, roles and the audit log of a database opened in this process. Every change is
 * written to the audit log as the server writes its own (`keys.create`, `roles.grant`, ...),
 * with the command line's user as the principal.
 */
export class EmbeddedSecurity implements SecurityBackend {
  readonly kind = 'embedded';
  readonly source: string;
  readonly #db: Database;
  readonly #access: AccessControl;
  #audit: AuditLog | undefined;
  readonly #actor: CliActor;
  readonly #close: () => Promise<void>;

  /** `close` closes the database (and releases the data directory's lock). */
  constructor(
    db: Database,
    options: { source: string; actor: CliActor; close: () => Promise<void> },
  ) {
    this.source = options.source;
    this.#db = db;
    this.#access = new AccessControl(db);
    this.#actor = options.actor;
    this.#close = options.close;
  }

  listRoles(): Promise<RoleRecord[]> {
    return Promise.resolve(this.#access.listRoles().map(roleBody));
  }

  async createRole(name: string, permissions: string[], description?: string): Promise<RoleRecord> {
    this.#auditLog();
    const role = await this.#access.createRole(name, permissions, description);
    await this.#record('roles.create', { role: name, permissions: permissions.join(' ') });
    return roleBody(role);
  }

  async deleteRole(name: string): Promise<void> {
    this.#auditLog();
    await this.#access.deleteRole(name);
    await this.#record('roles.delete', { role: name });
  }

  listGrants(): Promise<GrantRecord[]> {
    return Promise.resolve(this.#access.listGrants());
  }

  async grantRole(principal: string, role: string): Promise<string[]> {
    this.#auditLog();
    const roles = await this.#access.grantRole(principal, role);
    await this.#record('roles.grant', { grantee: principal, role });
    return roles;
  }

  async revokeRole(principal: string, role: string): Promise<string[]> {
    this.#auditLog();
    const roles = await this.#access.revokeRole(principal, role);
    await this.#record('roles.revoke', { grantee: principal, role });
    return roles;
  }

  listKeys(): Promise<ApiKeyRecord[]> {
    return Promise.resolve(this.#access.listApiKeys().map(apiKeyBody));
  }

  async createKey(options: {
    name: string;
    roles: string[];
    expiresAt: number | null;
  }): Promise<ApiKeyRecord & { key: string }> {
    this.#auditLog();
    const created = await this.#access.createApiKey(options);
    await this.#record('keys.create', {
      key: created.info.id,
      name: options.name,
      roles: options.roles.join(' '),
    });
    return { ...apiKeyBody(created.info), key: created.key };
  }

  async revokeKey(id: string): Promise<ApiKeyRecord> {
    this.#auditLog();
    const revoked = await this.#access.revokeApiKey(id);
    await this.#record('keys.revoke', { key: id });
    return apiKeyBody(revoked);
  }

  check(query: CheckQuery): Promise<PermissionCheck> {
    let roles = query.roles ?? [];
    if (query.keyId !== undefined) {
      const key = this.#access.listApiKeys().find((k) => k.id === query.keyId);
      if (!key) {
        throw new CommandError(
          'API_KEY_NOT_FOUND',
          `no API key has the id "${query.keyId}"`,
          'List the keys with `needle keys list` to find its id.',
        );
      }
      roles = [...roles, ...key.roles, ...this.#access.rolesOf(`key:${key.id}`)];
    }
    if (query.principal !== undefined) roles = [...roles, ...this.#access.rolesOf(query.principal)];
    roles = [...new Set(roles)].sort();
    const matched = this.#access
      .permissionsOf(roles)
      .filter((p) => allows(p, query.action as Action, query.collection))
      .map(formatPermission);
    return Promise.resolve({ allowed: matched.length > 0, roles, matched });
  }

  listAudit(filter: AuditFilter, limit: number): Promise<AuditRecord[]> {
    return Promise.resolve(
      this.#auditLog()
        .query({ ...filter, limit, descending: true })
        .map(auditEntryBody),
    );
  }

  async *exportAudit(filter: AuditFilter): AsyncIterable<AuditRecord> {
    for (const line of this.#auditLog().exportJsonl(filter)) {
      yield auditEntryBody(JSON.parse(line) as AuditEntry & { seq: number });
      // Lets Ctrl-C and the output stream's back-pressure through between entries.
      await Promise.resolve();
    }
  }

  verifyAudit(): Promise<ChainCheck> {
    let result: ChainCheck;
    try {
      result = this.#auditLog().verify();
    } catch (err) {
      result = this.#unreadable(err);
    }
    if (!result.ok && result.seq !== null) {
      const entry = this.#storedEntry(result.seq);
      if (entry !== undefined) result = { ...result, entry };
    }
    return Promise.resolve(result);
  }

  async close(): Promise<void> {
    try {
      await this.#audit?.flush();
      await this.#access.settled();
    } finally {
      await this.#close();
    }
  }

  /** Opened on first use: opening reads the newest entry, which may be the damaged one. */
  #auditLog(): AuditLog {
    this.#audit ??= new AuditLog(this.#db);
    return this.#audit;
  }

  /**
   * Records a change made here. Callers open the log before changing anything, so a log
   * that cannot be written refuses the change rather than letting it pass unrecorded.
   */
  async #record(action: string, detail: Record<string, string>): Promise<void> {
    await this.#auditLog().record({
      principal: this.#actor.principal,
      action,
      source: this.#actor.source,
      allowed: true,
      detail,
    });
  }

  /**
   * An entry the chain walk could not even read is a broken chain too: one that no longer
   * fits the entry schema names its seq; one that is not JSON is found by reading on from
   * the last entry that is.
   */
  #unreadable(err: unknown): ChainCheck {
    if (
      isEngineError(err) &&
      err.details.log === AUDIT_LOG &&
      typeof err.details.seq === 'number'
    ) {
      const seq = err.details.seq;
      return {
        ok: false,
        entries: this.#walkRaw(seq).entries,
        seq,
        problem: `entry ${seq} is no longer an audit entry: it was altered after it was written`,
      };
    }
    if (!(err instanceof SyntaxError)) throw err;
    const { entries, last } = this.#walkRaw();
    return {
      ok: false,
      entries,
      seq: null,
      problem: `the entry after ${last === 0 ? 'the start of the log' : `entry ${last}`} is not JSON: it was altered after it was written`,
    };
  }

  /** Reads the log as stored, up to `before` or to the first entry that is not JSON. */
  #walkRaw(before = Number.POSITIVE_INFINITY): { entries: number; last: number } {
    const raw = this.#db.system.log(AUDIT_LOG, z.unknown());
    let last = 0;
    let entries = 0;
    let limit = 1000;
    for (;;) {
      let page;
      try {
        page = raw.read({ afterSeq: last, limit });
      } catch {
        // Some entry of this page is not JSON: go on one by one to find it.
        if (limit === 1) return { entries, last };
        limit = 1;
        continue;
      }
      for (const entry of page) {
        if (entry.seq >= before) return { entries, last };
        last = entry.seq;
        entries += 1;
      }
      if (page.length < limit) return { entries, last };
    }
  }

  /** The entry as stored, whatever it holds now; undefined when it is gone or not JSON. */
  #storedEntry(seq: number): unknown {
    try {
      const [found] = this.#db.system
        .log(AUDIT_LOG, z.unknown())
        .read({ afterSeq: seq - 1, limit: 1 });
      return found?.seq === seq ? found.entry : undefined;
    } catch {
      return undefined;
    }
  }
}
