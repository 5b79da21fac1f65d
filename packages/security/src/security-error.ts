/** Why a request was not let in; `reason` tells the cases of one status apart. */
export type SecurityReason =
  | 'CREDENTIALS_MISSING'
  | 'CREDENTIALS_MALFORMED'
  | 'API_KEY_UNKNOWN'
  | 'API_KEY_EXPIRED'
  | 'API_KEY_REVOKED'
  | 'TOKEN_INVALID'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_NOT_YET_VALID'
  | 'TOO_MANY_FAILURES'
  | 'PERMISSION_DENIED'
  | 'ROLE_NOT_FOUND'
  | 'ROLE_EXISTS'
  | 'ROLE_BUILT_IN'
  | 'ROLE_IN_USE'
  | 'API_KEY_NOT_FOUND'
  | 'INVALID_PERMISSION'
  | 'INVALID_INPUT';

const STATUS: Record<SecurityReason, number> = {
  CREDENTIALS_MISSING: 401,
  CREDENTIALS_MALFORMED: 401,
  API_KEY_UNKNOWN: 401,
  API_KEY_EXPIRED: 401,
  API_KEY_REVOKED: 401,
  TOKEN_INVALID: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_NOT_YET_VALID: 401,
  TOO_MANY_FAILURES: 429,
  PERMISSION_DENIED: 403,
  ROLE_NOT_FOUND: 404,
  API_KEY_NOT_FOUND: 404,
  ROLE_EXISTS: 409,
  ROLE_BUILT_IN: 409,
  ROLE_IN_USE: 409,
  INVALID_PERMISSION: 400,
  INVALID_INPUT: 400,
};

/**
 * An authentication or authorization failure. On the wire its `code` is the contract's
 * (`UNAUTHORIZED`, `FORBIDDEN`, ...) and `reason` the precise case, so clients that switch on
 * the contract's codes keep working and operators still see exactly what went wrong.
 */
export class SecurityError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(
    readonly reason: SecurityReason,
    message: string,
    readonly help: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'SecurityError';
    this.status = STATUS[reason];
    this.code =
      this.status === 401
        ? 'UNAUTHORIZED'
        : this.status === 403
          ? 'FORBIDDEN'
          : this.status === 429
            ? 'RATE_LIMIT_EXCEEDED'
            : reason;
  }
}

export function isSecurityError(err: unknown): err is SecurityError {
  return err instanceof SecurityError;
}
