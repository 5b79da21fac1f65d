import { SignJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { openTempDatabase } from '../test/open-database.js';
import { AccessControl } from './access-control.js';
import { Authenticator } from './authenticator.js';
import { FailureLimiter } from './failure-limiter.js';
import { createJwtVerifier } from './jwt.js';

const SECRET = 'a-shared-secret-of-enough-length-1234';
let env: Awaited<ReturnType<typeof openTempDatabase>>;
let access: AccessControl;

beforeEach(async () => {
  env = await openTempDatabase();
  access = new AccessControl(env.db);
});
afterEach(async () => {
  await access.settled();
  await env.dispose();
});

describe('Authenticator', () => {
  it('prefers X-API-Key, then a bearer token, then a client certificate', async () => {
    const auth = new Authenticator({ access, jwt: await createJwtVerifier({ secret: SECRET }) });
    const { key, info } = await access.createApiKey({ name: 'k', roles: ['writer'] });
    const token = await new SignJWT({ sub: 'ann', roles: ['reader'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(SECRET));
    expect(
      (await auth.authenticate({ apiKey: key, authorization: `Bearer ${token}`, source: 'a' })).id,
    ).toBe(`key:${info.id}`);
    expect(
      await auth.authenticate({ authorization: `Bearer ${token}`, source: 'a' }),
    ).toMatchObject({ id: 'jwt:ann', roles: ['reader'] });
    await access.grantRole('cert:CN=ingest', 'writer');
    expect(await auth.authenticate({ certificateSubject: 'CN=ingest', source: 'a' })).toMatchObject(
      { roles: ['writer'] },
    );
  });

  it('refuses missing and malformed credentials, and bearer tokens when none are configured', async () => {
    const auth = new Authenticator({ access });
    await expect(auth.authenticate({ source: 'a' })).rejects.toMatchObject({
      reason: 'CREDENTIALS_MISSING',
      status: 401,
    });
    await expect(
      auth.authenticate({ authorization: 'Basic abc', source: 'a' }),
    ).rejects.toMatchObject({ reason: 'CREDENTIALS_MALFORMED' });
    await expect(
      auth.authenticate({ authorization: 'Bearer x.y.z', source: 'a' }),
    ).rejects.toMatchObject({ reason: 'TOKEN_INVALID' });
  });

  it('blocks a source after too many failures, counts each, and leaves other sources alone', async () => {
    const reasons: string[] = [];
    const auth = new Authenticator({
      access,
      failures: new FailureLimiter({ maxFailures: 3, windowMs: 60_000 }),
      onFailure: (reason) => reasons.push(reason),
    });
    const { key } = await access.createApiKey({ name: 'k', roles: ['reader'] });
    // Requests without credentials guess nothing: they never block the source.
    for (let i = 0; i < 5; i++) {
      await expect(auth.authenticate({ source: '10.0.0.9' })).rejects.toMatchObject({
        reason: 'CREDENTIALS_MISSING',
      });
    }
    expect((await auth.authenticate({ apiKey: key, source: '10.0.0.9' })).roles).toEqual([
      'reader',
    ]);
    for (let i = 0; i < 3; i++) {
      await expect(
        auth.authenticate({ apiKey: 'wrong', source: '10.0.0.9' }),
      ).rejects.toMatchObject({ status: 401 });
    }
    await expect(auth.authenticate({ apiKey: key, source: '10.0.0.9' })).rejects.toMatchObject({
      status: 429,
      reason: 'TOO_MANY_FAILURES',
      retryAfterSeconds: expect.any(Number) as number,
    });
    expect((await auth.authenticate({ apiKey: key, source: '10.0.0.10' })).roles).toEqual([
      'reader',
    ]);
    expect(reasons).toEqual([
      ...Array<string>(5).fill('CREDENTIALS_MISSING'),
      'CREDENTIALS_MALFORMED',
      'CREDENTIALS_MALFORMED',
      'CREDENTIALS_MALFORMED',
      'TOO_MANY_FAILURES',
    ]);
  });

  it('lets everyone in as admin only in development mode', async () => {
    const auth = new Authenticator({ access, mode: 'development' });
    expect(await auth.authenticate({ source: 'a' })).toMatchObject({
      roles: ['admin'],
      via: 'development',
    });
  });
});

describe('FailureLimiter', () => {
  it('forgets a source when its window ends', () => {
    let now = 0;
    const limiter = new FailureLimiter({ maxFailures: 2, windowMs: 1000, now: () => now });
    limiter.fail('s');
    limiter.fail('s');
    expect(limiter.blockedFor('s')).toBe(1);
    now = 1000;
    expect(limiter.blockedFor('s')).toBe(0);
    expect(limiter.fail('s')).toBe(1);
  });
});
