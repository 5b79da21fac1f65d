import { join } from 'node:path';

import { slowQueriesLink } from '@needle/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { z } from 'zod';

import { serverConfigSchema } from '../src/config.js';
import { SLOW_QUERY_TRACE_LOG } from '../src/insights/slow-query-store.js';
import type { ServerConfigInput } from '../src/config.js';
import { createServer } from '../src/server/create-server.js';
import type { NeedleServer } from '../src/server/create-server.js';
import { LogCapture, tempDir, waitFor } from './helpers.js';

/** A seeded pseudo-random source (mulberry32), so the data are the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Tight clusters around random centres: hard for a sparse graph searched narrowly. */
function clustered(count: number, dims: number, clusters: number, seed: number): number[][] {
  const rnd = random(seed);
  const centres = Array.from({ length: clusters }, () =>
    Array.from({ length: dims }, () => rnd() * 10),
  );
  return Array.from({ length: count }, (_, i) =>
    centres[i % clusters]!.map((c) => Math.fround(c + (rnd() - 0.5) * 0.5)),
  );
}

/** Ids of the k nearest by euclidean distance, by brute force (ties by id). */
function bruteForce(vectors: number[][], query: number[], k: number, keep = (_i: number) => true) {
  return vectors
    .map((v, i) => ({ id: `v${i}`, i, d: v.reduce((s, x, j) => s + (x - query[j]!) ** 2, 0) }))
    .filter((p) => keep(p.i))
    .sort((a, b) => a.d - b.d || (a.id < b.id ? -1 : 1))
    .slice(0, k)
    .map((p) => p.id);
}

/** One group of `GET /v1/slow-queries`. */
interface Group {
  collection: string;
  shape_id: string;
  shape: unknown;
  count: number;
  p50_ms: number;
  p95_ms: number;
  max_ms: number;
  example_ids: string[];
}

/** The parts of an explanation the assertions read. */
interface Explanation {
  top_dimensions: unknown[];
  profiling: { total_time_us: number };
}

/** The value of one sample of an exposition, e.g. `x{a="b"}`. */
function sample(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return undefined;
}

