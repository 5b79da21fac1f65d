import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { join } from 'node:path';

import { Database } from '@needle/engine';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { serverConfigSchema } from '../src/config.js';
import type { ServerConfigInput } from '../src/config.js';
import { DATA_FILE_NAME, LOCK_FILE_NAME } from '../src/data-dir.js';
import { createServer } from '../src/server/create-server.js';
import type { NeedleServer } from '../src/server/create-server.js';
import { LogCapture, gatedKey, tempDir, waitFor } from './helpers.js';

/** The value of one sample of an exposition, e.g. `needle_wal_bytes` or `x{a="b"}`. */
function sample(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return undefined;
}

describe('createServer', () => {
  let dir: ReturnType<typeof tempDir>;
  const servers: NeedleServer[] = [];
  const sockets: Socket[] = [];
  beforeEach(() => {
    dir = tempDir('needle-server-');
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    for (const s of servers.splice(0)) await s.close();
    dir.remove();
  });

  const dataDir = () => join(dir.path, 'data');

  async function serve(
    settings: ServerConfigInput = {},
    log = new LogCapture(),
  ): Promise<{ server: NeedleServer; url: string; log: LogCapture }> {
    const config = serverConfigSchema.parse({
      port: 0,
      dataDir: dataDir(),
      ...settings,
      // Access control has its own tests (security.test.ts); here everyone is admin.
      auth: { mode: 'development', ...settings.auth },
      log: { level: 'info', ...settings.log },
    });
    const server = await createServer(config, { logStream: log });
    servers.push(server);
    const url = await server.start();
    return { server, url, log };
  }

  async function json(url: string, init: RequestInit & { body?: string } = {}) {
    const response = await fetch(url, {
      ...init,
      headers: { 'content-type': 'application/json', ...init.headers },
    });
    const text = await response.text();
    return { response, status: response.status, body: JSON.parse(text) as Record<string, unknown> };
  }

  async function seed(records: number): Promise<void> {
    const db = await Database.open(join(dataDir(), DATA_FILE_NAME));
    const docs = await db.createCollection('docs', { dimensions: 4, distance: 'euclidean' });
    await docs.insertMany(
      Array.from({ length: records }, (_, i) => ({
        id: `v${i}`,
        vector: [i, 1, 0, 0],
        metadata: { i },
      })),
    );
    await db.close();
  }

  it('routes a long path parameter: a 256-character collection name and a batched tRPC call of many procedures', async () => {
    const s = await serve();
    await waitFor(
      async () => ((await fetch(`${s.url}/ready`)).status === 200 ? true : undefined),
      'the database to open',
    );
    const name = 'c'.repeat(256);
    const created = await json(`${s.url}/v1/collections`, {
      method: 'POST',
      body: JSON.stringify({ name, dimensions: 2 }),
    });
    expect(created.status).toBe(201);
    expect((await json(`${s.url}/v1/collections/${name}`)).body).toMatchObject({ name });

    // What the console's collection list sends: two procedures per collection, in one call.
    const calls = Array.from({ length: 40 }, (_, i) =>
      i % 2 === 0 ? 'collections.get' : 'collections.indexStatus',
    );
    const input = Object.fromEntries(calls.map((_, i) => [i, { collection: name }]));
    const batch = await fetch(`${s.url}/trpc/${calls.join(',')}?batch=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
    expect(batch.status).toBe(200);
    const answers = (await batch.json()) as { result?: { data?: unknown } }[];
    expect(answers).toHaveLength(40);
    expect(answers[0]?.result?.data).toMatchObject({ name, dimensions: 2 });
  });

  it('answers /health at once and /ready 503 with the reason until the database is open', async () => {
    const key = gatedKey(dir.path);
    const { server, url } = await serve({ database: { encryption: key.encryption } });

    const health = await json(`${url}/health`);
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'healthy' });

    const notReady = await json(`${url}/ready`);
    expect(notReady.status).toBe(503);
    expect(notReady.body).toMatchObject({
      status: 'not_ready',
      reason: 'opening the database',
      code: 'NOT_READY',
    });
    const data = await json(`${url}/collections`);
    expect(data.status).toBe(503);
    expect(data.body).toMatchObject({ code: 'NOT_READY' });
    expect(data.response.headers.get('retry-after')).toBe('1');
    expect(sample(await server.metrics.registry.metrics(), 'needle_ready')).toBe(0);

    key.release();
    await server.opened();
    const ready = await json(`${url}/ready`);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', collections: 0, total_vectors: 0 });
    expect(sample(await server.metrics.registry.metrics(), 'needle_ready')).toBe(1);
  });

  it('holds the data directory: a second server on it fails to start with DATA_DIR_LOCKED', async () => {
    const { server } = await serve();
    await server.opened();
    const second = await createServer(serverConfigSchema.parse({ port: 0, dataDir: dataDir() }), {
      logStream: new LogCapture(),
    });
    await expect(second.start()).rejects.toMatchObject({ code: 'DATA_DIR_LOCKED' });
    await second.close();
    await server.close();
    expect(existsSync(join(dataDir(), LOCK_FILE_NAME))).toBe(false);
  });

  it('rate-limits per client: headers on every response, then 429 naming the limit', async () => {
    const { server, url } = await serve({ rateLimit: { max: 3, windowMs: 60_000 } });
    await server.opened();
    const answers = [
      await fetch(`${url}/health`),
      await fetch(`${url}/no/such/route`),
      await fetch(`${url}/metrics`),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 404, 200]);
    answers.forEach((r, i) => {
      expect(r.headers.get('x-ratelimit-limit')).toBe('3');
      expect(r.headers.get('x-ratelimit-remaining')).toBe(String(2 - i));
      expect(Number(r.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0);
    });

    for (const current of [4, 5]) {
      const refused = await json(`${url}/collections`);
      expect(refused.status).toBe(429);
      const retryAfter = Number(refused.response.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(refused.response.headers.get('x-ratelimit-limit')).toBe('3');
      expect(refused.response.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(refused.body).toMatchObject({
        code: 'RATE_LIMIT_EXCEEDED',
        limit: 'rate',
        scope: 'client',
        current,
        threshold: 3,
        retry_after: retryAfter,
      });
      expect(typeof refused.body.error).toBe('string');
      expect(typeof refused.body.help).toBe('string');
      expect(typeof refused.body.request_id).toBe('string');
    }
    const text = await server.metrics.registry.metrics();
    expect(sample(text, 'needle_limit_rejections_total{limit="rate"}')).toBe(2);
    expect(
      sample(text, 'needle_http_requests_total{method="GET",path="unmatched",status="404"}'),
    ).toBe(1);
  });

  it('refuses a body over the limit with 413 JSON, before reading it whole', async () => {
    const { server, url } = await serve({ maxBodyBytes: 2048 });
    await server.opened();
    const vector = Array.from({ length: 1000 }, (_, i) => i / 1000);
    const refused = await json(`${url}/collections/docs/vectors`, {
      method: 'POST',
      body: JSON.stringify({ id: 'big', vector }),
    });
    expect(refused.status).toBe(413);
    expect(refused.body).toMatchObject({ code: 'BODY_TOO_LARGE', limit: 'body_size' });
    expect(typeof refused.body.request_id).toBe('string');
    const text = await server.metrics.registry.metrics();
    expect(sample(text, 'needle_limit_rejections_total{limit="body_size"}')).toBe(1);
  });

  it('refuses writes above the memory limit and keeps serving reads', async () => {
    await seed(20);
    // Far below any Node process's resident memory: every write is refused.
    const { server, url } = await serve({ memoryLimitBytes: 1024 * 1024 });
    await server.opened();

    const write = await json(`${url}/collections/docs/vectors`, {
      method: 'POST',
      body: JSON.stringify({ id: 'new', vector: [1, 2, 3, 4] }),
    });
    expect(write.status).toBe(503);
    expect(write.body).toMatchObject({
      code: 'MEMORY_LIMIT',
      limit: 'memory',
      scope: 'process',
      threshold: 1024 * 1024,
    });
    expect(write.body.current).toBeGreaterThan(1024 * 1024);

    const search = await json(`${url}/collections/docs/search`, {
      method: 'POST',
      body: JSON.stringify({ vector: [3, 1, 0, 0], k: 2 }),
    });
    expect(search.status).toBe(200);
    expect((search.body.results as { id: string }[]).map((r) => r.id)).toEqual(['v3', 'v2']);
    const get = await json(`${url}/collections/docs/vectors/v7`);
    expect(get.status).toBe(200);
    expect(get.body).toMatchObject({ id: 'v7', metadata: { i: 7 } });

    const text = await server.metrics.registry.metrics();
    expect(sample(text, 'needle_limit_rejections_total{limit="memory"}')).toBe(1);
  });

  it('drops connections over the max-connections limit and counts them', async () => {
    const { server, url } = await serve({ maxConnections: 1 });
    await server.opened();
    const { port } = new URL(url);
    const open = (): Promise<Socket> =>
      new Promise((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => resolve(socket));
        socket.once('error', reject);
        sockets.push(socket);
      });
    const first = await open();
    await waitFor(
      async () =>
        sample(await server.metrics.registry.metrics(), 'needle_http_open_connections') === 1
          ? true
          : undefined,
      'the first connection to be counted',
    );
    const second = await open();
    // Dropped: closed without an answer (an accepted connection would answer the request).
    await new Promise<void>((resolve) => {
      second.once('close', () => resolve());
      second.once('data', () => resolve());
      second.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    });
    expect(second.bytesRead).toBe(0);
    const text = await server.metrics.registry.metrics();
    expect(sample(text, 'needle_limit_rejections_total{limit="connections"}')).toBe(1);

    first.destroy();
    await waitFor(
      async () =>
        sample(await server.metrics.registry.metrics(), 'needle_http_open_connections') === 0
          ? true
          : undefined,
      'the first connection to close',
    );
    const health = await fetch(`${url}/health`, { headers: { connection: 'close' } });
    expect(health.status).toBe(200);
  });

  it('exports the named metrics with values after traffic', async () => {
    const { url } = await serve();
    await waitFor(
      async () => ((await fetch(`${url}/ready`)).status === 200 ? true : undefined),
      'ready',
    );
    const created = await json(`${url}/collections`, {
      method: 'POST',
      body: JSON.stringify({ name: 'docs', dimensions: 3 }),
    });
    expect(created.status).toBe(201);
    for (let i = 0; i < 5; i++) {
      const inserted = await json(`${url}/v1/collections/docs/vectors`, {
        method: 'POST',
        body: JSON.stringify({ id: `d${i}`, vector: [1, i, 2] }),
      });
      expect(inserted.status).toBe(201);
    }
    const searched = await json(`${url}/collections/docs/search`, {
      method: 'POST',
      body: JSON.stringify({ vector: [1, 1, 2], k: 3 }),
    });
    expect(searched.status).toBe(200);
    const missing = await json(`${url}/collections/nope`);
    expect(missing.status).toBe(404);

    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(
      sample(text, 'needle_search_latency_seconds_count{collection="docs",operation="search"}'),
    ).toBe(1);
    expect(sample(text, 'needle_query_throughput{collection="docs",operation="search"}')).toBe(1);
    expect(
      sample(text, 'needle_insert_latency_seconds_count{collection="docs",operation="insert"}'),
    ).toBe(5);
    expect(sample(text, 'needle_vector_count{collection="docs"}')).toBe(5);
    expect(sample(text, 'needle_memory_usage_bytes')).toBeGreaterThan(0);
    expect(text).toMatch(/^needle_error_count\{[^}]*code="COLLECTION_NOT_FOUND"[^}]*\} 1$/m);
    expect(sample(text, 'needle_wal_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'needle_disk_usage_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'needle_fragmentation_ratio{collection="docs"}')).toBe(0);
    expect(sample(text, 'needle_checkpoint_duration_seconds')).toBeGreaterThanOrEqual(0);
    expect(text).toContain('# TYPE needle_query_cache_hits_total counter');
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    // Prefixed and unprefixed calls of one route share one series.
    expect(text).toMatch(
      /^needle_http_requests_total\{method="POST",path="\/collections\/:[a-z]+\/vectors",status="201"\} 5$/m,
    );
    expect(text).toMatch(
      /^needle_http_request_duration_seconds_bucket\{le="0\.001",method="POST",path="\/collections\/:[a-z]+\/search"\} \d+$/m,
    );
    expect(text).toMatch(/^needle_http_requests_in_flight\{method="GET"\} 1$/m);
  });

  it('logs one JSON line per request with its id, and never a key or a vector', async () => {
    const log = new LogCapture();
    const apiKey = 'nk_test_9f8e7d6c5b4a39281706';
    const encryptionKey = 'a'.repeat(63) + 'b';
    const { server, url } = await serve(
      {
        log: { level: 'trace' },
        database: { encryption: { keySource: { type: 'raw', key: encryptionKey } } },
      },
      log,
    );
    await server.opened();
    const secretHeaders = { 'x-api-key': apiKey, authorization: `Bearer ${apiKey}` };
    await json(`${url}/collections`, {
      method: 'POST',
      headers: secretHeaders,
      body: JSON.stringify({ name: 'docs', dimensions: 3 }),
    });
    const inserted = await json(`${url}/collections/docs/vectors`, {
      method: 'POST',
      headers: { ...secretHeaders, 'x-request-id': 'req-insert-1' },
      body: JSON.stringify({
        id: 'doc',
        vector: [0.7392815, 0.1928374, 0.5647382],
        metadata: { owner: 'carol@example.com' },
      }),
    });
    expect(inserted.status).toBe(201);
    // A failing write with a vector: errors are logged too, still without the vector.
    const failed = await json(`${url}/collections/docs/vectors?api_key=${apiKey}`, {
      method: 'POST',
      headers: secretHeaders,
      body: JSON.stringify({ id: 'bad', vector: [0.8819203, 0.2291827] }),
    });
    expect(failed.status).toBe(400);
    await json(`${url}/collections/docs/search`, {
      method: 'POST',
      headers: secretHeaders,
      body: JSON.stringify({ vector: [0.6655443, 0.1, 0.2], k: 1 }),
    });
    await server.close();

    const text = log.all();
    for (const secret of [
      apiKey,
      encryptionKey,
      '7392815',
      '8819203',
      '6655443',
      'carol@example.com',
    ])
      expect(text).not.toContain(secret);
    const lines = log.lines();
    const completed = lines.filter((l) => l.msg === 'request completed');
    expect(completed.length).toBeGreaterThanOrEqual(4);
    const insertLine = completed.find((l) => l.request_id === 'req-insert-1');
    expect(insertLine).toMatchObject({
      level: 30,
      method: 'POST',
      url: '/collections/docs/vectors',
      status: 201,
    });
    expect(typeof insertLine!.duration_ms).toBe('number');
    expect(inserted.response.headers.get('x-request-id')).toBe('req-insert-1');
    const failedLine = completed.find((l) => l.status === 400);
    expect(failedLine!.url).toBe('/collections/docs/vectors?api_key=%5Bredacted%5D');
    expect(lines.some((l) => l.msg === 'listening')).toBe(true);
    expect(lines.at(-1)).toMatchObject({ msg: 'stopped' });
  });

  it('shuts down gracefully: the data is checkpointed, the lock released, and reopens', async () => {
    const { server, url } = await serve();
    await server.opened();
    await json(`${url}/collections`, {
      method: 'POST',
      body: JSON.stringify({ name: 'kept', dimensions: 2 }),
    });
    await json(`${url}/collections/kept/vectors`, {
      method: 'POST',
      body: JSON.stringify({ id: 'a', vector: [1, 2] }),
    });
    await server.close();
    await server.close();
    expect(existsSync(join(dataDir(), LOCK_FILE_NAME))).toBe(false);
    await expect(fetch(`${url}/health`)).rejects.toThrow();

    const again = await serve();
    await again.server.opened();
    expect(again.server.database.database().openReport.collections).toEqual([
      expect.objectContaining({ name: 'kept', index: 'loaded', replayed: 0 }),
    ]);
    const got = await json(`${again.url}/collections/kept/vectors/a`);
    expect(got.body).toMatchObject({ id: 'a', vector: [1, 2] });
  });
});
