import { SignJWT, exportSPKI, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';

import { createJwtVerifier } from './jwt.js';

const SECRET = 'a-shared-secret-of-enough-length-1234';
const nowSeconds = () => Math.floor(Date.now() / 1000);

function hs256(claims: Record<string, unknown>, secret = SECRET): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode(secret));
}

describe('createJwtVerifier', () => {
  it('accepts a valid HS256 token with its subject and roles', async () => {
    const verify = await createJwtVerifier({ secret: SECRET });
    const token = await hs256({ sub: 'ann', exp: nowSeconds() + 600, roles: ['reader', 7] });
    expect(await verify(token)).toMatchObject({ subject: 'ann', roles: ['reader'] });
  });

  it('reads roles from a configured claim, a single name too', async () => {
    const verify = await createJwtVerifier({ secret: SECRET, rolesClaim: 'needle_role' });
    const token = await hs256({ sub: 'bob', exp: nowSeconds() + 600, needle_role: 'writer' });
    expect((await verify(token)).roles).toEqual(['writer']);
  });

  it.each([
    ['expired', { sub: 'ann', exp: nowSeconds() - 3600 }, SECRET, 'TOKEN_EXPIRED'],
    [
      'not yet valid',
      { sub: 'ann', exp: nowSeconds() + 7200, nbf: nowSeconds() + 3600 },
      SECRET,
      'TOKEN_NOT_YET_VALID',
    ],
    [
      'forged',
      { sub: 'ann', exp: nowSeconds() + 600 },
      'another-secret-of-enough-length-5678',
      'TOKEN_INVALID',
    ],
    ['without a subject', { exp: nowSeconds() + 600 }, SECRET, 'TOKEN_INVALID'],
  ])('refuses a token %s', async (_, claims, secret, reason) => {
    const verify = await createJwtVerifier({ secret: SECRET });
    await expect(verify(await hs256(claims, secret))).rejects.toMatchObject({
      reason,
      status: 401,
      code: 'UNAUTHORIZED',
    });
  });

  it('refuses a malformed token', async () => {
    const verify = await createJwtVerifier({ secret: SECRET });
    await expect(verify('not.a.jwt')).rejects.toMatchObject({ reason: 'CREDENTIALS_MALFORMED' });
  });

  it('verifies RS256 tokens with a PEM public key, and refuses HS256 ones there', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const verify = await createJwtVerifier({
      publicKey: await exportSPKI(publicKey),
      issuer: 'idp',
    });
    const token = await new SignJWT({ sub: 'carol', roles: ['admin'] })
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer('idp')
      .setExpirationTime('5m')
      .sign(privateKey);
    expect(await verify(token)).toMatchObject({ subject: 'carol', roles: ['admin'] });
    await expect(
      verify(await hs256({ sub: 'x', exp: nowSeconds() + 60, iss: 'idp' })),
    ).rejects.toMatchObject({
      status: 401,
    });
  });
});