describe('live recall monitoring and the slow-query store', () => {
  let dir: ReturnType<typeof tempDir>;
  const servers: NeedleServer[] = [];
  beforeEach(() => {
    dir = tempDir('needle-insights-');
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
    dir.remove();
  });

  async function serve(settings: ServerConfigInput = {}) {
    const config = serverConfigSchema.parse({
      port: 0,
      dataDir: join(dir.path, 'data'),
      queryCacheEntries: 0,
      ...settings,
      auth: { mode: 'development', ...settings.auth },
      log: { level: 'warn' },
    });
    const log = new LogCapture();
    const server = await createServer(config, { logStream: log });
    servers.push(server);
    const url = await server.start();
    await server.opened();
    const call = async (
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ) => {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, text, body: JSON.parse(text) as Record<string, unknown> };
    };
    const metrics = async () => (await fetch(`${url}/metrics`)).text();
    return { server, url, call, metrics, log };
  }

  async function load(
    call: Awaited<ReturnType<typeof serve>>['call'],
    name: string,
    vectors: number[][],
    index: Record<string, number> = {},
  ) {
    const created = await call('POST', '/v1/collections', {
      name,
      dimensions: vectors[0]!.length,
      distance: 'euclidean',
      ...index,
    });
    expect(created.status).toBe(201);
    for (let i = 0; i < vectors.length; i += 500) {
      const batch = vectors.slice(i, i + 500).map((vector, j) => ({
        id: `v${i + j}`,
        vector,
        metadata: { lang: (i + j) % 3 === 0 ? 'en' : 'fr', n: i + j },
      }));
      expect(
        (await call('POST', `/v1/collections/${name}/vectors/batch`, { vectors: batch })).status,
      ).toBe(200);
    }
  }

  it('estimates recall@k below 1 on a poor index, equal to recall computed by brute force, and 1 on a tiny collection', async () => {
    const { server, call, metrics } = await serve({
      recall: { sampleRate: 1, window: 10_000, maxCpuShare: 0.5, maxQueue: 1000 },
      slowQuery: { enabled: false },
    });
    const vectors = clustered(3000, 16, 30, 7);
    await load(call, 'poor', vectors, { m: 2, ef_construction: 4, ef_search: 1 });
    const tiny = clustered(20, 16, 2, 8);
    await load(call, 'tiny', tiny);

    const k = 10;
    const queries = clustered(60, 16, 30, 99);
    let found = 0;
    let expected = 0;
    for (const query of queries) {
      const res = await call('POST', '/v1/collections/poor/search', { vector: query, k });
      expect(res.status).toBe(200);
      const truth = new Set(bruteForce(vectors, query, k));
      found += (res.body.results as { id: string }[]).filter((h) => truth.has(h.id)).length;
      expected += truth.size;
    }
    const independent = found / expected;
    expect(independent).toBeLessThan(1);

    for (const query of tiny.slice(0, 10)) {
      expect(
        (await call('POST', '/v1/collections/tiny/search', { vector: query, k: 5 })).status,
      ).toBe(200);
      const filtered = await call('POST', '/v1/collections/tiny/search', {
        vector: query,
        k: 3,
        filter: { lang: 'en' },
      });
      expect(filtered.body.results).toHaveLength(3);
    }

    await waitFor(
      () => (server.insights.recall.estimates().get('tiny')?.samples === 20 ? true : undefined),
      'every sample measured',
    );
    await server.insights.budget.idle();
    const text = await metrics();
    const poor = sample(text, 'needle_search_recall_estimate{collection="poor"}');
    expect(poor).toBeCloseTo(independent, 9);
    expect(sample(text, 'needle_search_recall_samples_total{collection="poor"}')).toBe(60);
    expect(sample(text, 'needle_search_recall_estimate{collection="tiny"}')).toBe(1);
    expect(sample(text, 'needle_search_recall_samples_total{collection="tiny"}')).toBe(20);
    // Known label values start at 0: nothing was dropped.
    expect(
      sample(text, 'needle_search_recall_dropped_total{collection="poor",reason="queue_full"}'),
    ).toBe(0);

    // A dropped collection takes its series with it.
    expect((await call('DELETE', '/v1/collections/tiny')).status).toBe(200);
    const after = await metrics();
    expect(after).not.toMatch(/needle_search_recall_\w+\{collection="tiny"/);
    expect(after).toMatch(/needle_search_latency_seconds_count\{collection="tiny"/);
    expect(sample(after, 'needle_search_recall_estimate{collection="poor"}')).toBeCloseTo(
      independent,
      9,
    );
  });

  it('drops samples beyond the queue, and those whose collection changed, and counts both', async () => {
    const { server, call, metrics } = await serve({
      // A tiny CPU share keeps the one worker resting after each job, so a queue of one fills.
      recall: { sampleRate: 1, maxCpuShare: 0.0001, maxQueue: 1 },
      slowQuery: { enabled: false },
    });
    const vectors = clustered(200, 8, 4, 3);
    await load(call, 'busy', vectors);
    // The first sample is measured at once; the second waits out the rest; the others find
    // the queue full. A write then makes the waiting one incomparable.
    for (const query of vectors.slice(0, 6))
      expect(
        (await call('POST', '/v1/collections/busy/search', { vector: query, k: 5 })).status,
      ).toBe(200);
    expect(
      (await call('POST', '/v1/collections/busy/vectors', { id: 'new', vector: vectors[0] }))
        .status,
    ).toBe(201);
    await server.insights.budget.idle();
    const text = await metrics();
    const measured = sample(text, 'needle_search_recall_samples_total{collection="busy"}') ?? 0;
    const full =
      sample(text, 'needle_search_recall_dropped_total{collection="busy",reason="queue_full"}') ??
      0;
    const changed =
      sample(text, 'needle_search_recall_dropped_total{collection="busy",reason="changed"}') ?? 0;
    expect(measured).toBeGreaterThanOrEqual(1);
    expect(full).toBeGreaterThanOrEqual(1);
    expect(changed).toBe(1);
    expect(measured + full + changed).toBe(6);
  });

  it('records slow searches by shape with count and percentiles, each with its trace, and keeps them across a restart', async () => {
    const settings: ServerConfigInput = {
      recall: { sampleRate: 0 },
      slowQuery: { thresholdMs: 0 },
    };
    let s = await serve(settings);
    const vectors = clustered(300, 8, 5, 11);
    await load(s.call, 'docs', vectors);
    const started = Date.now();
    for (const [i, query] of vectors.slice(0, 4).entries()) {
      const res = await s.call('POST', '/v1/collections/docs/search', { vector: query, k: 5 });
      expect(res.status, String(i)).toBe(200);
    }
    for (const lang of ['en', 'fr', 'en']) {
      await s.call('POST', '/v1/collections/docs/search', {
        vector: vectors[9],
        k: 3,
        filter: { lang, n: { $gte: 10 } },
      });
    }
    const explained = await s.call('POST', '/v1/collections/docs/search', {
      vector: vectors[5],
      k: 5,
      explain: true,
    });
    expect(explained.status).toBe(200);
    await s.server.insights.slowQueries.settled();

    const link = slowQueriesLink({
      collection: 'docs',
      from: started - 1000,
      to: Date.now() + 1000,
    });
    const listed = await s.call('GET', link);
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ collection: 'docs', threshold_ms: 0, total: 8 });
    const groups = listed.body.groups as Group[];
    const byShape = new Map(groups.map((g) => [JSON.stringify(g.shape), g]));
    const plain = byShape.get(
      JSON.stringify({ k: 5, ef_search: null, filter: null, post_filter: null, options: [] }),
    );
    const filtered = byShape.get(
      JSON.stringify({
        k: 3,
        ef_search: null,
        filter: { lang: '?', n: { $gte: '?' } },
        post_filter: null,
        options: ['filter'],
      }),
    );
    const withExplain = byShape.get(
      JSON.stringify({
        k: 5,
        ef_search: null,
        filter: null,
        post_filter: null,
        options: ['explain'],
      }),
    );
    expect([plain?.count, filtered?.count, withExplain?.count]).toEqual([4, 3, 1]);
    const [filteredGroup, explainGroup] = [filtered!, withExplain!];
    expect(groups).toHaveLength(3);
    for (const g of groups) {
      expect(g.collection).toBe('docs');
      expect(g.p50_ms).toBeLessThanOrEqual(g.p95_ms);
      expect(g.p95_ms).toBeLessThanOrEqual(g.max_ms);
      expect(g.example_ids.length).toBe(Math.min(g.count, 5));
    }
    // Vectors and filter values are never stored.
    expect(listed.text).not.toContain(String(vectors[9]![0]));
    expect(listed.text).not.toContain('"en"');

    const rerun = await s.call('GET', `/v1/slow-queries/${filteredGroup.example_ids[0]}`);
    expect(rerun.status).toBe(200);
    expect(rerun.body).toMatchObject({
      collection: 'docs',
      shape_id: filteredGroup.shape_id,
      trace_status: 'ready',
      trace_rerun: true,
      trace: {
        plan: { strategy: expect.any(String) },
        profiling: { requested_k: 3, filter_applied: true },
      },
    });
    expect((rerun.body.trace as Explanation).top_dimensions).toEqual([]);
    const own = await s.call('GET', `/v1/slow-queries/${explainGroup.example_ids[0]}`);
    expect(own.body).toMatchObject({ trace_status: 'ready', trace_rerun: false });
    expect((own.body.trace as Explanation).profiling.total_time_us).toBe(
      (explained.body.explanation as Explanation).profiling.total_time_us,
    );
    expect((await s.metrics()).includes('needle_slow_queries_total{collection="docs"} 8')).toBe(
      true,
    );

    // The console reads the same through tRPC.
    const input = encodeURIComponent(
      JSON.stringify({ collection: 'docs', from: String(started - 1000) }),
    );
    const trpc = await fetch(`${s.url}/trpc/insights.slowQueries?input=${input}`);
    expect(trpc.status).toBe(200);
    const viaTrpc = (await trpc.json()) as { result: { data: { total: number; groups: Group[] } } };
    expect(viaTrpc.result.data.total).toBe(8);
    expect(viaTrpc.result.data.groups.map((g) => g.count).sort()).toEqual([1, 3, 4]);

    // A window before the searches holds none.
    const before = await s.call(
      'GET',
      slowQueriesLink({ from: started - 60_000, to: started - 30_000 }),
    );
    expect(before.body).toMatchObject({ total: 0, groups: [] });

    await s.server.close();
    s = await serve(settings);
    const again = await s.call('GET', link);
    expect(again.body.total).toBe(8);
    expect((again.body.groups as unknown[]).length).toBe(3);
    const kept = await s.call('GET', `/v1/slow-queries/${filteredGroup.example_ids[0]}`);
    expect(kept.body).toEqual(rerun.body);
  });

  it('prunes the store by count and by age, traces with their entries', async () => {
    const { server, call } = await serve({
      recall: { sampleRate: 0 },
      slowQuery: { thresholdMs: 0, maxEntries: 4, maxAgeDays: 1 },
    });
    const vectors = clustered(50, 4, 2, 5);
    await load(call, 'docs', vectors);
    for (const query of vectors.slice(0, 10))
      await call('POST', '/v1/collections/docs/search', { vector: query, k: 2 });
    await server.insights.slowQueries.settled();
    // Pruned as they are recorded: never more than twice the limit between prunes.
    const all = () => server.insights.slowQueries.list({ from: 0, to: Date.now() + 1000 });
    expect(all().length).toBeLessThanOrEqual(8);
    await server.insights.slowQueries.prune();
    const kept = all();
    expect(kept).toHaveLength(4);
    const newest = kept.at(-1)!;
    expect(server.insights.slowQueries.get(newest.id)?.traceStatus).toBe('ready');
    const listed = await call('GET', '/v1/slow-queries?from=0');
    expect(listed.body.total).toBe(4);
    const traces = () =>
      server.database.database().system.log(SLOW_QUERY_TRACE_LOG, z.unknown()).read();
    expect(traces().length).toBeLessThanOrEqual(4);

    // A day and more later, every entry has aged out.
    await server.insights.slowQueries.prune(Date.now() + 2 * 86_400_000);
    expect(all()).toEqual([]);
    expect(traces()).toEqual([]);
    expect((await call('GET', `/v1/slow-queries/${newest.id}`)).status).toBe(404);
  });

  it('lets reader, writer and admin read slow queries, and refuses a role without metrics.read', async () => {
    const operator = { 'x-api-key': 'operator-key-0123456789abcdef' };
    const { call } = await serve({
      auth: { mode: 'enforce', adminApiKey: operator['x-api-key'] },
      slowQuery: { thresholdMs: 0 },
    });
    await load(
      (method, path, body) => call(method, path, body, operator),
      'docs',
      clustered(20, 4, 2, 1),
    );
    expect(
      (
        await call(
          'POST',
          '/v1/admin/roles',
          { name: 'searcher', permissions: ['*:search'] },
          operator,
        )
      ).status,
    ).toBe(201);
    const keyOf = async (role: string) =>
      (await call('POST', '/v1/admin/keys', { name: role, roles: [role] }, operator)).body
        .key as string;
    const searcher = { 'x-api-key': await keyOf('searcher') };
    expect(
      (await call('POST', '/v1/collections/docs/search', { vector: [1, 1, 1, 1], k: 2 }, searcher))
        .status,
    ).toBe(200);
    for (const role of ['reader', 'writer', 'admin']) {
      const key = { 'x-api-key': await keyOf(role) };
      const listed = await waitFor(async () => {
        const res = await call('GET', '/v1/slow-queries?collection=docs', undefined, key);
        return res.body.total === 1 ? res : undefined;
      }, `${role} sees the slow query`);
      expect(listed.status, role).toBe(200);
      const id = (listed.body.groups as Group[])[0]!.example_ids[0]!;
      expect((await call('GET', `/v1/slow-queries/${id}`, undefined, key)).status, role).toBe(200);
    }
    for (const path of ['/v1/slow-queries', '/v1/slow-queries/1', '/slow-queries']) {
      const refused = await call('GET', path, undefined, searcher);
      expect(refused.status, path).toBe(403);
      expect(refused.body).toMatchObject({ code: 'FORBIDDEN' });
    }
    expect((await call('GET', '/v1/slow-queries')).status).toBe(401);
  });

  it('answers bad parameters with 4xx and a body that says what to fix', async () => {
    const { call } = await serve({ slowQuery: { thresholdMs: 0 } });
    const cases: [string, number, string][] = [
      ['/v1/slow-queries?from=yesterday', 400, 'INVALID_INPUT'],
      ['/v1/slow-queries?from=2026-02-30T00:00:00Z', 400, 'INVALID_INPUT'],
      ['/v1/slow-queries?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 400, 'INVALID_INPUT'],
      ['/v1/slow-queries?collection=bad%20name', 400, 'INVALID_INPUT'],
      ['/v1/slow-queries/abc', 400, 'INVALID_INPUT'],
      ['/v1/slow-queries/0', 400, 'INVALID_INPUT'],
      ['/v1/slow-queries/123456', 404, 'SLOW_QUERY_NOT_FOUND'],
    ];
    for (const [path, status, code] of cases) {
      const res = await call('GET', path);
      expect(res.status, path).toBe(status);
      expect(res.body, path).toMatchObject({
        code,
        error: expect.any(String),
        help: expect.any(String),
      });
    }
    const ok = await call('GET', '/v1/slow-queries?from=0&to=1767225600000');
    expect(ok.body).toMatchObject({
      from: '1970-01-01T00:00:00.000Z',
      to: '2026-01-01T00:00:00.000Z',
    });
  });
});
