import {
  isSecurityError,
  type AccessControl,
  type AuditLog,
  type Authenticator,
  type Principal,
  type SecurityError,
} from '@needle/security';

import { ApiError } from '../api-error.js';
import type { AccessRequest, RouteAccess } from '../context.js';

/** The access-control services of an open database. */
export interface SecurityServices {
  readonly authenticator: Authenticator;
  readonly access: AccessControl;
  readonly audit: AuditLog;
}

/** Collection actions: the decision and the audit entry name the collection. */
const COLLECTION_SCOPED = new Set(['search', 'read', 'write', 'delete', 'collections.manage']);

/**
 * The API's access decision, once per request for REST and tRPC alike: authenticate the
 * credentials, check the route's action against the principal's roles, and write the outcome
 * to the audit log (at collection level for reads: one entry per request, never per vector).
 * Refusals become 401 (with `WWW-Authenticate`), 403 or 429 (with `Retry-After`), each with
 * its precise `reason`.
 */
export function createAccessGuard(services: () => SecurityServices) {
  return async (request: AccessRequest, route: RouteAccess): Promise<Principal> => {
    const { authenticator, access, audit } = services();
    const collection = COLLECTION_SCOPED.has(route.action) ? route.collection : undefined;
    const header = (name: string): string | undefined => {
      const value = request.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    let principal: Principal | undefined;
    try {
      principal = await authenticator.authenticate({
        apiKey: header('x-api-key'),
        authorization: header('authorization'),
        certificateSubject: request.certificateSubject,
        source: request.ip,
      });
      if (route.action !== 'authenticated') access.authorize(principal, route.action, collection);
    } catch (err) {
      if (!isSecurityError(err)) throw err;
      void audit
        .record({
          principal: principal?.id ?? 'anonymous',
          action: route.action,
          collection: collection ?? null,
          source: request.ip,
          allowed: false,
          requestId: request.requestId,
          detail: { reason: err.reason, route: route.route },
        })
        .catch(() => undefined);
      throw toApiError(err);
    }
    if (route.action !== 'authenticated') {
      void audit
        .record({
          principal: principal.id,
          action: route.action,
          collection: collection ?? null,
          source: request.ip,
          allowed: true,
          requestId: request.requestId,
          detail: { route: route.route },
        })
        .catch(() => undefined);
    }
    return principal;
  };
}

/** A SecurityError as the wire contract answers it, with its precise reason. */
export function toApiError(err: SecurityError): ApiError {
  const headers: Record<string, string> = {};
  if (err.status === 401) headers['www-authenticate'] = 'Bearer, ApiKey';
  if (err.retryAfterSeconds !== undefined) headers['retry-after'] = String(err.retryAfterSeconds);
  return new ApiError(err.status, err.code, err.message, err.help, {
    details: { reason: err.reason },
    headers,
  });
}
