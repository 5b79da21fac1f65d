import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  importSPKI,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';

import { SecurityError } from './security-error.js';

/** How bearer tokens are checked: one of a shared secret, a public key, or a key set. */
export interface JwtConfig {
  /** HS256 shared secret. */
  secret?: string;
  /** PEM public key (SPKI) for RS256 / ES256 / EdDSA tokens. */
  publicKey?: string;
  /** Algorithm of `publicKey` (default RS256). */
  publicKeyAlgorithm?: string;
  /** A JWKS endpoint, or a key set given inline. */
  jwksUrl?: string;
  jwks?: JSONWebKeySet;
  issuer?: string;
  audience?: string;
  /** The claim holding the roles (default `roles`): an array of role names or one name. */
  rolesClaim?: string;
  /** Leeway for exp/nbf, seconds (default 30). */
  clockToleranceSeconds?: number;
}

/** What a valid token says. */
export interface VerifiedToken {
  subject: string;
  roles: string[];
  expiresAt: number | null;
}

export type JwtVerifier = (token: string) => Promise<VerifiedToken>;

/** Builds the verifier for a config; throws when the config names no key. */
export async function createJwtVerifier(config: JwtConfig): Promise<JwtVerifier> {
  const rolesClaim = config.rolesClaim ?? 'roles';
  let key: Uint8Array | Awaited<ReturnType<typeof importSPKI>> | JWTVerifyGetKey;
  let algorithms: string[];
  if (config.secret !== undefined) {
    key = new TextEncoder().encode(config.secret);
    algorithms = ['HS256'];
  } else if (config.publicKey !== undefined) {
    const alg = config.publicKeyAlgorithm ?? 'RS256';
    key = await importSPKI(config.publicKey, alg);
    algorithms = [alg];
  } else if (config.jwks !== undefined) {
    key = createLocalJWKSet(config.jwks);
    algorithms = ['RS256', 'ES256', 'EdDSA', 'PS256'];
  } else if (config.jwksUrl !== undefined) {
    key = createRemoteJWKSet(new URL(config.jwksUrl));
    algorithms = ['RS256', 'ES256', 'EdDSA', 'PS256'];
  } else {
    throw new Error('JWT config needs one of secret, publicKey, jwks or jwksUrl');
  }

  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key as Uint8Array, {
        algorithms,
        clockTolerance: config.clockToleranceSeconds ?? 30,
        requiredClaims: ['sub', 'exp'],
        ...(config.issuer ? { issuer: config.issuer } : {}),
        ...(config.audience ? { audience: config.audience } : {}),
      }));
    } catch (err) {
      throw tokenError(err);
    }
    const claim = payload[rolesClaim];
    const roles = Array.isArray(claim)
      ? claim.filter((r): r is string => typeof r === 'string')
      : typeof claim === 'string'
        ? [claim]
        : [];
    return { subject: payload.sub!, roles, expiresAt: payload.exp ? payload.exp * 1000 : null };
  };
}

function tokenError(err: unknown): SecurityError {
  if (err instanceof errors.JWTExpired) {
    return new SecurityError(
      'TOKEN_EXPIRED',
      'the bearer token has expired',
      'Sign in again to get a fresh token.',
    );
  }
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'nbf') {
      return new SecurityError(
        'TOKEN_NOT_YET_VALID',
        'the bearer token is not valid yet (nbf)',
        "Check the issuer's clock, or wait until the token's start time.",
      );
    }
    return new SecurityError(
      'TOKEN_INVALID',
      `the bearer token's "${err.claim}" claim is not acceptable`,
      'Use a token issued for this server (issuer, audience, subject).',
    );
  }
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) {
    return new SecurityError(
      'CREDENTIALS_MALFORMED',
      'the bearer token is malformed',
      'Send a compact JWS: `Authorization: Bearer <header>.<payload>.<signature>`.',
    );
  }
  return new SecurityError(
    'TOKEN_INVALID',
    'the bearer token is not valid',
    'Use a token signed by the configured issuer.',
  );
}
