import type { Principal } from '@needle/security';

import { ApiError } from '../api-error.js';
import type { SecurityServices } from '../security/access-guard.js';

/** Who asked, for the audit entries of administrative changes. */
export interface Caller {
  principal: Principal | undefined;
  ip: string;
  requestId: string;
}

/** What an audit entry of a change says about it. */
export type AuditDetail = Record<string, string | number | boolean | null>;

/**
 * A service the host supplies through the context (backups, alerts, notifiers, ...), or 404
 * `NOT_FOUND` saying why it is missing (`what` is not available; `help` says who runs it).
 */
export function hostService<T>(get: (() => T) | undefined, what: string, help: string): T {
  if (!get) throw new ApiError(404, 'NOT_FOUND', what, help);
  return get();
}

/**
 * Writes an administrative change to the audit log and waits until it is durable; without
 * access control (`security` undefined) there is no log to write to.
 */
export async function recordChange(
  security: SecurityServices | undefined,
  caller: Caller,
  action: string,
  detail: AuditDetail,
): Promise<void> {
  await security?.audit.record({
    principal: caller.principal?.id ?? 'anonymous',
    action,
    source: caller.ip,
    allowed: true,
    requestId: caller.requestId,
    detail,
  });
}
