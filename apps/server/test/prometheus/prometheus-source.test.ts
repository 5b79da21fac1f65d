// `GET /v1/telemetry/query?source=prometheus` against Debian's real `prometheus`: Prometheus
// scrapes a Needle server every second and that server is configured with `prometheus.url`
// pointing back at it, so a named query charts from Prometheus with the same series labels as
// from the server's own samples. Servers with no Prometheus, an unreachable one and one that
// answers errors get 4xx / 503 / 502 answers, never a 500. A missing binary fails the file,
// naming scripts/install-system-deps.sh.
import { join } from 'node:path';

import { ALERT_RULE_LIST, DASHBOARDS, generateArtefacts } from '@needle/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ServerConfigInput } from '../../src/config.js';
import { serverConfigSchema } from '../../src/config.js';
import { createServer } from '../../src/server/create-server.js';
import { Cleanups, eventually, LogCapture, tempDir } from '../helpers.js';
import { freePort } from './child-process.js';
import { MonitoringStack } from './monitoring-stack.js';
import { COLLECTION, Traffic } from './traffic.js';

const ADMIN = 'operator-key-for-prometheus-source-tests-0123';
const VECTORS_BY_COLLECTION = 'needle-collections/vectors-by-collection/0';
const QUERY_THROUGHPUT = 'needle-overview/query-throughput/0';
const VECTORS_WRITTEN = 'needle-collections/vectors-written-per-second-by-collection/0';

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

interface RangeBody {
  source: string;
  step_seconds: number;
  series: { labels: Record<string, string>; values: [number, number | null][] }[];
}

const cleanups = new Cleanups();
/** The server Prometheus scrapes, configured with that Prometheus's URL. */
let scraped: string;
let stack: MonitoringStack;
let dataDirs: string;

async function startServer(name: string, extra: Partial<ServerConfigInput>): Promise<string> {
  const server = await createServer(
    serverConfigSchema.parse({
      host: '127.0.0.1',
      port: 0,
      dataDir: join(dataDirs, name),
      auth: { adminApiKey: ADMIN },
      log: { level: 'warn' },
      ...extra,
    }),
    { logStream: new LogCapture(), announce: () => undefined },
  );
  cleanups.add(() => server.close());
  const url = await server.start();
  await server.opened();
  return url;
}

