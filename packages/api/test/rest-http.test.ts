import { request as httpRequest } from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ApiError } from '../src/index.js';
import { startServer, vectorOf } from './helpers/start-server.js';
import type { TestServer } from './helpers/start-server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startServer({
    bodyLimit: 64 * 1024,
    // The host's own routes share the error handler, not-found handler and parser.
    setup: (app) => {
      app.get('/metrics', async (_request, reply) => reply.type('text/plain').send('# metrics\n'));
      app.get('/boom', async () => {
        throw new Error('secret detail /var/lib/needle');
      });
    },
  });
  await s.call('POST', '/v1/collections', { name: 'docs', dimensions: 8 });
});
afterAll(async () => {
  await s.close();
});

/** A raw request, for what fetch will not send (no content type, a lying length). */
function raw(
  method: string,
  path: string,
  body: string | undefined,
  headers: Record<string, string>,
): Promise<{ status: number; body: any; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const url = new URL(s.base + path);
    const req = httpRequest(
      { host: url.hostname, port: url.port, path, method, headers },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            body: text ? JSON.parse(text) : undefined,
            headers: res.headers,
          }),
        );
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

function expectErrorShape(body: any, code: string): void {
  expect(body).toMatchObject({
    error: expect.any(String),
    code,
    help: expect.any(String),
    request_id: expect.any(String),
  });
  expect(JSON.stringify(body)).not.toMatch(/at .*\.(ts|js):\d+/);
}

