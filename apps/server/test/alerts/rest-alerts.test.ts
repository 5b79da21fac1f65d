import { join } from 'node:path';

import type { AlertEvent } from '@needle/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { serverConfigSchema } from '../../src/config.js';
import { createServer } from '../../src/server/create-server.js';
import type { NeedleServer } from '../../src/server/create-server.js';
import { LogCapture, apiCaller, tempDir, waitFor } from '../helpers.js';

const ADMIN = 'operator-key-for-alert-tests-0123456789';
const RULE = 'NeedleMemoryHigh';

type Json = Record<string, unknown>;
interface Alert {
  rule: string;
  severity: string;
  state: 'pending' | 'firing';
  labels: Record<string, string>;
  fingerprint: string;
  value: number;
  threshold: number;
}
interface RuleBody {
  name: string;
  defaults: { warning: number; critical: number };
  thresholds: { warning: number; critical: number };
  override: { updated_by: string } | null;
  for_seconds: number;
  expr: string;
  series: { labels: Json; value: number; states: { warning: string; critical: string } }[];
}
interface History {
  entries: {
    seq: number;
    rule: string;
    severity: string;
    transition: string;
    fingerprint: string;
  }[];
  next: string | null;
}

let dir: ReturnType<typeof tempDir>;
let server: NeedleServer;
let url: string;
let readerKey: string;
const log = new LogCapture();
const events: AlertEvent[] = [];

const call = apiCaller(() => url, ADMIN);

async function start(): Promise<void> {
  server = await createServer(
    serverConfigSchema.parse({
      port: 0,
      dataDir: join(dir.path, 'data'),
      auth: { adminApiKey: ADMIN },
      log: { level: 'warn' },
      alerts: {
        sampleIntervalMs: 100,
        retentionMs: 60_000,
        for: { [RULE]: '2s', NeedleSearchLatencyHigh: '0s' },
      },
      // Every search is a slow query: the evidence of a latency alert.
      slowQuery: { thresholdMs: 0 },
    }),
    { logStream: log, announce: () => undefined },
  );
  server.alerts!.subscribe((event) => events.push(event));
  url = await server.start();
  await server.opened();
}

const memoryRule = async () => {
  const res = await call<{ rules: RuleBody[] }>('GET', '/v1/alerts/rules', undefined, readerKey);
  expect(res.status).toBe(200);
  return res.body.rules.find((r) => r.name === RULE)!;
};

beforeAll(async () => {
  dir = tempDir('needle-rest-alerts-');
  await start();
  const created = await call('POST', '/v1/admin/keys', { name: 'reader', roles: ['reader'] });
  expect(created.status).toBe(201);
  readerKey = created.body.key as string;
});

afterAll(async () => {
  await server.close();
  dir.remove();
});

