import { readFileSync } from 'node:fs';

import type { SecurityServices } from '@needle/api';
import type { Database } from '@needle/engine';
import {
  AccessControl,
  AuditLog,
  Authenticator,
  FailureLimiter,
  createJwtVerifier,
  type JwtVerifier,
  type SecurityReason,
} from '@needle/security';
import type { Logger } from 'pino';

import type { ServerConfig } from '../config.js';

export interface SecurityDeps {
  logger: Logger;
  /** Counts a refused credential, by reason. */
  onFailure: (reason: SecurityReason) => void;
  /**
   * Shows a message to the person who started the server, on the terminal and never in the
   * log: the bootstrap admin key, the development-mode warning.
   */
  announce: (text: string) => void;
}

/**
 * Access control over an open database: keys and roles from its file, the operator key and
 * JWT settings from the config. Without any way to administer the database (no operator
 * key, no live admin key), creates a bootstrap admin key and announces it once.
 */
export async function openSecurity(
  db: Database,
  auth: ServerConfig['auth'],
  deps: SecurityDeps,
): Promise<SecurityServices> {
  const access = new AccessControl(db, { operatorKey: auth.adminApiKey });
  const audit = new AuditLog(db);
  const authenticator = new Authenticator({
    access,
    jwt: await jwtVerifier(auth),
    mode: auth.mode,
    failures: new FailureLimiter({ maxFailures: auth.maxFailures, windowMs: auth.failureWindowMs }),
    onFailure: deps.onFailure,
  });
  if (auth.mode === 'development') {
    deps.logger.warn(
      { auth_mode: 'development' },
      'AUTHENTICATION IS OFF: every request is treated as admin (auth.mode = development)',
    );
    deps.announce(
      [
        '',
        '  !!  Needle is running in DEVELOPMENT mode: authentication is OFF.',
        '  !!  Every request is treated as admin. Never expose this server to a network.',
        '  !!  Set auth.mode to "enforce" (the default) for anything else.',
        '',
      ].join('\n'),
    );
  } else {
    const { bootstrapKey } = await access.ensureAdminAccess();
    if (bootstrapKey) {
      await audit.record({
        principal: 'server',
        action: 'keys.create',
        allowed: true,
        detail: { name: 'bootstrap-admin', reason: 'no admin key existed' },
      });
      deps.logger.warn(
        'no admin key existed: a bootstrap admin key was created and printed on the terminal, once',
      );
      deps.announce(
        [
          '',
          '  A bootstrap admin API key was created for this database. It is shown only now:',
          '',
          `      ${bootstrapKey}`,
          '',
          '  Send it as `X-API-Key`. Create your own keys with it, then revoke it',
          '  (or set NEEDLE_ADMIN_API_KEY to use an operator key instead).',
          '',
        ].join('\n'),
      );
    }
  }
  return { access, audit, authenticator };
}

/**
 * Prunes the audit log to its retention now and then on a timer (unref'd); returns the stop
 * function. Pruning keeps the chain verifiable (the oldest kept entry becomes its anchor).
 */
export function startAuditRetention(
  services: SecurityServices,
  auth: ServerConfig['auth'],
  logger: Logger,
): () => void {
  if (auth.auditRetentionDays <= 0) return () => undefined;
  const retentionMs = auth.auditRetentionDays * 86_400_000;
  let running: Promise<void> | undefined;
  const prune = () => {
    running ??= services.audit
      .prune(retentionMs)
      .then((removed) => {
        if (removed > 0)
          logger.info({ removed, retention_days: auth.auditRetentionDays }, 'audit entries pruned');
      })
      .catch((err: unknown) => logger.error({ err }, 'audit retention failed'))
      .finally(() => (running = undefined));
  };
  prune();
  const timer = setInterval(prune, auth.auditPruneIntervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

async function jwtVerifier(auth: ServerConfig['auth']): Promise<JwtVerifier | undefined> {
  const jwt = auth.jwt;
  if (!jwt) return undefined;
  const common = {
    rolesClaim: jwt.rolesClaim,
    ...(jwt.issuer ? { issuer: jwt.issuer } : {}),
    ...(jwt.audience ? { audience: jwt.audience } : {}),
  };
  if (jwt.secret) return createJwtVerifier({ ...common, secret: jwt.secret });
  if (jwt.publicKeyFile) {
    return createJwtVerifier({
      ...common,
      publicKey: readFileSync(jwt.publicKeyFile, 'utf8'),
      publicKeyAlgorithm: jwt.publicKeyAlgorithm,
    });
  }
  if (jwt.jwksUrl) return createJwtVerifier({ ...common, jwksUrl: jwt.jwksUrl });
  return undefined;
}