describe('HTTP plumbing', () => {
  it('every response carries X-Request-Id (echoed or generated) and the security headers', async () => {
    const echoed = await s.call('GET', '/health', undefined, { 'x-request-id': 'trace-abc-123' });
    expect(echoed.headers.get('x-request-id')).toBe('trace-abc-123');
    const generated = await s.call('GET', '/v1/collections');
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const unusable = await s.call('GET', '/health', undefined, { 'x-request-id': 'has space' });
    expect(unusable.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    for (const res of [
      echoed,
      generated,
      await s.call('GET', '/nope'),
      await s.call('GET', '/metrics'),
    ]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    }
    const err = await s.call('GET', '/v1/collections/nope', undefined, {
      'x-request-id': 'req-42',
    });
    expect(err.body.request_id).toBe('req-42');
  });

  it('malformed JSON, wrong content types and oversized bodies are JSON errors with 4xx', async () => {
    const bad = await s.call('POST', '/v1/collections/docs/search', '{"vector": [1, 2,');
    expect(bad.status).toBe(400);
    expectErrorShape(bad.body, 'INVALID_JSON');

    const text = await s.call('POST', '/v1/collections/docs/search', 'vector=1', {
      'content-type': 'text/plain',
    });
    expect(text.status).toBe(415);
    expectErrorShape(text.body, 'UNSUPPORTED_MEDIA_TYPE');
    const form = await raw('POST', '/v1/collections', 'name=x', {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': '6',
    });
    expect([form.status, form.body.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const none = await raw('POST', '/v1/collections', '{"name":"x","dimensions":2}', {
      'content-length': '27',
    });
    expect([none.status, none.body.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);

    const huge = JSON.stringify({
      id: 'h',
      vector: vectorOf(1),
      metadata: { pad: 'x'.repeat(70_000) },
    });
    const big = await s.call('POST', '/v1/collections/docs/vectors', huge);
    expect(big.status).toBe(413);
    expectErrorShape(big.body, 'BODY_TOO_LARGE');
    expect(big.body).toMatchObject({
      limit: 'body_size',
      scope: 'request',
      threshold: 64 * 1024,
      current: Buffer.byteLength(huge),
      retry_after: null,
    });
    expect(s.metrics.limits).toContain('body_size');

    const proto = await s.call(
      'POST',
      '/v1/collections/docs/vectors/x/metadata',
      '{"metadata":{"__proto__":{"admin":true}}}',
    );
    expect([proto.status, proto.body.code]).toEqual([400, 'INVALID_JSON']);

    // An empty JSON body is no body: routes whose fields are all optional still work.
    expect(
      (
        await raw('POST', '/v1/collections/docs/count', '', {
          'content-type': 'application/json',
          'content-length': '0',
        })
      ).body,
    ).toEqual({ count: 0 });
    const empty = await s.call('POST', '/v1/collections', '');
    expectErrorShape(empty.body, 'INVALID_INPUT');
  });

  it('unknown routes are 404 NOT_FOUND, known paths with another method 405 with Allow', async () => {
    const missing = await s.call('GET', '/v1/nothing/here');
    expect(missing.status).toBe(404);
    expectErrorShape(missing.body, 'NOT_FOUND');
    expect((await s.call('POST', '/v2/collections', {})).status).toBe(404);

    const wrong = await s.call('PUT', '/v1/collections/docs');
    expect(wrong.status).toBe(405);
    expectErrorShape(wrong.body, 'METHOD_NOT_ALLOWED');
    expect(wrong.headers.get('allow')).toBe('DELETE, GET, HEAD');
    const search = await s.call('GET', '/collections/docs/search');
    expect([search.status, search.headers.get('allow')]).toEqual([405, 'POST']);
    // The host's routes too.
    expect((await s.call('POST', '/metrics', {})).status).toBe(405);
    expect(s.metrics.errors.map((e) => e.code)).toEqual(
      expect.arrayContaining(['NOT_FOUND', 'METHOD_NOT_ALLOWED']),
    );
  });

  it('an unexpected failure is a 500 that reveals nothing', async () => {
    const res = await s.call('GET', '/boom');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      error: 'An internal error occurred',
      code: 'INTERNAL_ERROR',
      help: expect.any(String),
      request_id: res.headers.get('x-request-id'),
    });
    expect(res.text).not.toContain('secret');
  });

  it('answers health, readiness (503 with progress while not ready), info and /', async () => {
    expect((await s.call('GET', '/health')).body).toEqual({
      status: 'healthy',
      version: '9.9.9-test',
    });
    expect((await s.call('GET', '/health/live')).status).toBe(200);
    await s.call('POST', '/v1/collections/docs/vectors', { id: 'r1', vector: vectorOf(1) });
    for (const path of ['/ready', '/health/ready']) {
      expect((await s.call('GET', path)).body).toEqual({
        status: 'ready',
        version: '9.9.9-test',
        collections: 1,
        total_vectors: 1,
      });
    }
    for (const path of ['/', '/info']) {
      expect((await s.call('GET', path)).body).toEqual({
        collections: 1,
        total_vectors: 1,
        version: '9.9.9-test',
      });
    }

    s.switches.readiness = { ready: false, reason: 'rebuilding index of "docs"', progress: 0.4 };
    try {
      for (const path of ['/ready', '/health/ready']) {
        const res = await s.call('GET', path);
        expect(res.status).toBe(503);
        expect(res.body).toMatchObject({
          status: 'not_ready',
          reason: 'rebuilding index of "docs"',
          progress: 0.4,
          code: 'NOT_READY',
          request_id: expect.any(String),
        });
      }
      expect((await s.call('GET', '/health')).status).toBe(200);
    } finally {
      s.switches.readiness = { ready: true };
    }

    // While the database is not open at all, data routes answer 503 NOT_READY, probes still work.
    s.switches.databaseOpen = false;
    try {
      const res = await s.call('POST', '/v1/collections/docs/search', { vector: vectorOf(1) });
      expect(res.status).toBe(503);
      expectErrorShape(res.body, 'NOT_READY');
      expect((await s.call('GET', '/ready')).status).toBe(503);
      expect((await s.call('GET', '/health')).status).toBe(200);
    } finally {
      s.switches.databaseOpen = true;
    }
  });

  it('never answers 500 to bad input: a fuzz of malformed bodies on every POST route', async () => {
    const paths = [
      '/v1/collections',
      '/v1/collections/docs/vectors',
      '/v1/collections/docs/vectors/batch',
      '/v1/collections/docs/vectors/upsert',
      '/v1/collections/docs/vectors/delete-batch',
      '/v1/collections/docs/vectors/r1/metadata',
      '/v1/collections/docs/search',
      '/v1/collections/docs/search/batch',
      '/v1/collections/docs/search/radius',
      '/v1/collections/docs/query',
      '/v1/collections/docs/count',
      '/v1/collections/docs/recommend',
      '/v1/collections/docs/snapshots',
      '/v1/collections/docs/snapshots/x/restore',
    ];
    const bodies = [
      'null',
      '[]',
      '"text"',
      '42',
      'true',
      '{"vector":{"0":1}}',
      '{"vectors":[null]}',
      '{"ids":[1,2]}',
      '{"vector":[1,2,3,4,5,6,7,8],"k":1.5}',
      '{"filter":[]}',
      '{"filter":{"$where":"1"}}',
      '{"metadata":[1]}',
      '{"vectors":[[1,2,3,4,5,6,7,8]],"k":-1}',
      '{"positive_ids":"a"}',
      '{"name":"../../etc"}',
      '{"id":"x","vector":[1e999,0,0,0,0,0,0,0]}',
    ];
    for (const path of paths) {
      for (const body of bodies) {
        const res = await s.call('POST', path, body);
        expect(res.status, `${path} ${body}`).toBeGreaterThanOrEqual(200);
        expect(res.status, `${path} ${body}`).toBeLessThan(500);
        if (res.status >= 400) expectErrorShape(res.body, res.body.code);
      }
    }
  });

  it('leaves a seam for access control: authorize sees every secured route and can refuse it', async () => {
    const seen: string[] = [];
    const guarded = await startServer({
      authorize: (request, access) => {
        seen.push(`${access.action} ${access.operation} ${access.collection ?? '-'}`);
        if (request.headers['x-api-key'] !== 'let-me-in') {
          throw new ApiError(401, 'UNAUTHORIZED', 'missing API key', 'Send X-API-Key.', {
            headers: { 'www-authenticate': 'Bearer, ApiKey' },
          });
        }
      },
    });
    try {
      const refused = await guarded.call('GET', '/v1/collections');
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer, ApiKey');
      expectErrorShape(refused.body, 'UNAUTHORIZED');
      expect((await guarded.call('GET', '/health')).status).toBe(200);
      expect((await guarded.call('GET', '/openapi.json')).status).toBe(200);
      const key = { 'x-api-key': 'let-me-in' };
      expect(
        (await guarded.call('POST', '/v1/collections', { name: 'c', dimensions: 2 }, key)).status,
      ).toBe(201);
      expect(
        (await guarded.call('POST', '/collections/c/search', { vector: [1, 0] }, key)).status,
      ).toBe(200);
      expect(seen).toEqual([
        'collections.list list -',
        'collections.manage http -',
        'search search c',
      ]);
    } finally {
      await guarded.close();
    }
  });
});