describe('alerts evaluated in the server', () => {
  it('lists the rules with their defaults, the configured `for` and the value of each label set', async () => {
    const rule = await waitFor(async () => {
      const r = await memoryRule();
      return r.series.length > 0 ? r : undefined;
    }, 'a first evaluation');
    expect(rule).toMatchObject({
      defaults: { warning: 0.8, critical: 0.95 },
      thresholds: { warning: 0.8, critical: 0.95 },
      override: null,
      for_seconds: 2,
      expr: 'max(needle_memory_usage_bytes) / max(needle_memory_limit_bytes)',
    });
    expect(rule.series[0]!.value).toBeGreaterThan(0);
    expect(rule.series[0]!.value).toBeLessThan(0.8);
    expect(rule.series[0]!.states).toEqual({ warning: 'inactive', critical: 'inactive' });
  });

  it('refuses threshold changes to a reader, and bad thresholds with what to fix', async () => {
    const path = `/v1/admin/alerts/rules/${RULE}/thresholds`;
    for (const [method, body] of [
      ['POST', { warning: 0.1 }],
      ['DELETE', undefined],
    ] as const) {
      const res = await call(method, path, body, readerKey);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
    }
    const cases: [unknown, string, number, string][] = [
      [{ warning: 0.99 }, path, 400, 'INVALID_THRESHOLDS'],
      [{ warning: 0.5, critical: 0.4 }, path, 400, 'INVALID_THRESHOLDS'],
      [{ warning: 'high' }, path, 400, 'INVALID_INPUT'],
      [{}, path, 400, 'INVALID_INPUT'],
      [{ warning: 0.5, severity: 'x' }, path, 400, 'INVALID_INPUT'],
      [
        { warning: 0.5 },
        '/v1/admin/alerts/rules/NoSuchRule/thresholds',
        404,
        'ALERT_RULE_NOT_FOUND',
      ],
    ];
    for (const [body, p, status, code] of cases) {
      const res = await call('POST', p, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body).toMatchObject({ code });
      expect(typeof res.body.error).toBe('string');
      expect(typeof res.body.help).toBe('string');
    }
    expect((await memoryRule()).thresholds).toEqual({ warning: 0.8, critical: 0.95 });
  });

  it('goes pending, then firing, when an admin lowers the threshold, and resolves when it is restored', async () => {
    const set = await call(`POST`, `/v1/admin/alerts/rules/${RULE}/thresholds`, {
      warning: 0.000001,
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({
      rule: RULE,
      previous: { warning: 0.8, critical: 0.95 },
      thresholds: { warning: 0.000001, critical: 0.95 },
      overridden: true,
    });
    // In force at once: the change evaluates the rule on the samples already held.
    const pending = await call<{ alerts: Alert[] }>('GET', '/v1/alerts', undefined, readerKey);
    expect(pending.body.alerts.filter((a) => a.rule === RULE)).toEqual([
      expect.objectContaining({
        rule: RULE,
        severity: 'warning',
        state: 'pending',
        threshold: 0.000001,
        labels: { alertname: RULE, severity: 'warning' },
      }),
    ]);
    const firing = await waitFor(
      async () => {
        const res = await call<{ alerts: Alert[] }>('GET', '/v1/alerts', undefined, readerKey);
        return res.body.alerts.find((a) => a.rule === RULE && a.state === 'firing');
      },
      'the alert to fire',
      10_000,
    );
    expect(firing.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(log.lines()).toContainEqual(
      expect.objectContaining({ msg: 'alert firing', alert: RULE, severity: 'warning' }),
    );
    const mine = () => events.filter((e) => e.rule === RULE);
    expect(mine()).toEqual([
      expect.objectContaining({
        status: 'firing',
        rule: RULE,
        severity: 'warning',
        threshold: 0.000001,
        fingerprint: firing.fingerprint,
      }),
    ]);
    expect((await memoryRule()).series[0]!.states).toEqual({
      warning: 'firing',
      critical: 'inactive',
    });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain(`needle_alerts_firing{alertname="${RULE}",severity="warning"} 1`);
    expect(metrics).toContain(`needle_alerts_firing{alertname="${RULE}",severity="critical"} 0`);

    const reset = await call('DELETE', `/v1/admin/alerts/rules/${RULE}/thresholds`);
    expect(reset.status).toBe(200);
    expect(reset.body).toMatchObject({
      previous: { warning: 0.000001 },
      thresholds: { warning: 0.8, critical: 0.95 },
      overridden: false,
    });
    const left = (await call<{ alerts: Alert[] }>('GET', '/v1/alerts')).body.alerts;
    expect(left.filter((a) => a.rule === RULE)).toEqual([]);
    expect(mine()).toHaveLength(2);
    const resolved = mine()[1]!;
    expect(resolved).toMatchObject({ status: 'resolved', fingerprint: firing.fingerprint });
    expect(Date.parse(resolved.endsAt!)).toBeGreaterThanOrEqual(Date.parse(resolved.startsAt));
  });

  it('audits both changes with who made them and the thresholds', async () => {
    const audit = await call<{ entries: { principal: string; detail?: Json }[] }>(
      'GET',
      '/v1/admin/audit?action=alerts.thresholds.set',
    );
    expect(audit.body.entries).toEqual([
      expect.objectContaining({
        principal: 'operator',
        detail: expect.objectContaining({ rule: RULE, warning: 0.000001, previous_warning: 0.8 }),
      }),
    ]);
    const reset = await call<{ entries: { detail?: Json }[] }>(
      'GET',
      '/v1/admin/audit?action=alerts.thresholds.reset',
    );
    expect(reset.body.entries).toEqual([
      expect.objectContaining({ detail: expect.objectContaining({ rule: RULE, warning: 0.8 }) }),
    ]);
  });

  it('charts a rule and a panel query from the ring buffer, and refuses bad ranges', async () => {
    const end = Date.now() / 1000;
    const res = await call<{ series: { labels: Json; values: [number, number | null][] }[] }>(
      'GET',
      `/v1/telemetry/query?query=${RULE}&start=${end - 1}&end=${end}&step=0.2`,
      undefined,
      readerKey,
    );
    expect(res.status).toBe(200);
    expect(res.body.series).toHaveLength(1);
    expect(res.body.series[0]!.values.length).toBeGreaterThanOrEqual(5);
    expect(res.body.series[0]!.values[0]![0]).toBeCloseTo(end - 1, 6);
    for (const [, v] of res.body.series[0]!.values) {
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThan(1);
    }
    const panel = await call<{ query: { expr: string }; series: unknown[] }>(
      'GET',
      `/v1/telemetry/query?query=${encodeURIComponent('needle-overview/ready/0')}`,
      undefined,
      readerKey,
    );
    expect(panel.status).toBe(200);
    expect(panel.body.query.expr).toBe('min(needle_ready)');
    expect(panel.body.series).toEqual([
      { labels: {}, values: expect.arrayContaining([[expect.any(Number), 1]]) },
    ]);
    const listed = await call<{ queries: { id: string }[] }>(
      'GET',
      '/v1/telemetry/queries',
      undefined,
      readerKey,
    );
    expect(listed.body.queries.map((q) => q.id)).toContain('needle-overview/ready/0');
    const bad: [string, number, string][] = [
      ['query=nope', 404, 'QUERY_NOT_FOUND'],
      [`query=${RULE}&start=${end}&end=${end - 60}`, 400, 'INVALID_QUERY_RANGE'],
      [`query=${RULE}&start=0&end=${end}&step=1s`, 400, 'INVALID_QUERY_RANGE'],
      [`query=${RULE}&step=fast`, 400, 'INVALID_INPUT'],
      ['', 400, 'INVALID_INPUT'],
    ];
    for (const [q, status, code] of bad) {
      const r = await call('GET', `/v1/telemetry/query?${q}`, undefined, readerKey);
      expect(r.status, q).toBe(status);
      expect(r.body).toMatchObject({ code });
    }
  });

  it('links a latency alert to the slow queries of its window, with their traces', async () => {
    const LATENCY = 'NeedleSearchLatencyHigh';
    expect((await call('POST', '/v1/collections', { name: 'ev', dimensions: 2 })).status).toBe(201);
    for (let i = 0; i < 20; i++) {
      await call('POST', '/v1/collections/ev/vectors', { id: `v${i}`, vector: [1, i + 1] });
    }
    const lowered = await call('POST', `/v1/admin/alerts/rules/${LATENCY}/thresholds`, {
      warning: 1e-9,
    });
    expect(lowered.status).toBe(200);
    const alert = await waitFor(async () => {
      await call('POST', '/v1/collections/ev/search', { vector: [1, 2], k: 3 });
      const active = await call<{ alerts: (Alert & { evidence: string | null })[] }>(
        'GET',
        '/v1/alerts',
        undefined,
        readerKey,
      );
      return active.body.alerts.find(
        (a) => a.rule === LATENCY && a.labels.collection === 'ev' && a.state === 'firing',
      );
    }, 'the lowered latency alert to fire');
    const evidence = new URL(alert.evidence!, url);
    expect(evidence.pathname).toBe('/v1/slow-queries');
    expect(evidence.searchParams.get('collection')).toBe('ev');
    // The window starts one rate window (5 minutes) before the alert became pending.
    const from = Date.parse(evidence.searchParams.get('from')!);
    const to = Date.parse(evidence.searchParams.get('to')!);
    expect(to - from).toBeGreaterThanOrEqual(5 * 60_000);

    const slow = await call<{
      groups: { collection: string; count: number; example_ids: (string | number)[] }[];
    }>('GET', `${evidence.pathname}${evidence.search}`, undefined, readerKey);
    expect(slow.status).toBe(200);
    const group = slow.body.groups.find((g) => g.collection === 'ev')!;
    expect(group.count).toBeGreaterThan(0);
    const one = await waitFor(async () => {
      const r = await call<{ trace_status: string; trace: unknown }>(
        'GET',
        `/v1/slow-queries/${String(group.example_ids[0])}`,
        undefined,
        readerKey,
      );
      return r.body.trace_status === 'ready' ? r.body : undefined;
    }, 'the slow query trace');
    expect(one.trace).toBeTruthy();

    // Other rules carry no evidence.
    const memory = (
      await call<{ alerts: (Alert & { evidence: string | null })[] }>('GET', '/v1/alerts')
    ).body.alerts.filter((a) => a.rule !== LATENCY);
    for (const a of memory) expect(a.evidence).toBeNull();
    expect((await call('DELETE', `/v1/admin/alerts/rules/${LATENCY}/thresholds`)).status).toBe(200);
  });

  it('keeps the history across a restart, newest first, paged, and an override in force after it', async () => {
    const first = await call<History>(
      'GET',
      `/v1/alerts/history?rule=${RULE}&limit=2`,
      undefined,
      readerKey,
    );
    expect(first.status).toBe(200);
    expect(first.body.entries.map((e) => e.transition)).toEqual(['resolved', 'firing']);
    expect(first.body.next).not.toBeNull();
    const second = await call<History>(
      'GET',
      `/v1/alerts/history?rule=${RULE}&limit=2&cursor=${first.body.next!}`,
      undefined,
      readerKey,
    );
    expect(second.body.entries.map((e) => e.transition)).toEqual(['pending']);
    expect(second.body.next).toBeNull();
    const bad = await call('GET', '/v1/alerts/history?cursor=abc', undefined, readerKey);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('INVALID_CURSOR');

    const set = await call('POST', `/v1/admin/alerts/rules/${RULE}/thresholds`, { critical: 0.97 });
    expect(set.status).toBe(200);
    await server.close();
    await start();

    const after = await call<History>(
      'GET',
      `/v1/alerts/history?rule=${RULE}`,
      undefined,
      readerKey,
    );
    expect(after.body.entries.map((e) => [e.seq, e.transition])).toEqual(
      [...first.body.entries, ...second.body.entries].map((e) => [e.seq, e.transition]),
    );
    const rule = await memoryRule();
    expect(rule.thresholds).toEqual({ warning: 0.8, critical: 0.97 });
    expect(rule.override).toMatchObject({ updated_by: 'operator' });
    // The console's tRPC procedures share the handlers: the reset is refused to a reader,
    // done for the admin, and audited.
    const trpc = (key: string) =>
      fetch(`${url}/trpc/alerts.resetThresholds`, {
        method: 'POST',
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: JSON.stringify({ rule: RULE }),
      });
    expect((await trpc(readerKey)).status).toBe(403);
    const reset = await trpc(ADMIN);
    expect(reset.status).toBe(200);
    expect(await reset.json()).toMatchObject({
      result: { data: { previous: { critical: 0.97 }, overridden: false } },
    });
    expect((await memoryRule()).override).toBeNull();
    const audit = await call<{ entries: { detail?: { rule?: string } }[] }>(
      'GET',
      '/v1/admin/audit?action=alerts.thresholds.reset',
    );
    expect(audit.body.entries.filter((e) => e.detail?.rule === RULE)).toHaveLength(2);
  });
});
