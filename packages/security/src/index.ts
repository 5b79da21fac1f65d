/**
 * `@needle/security` — who may do what: API keys, JWT bearer tokens, roles and permissions
 * scoped to collections, the hash-chained audit log. Enforcement happens once, in the request
 * pipeline of `@needle/api`.
 */
export { AccessControl } from './access-control.js';
export type { AccessControlOptions, ApiKeyInfo, Principal, RoleInfo } from './access-control.js';
export { AuditLog } from './audit-log.js';
export type { AuditEntry, AuditEvent, AuditQuery, AuditVerification } from './audit-log.js';
export { Authenticator } from './authenticator.js';
export type { AuthenticatorOptions, Credentials } from './authenticator.js';
export { FailureLimiter } from './failure-limiter.js';
export { createJwtVerifier } from './jwt.js';
export type { JwtConfig, JwtVerifier, VerifiedToken } from './jwt.js';
export {
  ACTIONS,
  BUILT_IN_ROLES,
  COLLECTION_ACTIONS,
  SYSTEM_ACTIONS,
  allows,
  formatPermission,
  parsePermission,
} from './permissions.js';
export type {
  Action,
  BuiltInRole,
  CollectionAction,
  Permission,
  SystemAction,
} from './permissions.js';
export { SecurityError, isSecurityError } from './security-error.js';
export type { SecurityReason } from './security-error.js';
