import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';

import { METRICS, METRIC_CATALOGUE } from './catalogue.js';
import { registerMetrics } from './register-metrics.js';

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

describe('metric catalogue', () => {
  it('names each metric once, with valid Prometheus names, labels and help', () => {
    const names = METRIC_CATALOGUE.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
    for (const m of METRIC_CATALOGUE) {
      expect(m.name).toMatch(NAME);
      expect(m.name.startsWith('needle_')).toBe(true);
      expect(m.help.length).toBeGreaterThan(20);
      for (const label of m.labels) expect(label).toMatch(LABEL);
      for (const label of Object.keys(m.labelValues ?? {})) expect(m.labels).toContain(label);
      if (m.type === 'histogram') {
        expect(m.buckets!.length).toBeGreaterThan(3);
        expect([...m.buckets!].sort((a, b) => a - b)).toEqual([...m.buckets!]);
      } else {
        expect(m.buckets).toBeUndefined();
      }
    }
  });

  it("holds the checklist's six metrics with their types", () => {
    const byName = new Map(METRIC_CATALOGUE.map((m) => [m.name, m]));
    expect(byName.get('needle_search_latency_seconds')?.type).toBe('histogram');
    expect(byName.get('needle_insert_latency_seconds')?.type).toBe('histogram');
    expect(byName.get('needle_memory_usage_bytes')?.type).toBe('gauge');
    expect(byName.get('needle_vector_count')?.type).toBe('gauge');
    expect(byName.get('needle_query_throughput')?.type).toBe('counter');
    expect(byName.get('needle_error_count')?.type).toBe('counter');
    expect(byName.get('needle_search_latency_seconds')?.labels).toEqual([
      'collection',
      'operation',
    ]);
    expect(byName.get('needle_vector_count')?.labels).toEqual(['collection']);
  });

  it('keeps the HTTP metrics existing dashboards read, with their labels and buckets', () => {
    expect(METRICS.httpRequests).toMatchObject({
      name: 'needle_http_requests_total',
      type: 'counter',
      labels: ['method', 'path', 'status'],
    });
    expect(METRICS.httpDuration).toMatchObject({
      name: 'needle_http_request_duration_seconds',
      type: 'histogram',
      labels: ['method', 'path'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    });
    expect(METRICS.httpInFlight).toMatchObject({
      name: 'needle_http_requests_in_flight',
      type: 'gauge',
      labels: ['method'],
    });
  });

  it('puts the alert thresholds of search latency on bucket bounds', () => {
    expect(METRICS.searchLatency.buckets).toContain(0.1);
    expect(METRICS.searchLatency.buckets).toContain(0.5);
  });
});

describe('registerMetrics', () => {
  it('registers every metric with its type, help, labels and buckets', async () => {
    const registry = new Registry();
    const metrics = registerMetrics(registry);
    metrics.searchLatency.observe({ collection: 'docs', operation: 'search' }, 0.003);
    metrics.httpRequests.inc({ method: 'GET', path: '/health', status: '200' });
    metrics.limitRejections.inc({ limit: 'rate' });
    const text = await registry.metrics();
    for (const m of METRIC_CATALOGUE) {
      expect(text).toContain(`# TYPE ${m.name} ${m.type}\n`);
      expect(text).toContain(`# HELP ${m.name} `);
    }
    expect(text).toContain(
      'needle_search_latency_seconds_bucket{le="0.005",collection="docs",operation="search"} 1',
    );
    expect(text).toContain(
      'needle_search_latency_seconds_bucket{le="0.0025",collection="docs",operation="search"} 0',
    );
    expect(text).toContain(
      'needle_http_requests_total{method="GET",path="/health",status="200"} 1',
    );
    expect(text).toContain('needle_limit_rejections_total{limit="rate"} 1');
  });

  it('runs collectors when the registry is read', async () => {
    const registry = new Registry();
    let wal = 100;
    registerMetrics(registry, {
      collect: {
        walBytes: (gauge) => gauge.set(wal),
        vectorCount: (gauge) => {
          gauge.reset();
          gauge.set({ collection: 'a' }, 3);
        },
      },
    });
    expect(await registry.metrics()).toContain('needle_wal_bytes 100');
    wal = 4096;
    const text = await registry.metrics();
    expect(text).toContain('needle_wal_bytes 4096');
    expect(text).toContain('needle_vector_count{collection="a"} 3');
  });

  it('registers a partial catalogue', async () => {
    const registry = new Registry();
    const metrics = registerMetrics(registry, { catalogue: { ready: METRICS.ready } });
    metrics.ready.set(1);
    expect(Object.keys(metrics)).toEqual(['ready']);
    expect(await registry.metrics()).toContain('needle_ready 1');
  });
});
