import type { AccessControl, Principal } from './access-control.js';
import { FailureLimiter } from './failure-limiter.js';
import type { JwtVerifier } from './jwt.js';
import { SecurityError, isSecurityError } from './security-error.js';

/** The credentials of one request, as the transport found them. */
export interface Credentials {
  /** The `X-API-Key` header. */
  apiKey?: string | undefined;
  /** The `Authorization` header. */
  authorization?: string | undefined;
  /** The subject of a verified client certificate (mTLS). */
  certificateSubject?: string | undefined;
  /** The client address, for failure counting and the audit trail. */
  source: string;
}

export interface AuthenticatorOptions {
  access: AccessControl;
  jwt?: JwtVerifier | undefined;
  /** `development` lets every request in as admin; the server says so loudly at start. */
  mode?: 'enforce' | 'development';
  failures?: FailureLimiter;
  /** Called for every refused credential, for metrics. */
  onFailure?: (reason: SecurityError['reason']) => void;
}

/**
 * Turns a request's credentials into a {@link Principal}: `X-API-Key` first, then
 * `Authorization: Bearer`, then a client certificate. Failures are counted per source; a
 * source with too many is refused (429) until its window ends.
 */
export class Authenticator {
  readonly #access: AccessControl;
  readonly #jwt: JwtVerifier | undefined;
  readonly #failures: FailureLimiter;
  readonly #onFailure: (reason: SecurityError['reason']) => void;
  readonly mode: 'enforce' | 'development';

  constructor(options: AuthenticatorOptions) {
    this.#access = options.access;
    this.#jwt = options.jwt;
    this.#failures = options.failures ?? new FailureLimiter();
    this.#onFailure = options.onFailure ?? (() => undefined);
    this.mode = options.mode ?? 'enforce';
  }

  async authenticate(credentials: Credentials): Promise<Principal> {
    if (this.mode === 'development')
      return { id: 'anonymous', roles: ['admin'], via: 'development' };
    const blocked = this.#failures.blockedFor(credentials.source);
    if (blocked > 0) {
      this.#onFailure('TOO_MANY_FAILURES');
      throw new SecurityError(
        'TOO_MANY_FAILURES',
        `too many failed sign-ins from ${credentials.source}`,
        `Wait ${blocked} s, then retry with valid credentials.`,
        blocked,
      );
    }
    try {
      return await this.#identify(credentials);
    } catch (err) {
      if (isSecurityError(err) && err.status === 401) {
        // A request with no credentials guesses nothing (a signed-out browser tab, a probe):
        // it is counted as a failure, but does not bring the source closer to being blocked.
        if (err.reason !== 'CREDENTIALS_MISSING') this.#failures.fail(credentials.source);
        this.#onFailure(err.reason);
      }
      throw err;
    }
  }

  async #identify(credentials: Credentials): Promise<Principal> {
    if (credentials.apiKey !== undefined && credentials.apiKey !== '') {
      return this.#access.authenticateApiKey(credentials.apiKey);
    }
    if (credentials.authorization !== undefined && credentials.authorization !== '') {
      const match = /^Bearer\s+(\S+)$/i.exec(credentials.authorization);
      if (!match) {
        throw new SecurityError(
          'CREDENTIALS_MALFORMED',
          'the Authorization header is not a bearer token',
          'Send `Authorization: Bearer <jwt>`, or the key in `X-API-Key`.',
        );
      }
      if (!this.#jwt) {
        throw new SecurityError(
          'TOKEN_INVALID',
          'this server does not accept bearer tokens',
          'Send an API key in `X-API-Key`, or configure JWT verification on the server.',
        );
      }
      const token = await this.#jwt(match[1]!);
      return this.#access.principalForToken(token.subject, token.roles);
    }
    if (credentials.certificateSubject !== undefined) {
      return this.#access.principalForCertificate(credentials.certificateSubject);
    }
    throw new SecurityError(
      'CREDENTIALS_MISSING',
      'no credentials were sent',
      'Send an API key in `X-API-Key`, or `Authorization: Bearer <jwt>`.',
    );
  }
}