async function get(base: string, path: string): Promise<Answer> {
  const response = await fetch(`${base}${path}`, {
    headers: { 'x-api-key': ADMIN },
    signal: AbortSignal.timeout(30_000),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function rangeQuery(
  base: string,
  params: Record<string, string>,
): Promise<Answer & { range: RangeBody }> {
  return get(base, `/v1/telemetry/query?${new URLSearchParams(params).toString()}`).then((a) => ({
    ...a,
    range: a.body as unknown as RangeBody,
  }));
}

/** The label sets of a range answer's series that have at least one value, sorted. */
function labelSets(range: RangeBody): string[] {
  return range.series
    .filter((s) => s.values.some(([, v]) => v !== null))
    .map((s) => JSON.stringify(Object.entries(s.labels).sort()))
    .sort();
}

beforeAll(async () => {
  const dir = tempDir('needle-prometheus-source-');
  cleanups.add(() => dir.remove());
  dataDirs = dir.path;

  // Prometheus first, scraping the port the server will listen on (a scrape before the server
  // listens just fails); then the server, told where that Prometheus is.
  const port = await freePort();
  const files = generateArtefacts(ALERT_RULE_LIST, DASHBOARDS, {
    alertmanager: { receiverUrl: 'http://127.0.0.1:9/unused' },
  });
  stack = await MonitoringStack.start({
    dir: dir.path,
    scrapeTarget: `127.0.0.1:${String(port)}`,
    rules: files.get('grafana/alerts/needle-rules.yml')!,
    alertmanagerConfig: files.get('grafana/alertmanager/alertmanager.example.yml')!,
  });
  cleanups.add(() => stack.stop());

  scraped = await startServer('scraped', {
    port,
    alerts: { sampleIntervalMs: 1000 },
    prometheus: { url: stack.prometheusUrl },
  });
  const traffic = new Traffic(scraped, ADMIN);
  cleanups.add(() => traffic.stop());
  await traffic.setUp();
  traffic.start({ searches: false });
}, 90_000);

afterAll(() => cleanups.run(), 30_000);

describe('telemetry queries from Prometheus', () => {
  it('offers the prometheus source only where one is configured', async () => {
    const configured = await get(scraped, '/v1/telemetry/queries');
    expect(configured.status).toBe(200);
    expect(configured.body.sources).toEqual(['server', 'prometheus']);
    const alone = await startServer('alone', {});
    expect((await get(alone, '/v1/telemetry/queries')).body.sources).toEqual(['server']);
  });

  it('answers the same named queries with the same series labels as the server', async () => {
    for (const [query, collection] of [
      [VECTORS_BY_COLLECTION, undefined],
      [VECTORS_BY_COLLECTION, COLLECTION],
      [VECTORS_WRITTEN, undefined],
    ] as const) {
      const params = {
        query,
        step: '1s',
        ...(collection === undefined ? {} : { collection }),
      };
      let last: { server: RangeBody; prometheus: RangeBody } | undefined;
      const same = await eventually(async () => {
        const end = String(Date.now() / 1000);
        const start = String(Date.now() / 1000 - 120);
        const server = await rangeQuery(scraped, { ...params, start, end });
        const prometheus = await rangeQuery(scraped, {
          ...params,
          start,
          end,
          source: 'prometheus',
        });
        expect(server.status, JSON.stringify(server.body)).toBe(200);
        expect(prometheus.status, JSON.stringify(prometheus.body)).toBe(200);
        last = { server: server.range, prometheus: prometheus.range };
        const sets = labelSets(prometheus.range);
        return sets.length > 0 && JSON.stringify(sets) === JSON.stringify(labelSets(server.range))
          ? prometheus.range
          : undefined;
      }, 30_000);
      expect(same, `${query}: ${JSON.stringify(last)}\n${stack.output()}`).toBeDefined();
      expect(same!.source).toBe('prometheus');
      expect(same!.step_seconds).toBe(1);
      for (const s of same!.series) {
        for (const [t, v] of s.values) {
          expect(Number.isFinite(t)).toBe(true);
          expect(v === null || Number.isFinite(v)).toBe(true);
        }
      }
      if (query === VECTORS_BY_COLLECTION) {
        expect(same!.series.map((s) => s.labels)).toEqual([{ collection: COLLECTION }]);
        const values = same!.series[0]!.values.map(([, v]) => v).filter((v) => v !== null);
        expect(Math.max(...values)).toBeGreaterThanOrEqual(50);
      }
    }
  }, 60_000);

  it('charts ranges longer than the server keeps, up to 31 days', async () => {
    const end = Date.now() / 1000;
    const month = await rangeQuery(scraped, {
      query: VECTORS_BY_COLLECTION,
      source: 'prometheus',
      start: String(end - 30 * 86_400),
      end: String(end),
      step: '1h',
    });
    expect(month.status, JSON.stringify(month.body)).toBe(200);
    expect(month.range.step_seconds).toBe(3600);
    const tooLong = await rangeQuery(scraped, {
      query: VECTORS_BY_COLLECTION,
      source: 'prometheus',
      start: String(end - 32 * 86_400),
      end: String(end),
      step: '1h',
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.code).toBe('INVALID_QUERY_RANGE');
  });

  it('refuses the prometheus source where none is configured, with a code and help', async () => {
    const alone = await startServer('refused', {});
    const answer = await rangeQuery(alone, { query: QUERY_THROUGHPUT, source: 'prometheus' });
    expect(answer.status).toBe(409);
    expect(answer.body.code).toBe('PROMETHEUS_NOT_CONFIGURED');
    expect(answer.body.help).toMatch(/prometheus\.url/);
    // The server's own samples still answer.
    expect((await rangeQuery(alone, { query: QUERY_THROUGHPUT })).status).toBe(200);
  });

  it('answers 503 when the Prometheus cannot be reached, 502 when it answers an error', async () => {
    const nowhere = await startServer('unreachable', {
      prometheus: { url: `http://127.0.0.1:${String(await freePort())}` },
    });
    const unreachable = await rangeQuery(nowhere, {
      query: QUERY_THROUGHPUT,
      source: 'prometheus',
    });
    expect(unreachable.status).toBe(503);
    expect(unreachable.body.code).toBe('PROMETHEUS_UNAVAILABLE');
    expect(typeof unreachable.body.help).toBe('string');

    // A URL under which Prometheus has no API: it answers 404.
    const wrongPath = await startServer('wrong-path', {
      prometheus: { url: `${stack.prometheusUrl}/not-prometheus` },
    });
    const refused = await rangeQuery(wrongPath, {
      query: QUERY_THROUGHPUT,
      source: 'prometheus',
    });
    expect(refused.status).toBe(502);
    expect(refused.body.code).toBe('PROMETHEUS_QUERY_FAILED');
    expect(refused.body.error).toMatch(/404/);
  });
});
