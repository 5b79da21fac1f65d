import { ALERT_RULES, SampleRing, durationMs } from '@needle/telemetry';
import type { AlertEvent, AlertRuleDefinition, Sample } from '@needle/telemetry';
import { describe, expect, it } from 'vitest';

import { AlertEvaluator, alertFingerprint } from './alert-evaluator.js';
import type { AlertTransition } from './alert-evaluator.js';
import { checkThresholds } from './alert-thresholds.js';

const T0 = 1_700_000_000_000;
const S = 1000;
const wal = ALERT_RULES.walLag; // max(needle_wal_bytes) > 100 MiB / 1 GiB, for 10m
const latency = ALERT_RULES.searchLatency; // per collection

function setup(rules: AlertRuleDefinition[], forMs = 10 * S) {
  const ring = new SampleRing({ capacity: 1000, maxSeries: 1000 });
  const transitions: AlertTransition[] = [];
  const events: AlertEvent[] = [];
  const thresholds = new Map<string, { warning: number; critical: number }>();
  const evaluator = new AlertEvaluator({
    rules,
    source: ring,
    thresholds: (r) => thresholds.get(r.name) ?? r.thresholds,
    forMs: () => forMs,
    onTransition: (t) => transitions.push(...t),
  });
  evaluator.subscribe((e) => events.push(e));
  const at = (seconds: number, samples: Sample[]) => {
    ring.append(T0 + seconds * S, samples);
    return evaluator.evaluate(T0 + seconds * S).map((t) => `${t.alert.severity}:${t.to}`);
  };
  return { ring, evaluator, transitions, events, thresholds, at };
}

const walBytes = (value: number): Sample[] => [{ name: 'needle_wal_bytes', labels: {}, value }];

describe('AlertEvaluator', () => {
  it('goes inactive → pending → firing after `for` → resolved, per severity', () => {
    const { at, events, evaluator } = setup([wal]);
    expect(at(0, walBytes(1))).toEqual([]);
    expect(at(5, walBytes(200 * 1024 * 1024))).toEqual(['warning:pending']);
    expect(at(10, walBytes(200 * 1024 * 1024))).toEqual([]);
    expect(evaluator.active().map((a) => a.state)).toEqual(['pending']);
    expect(at(15, walBytes(2 * 1024 ** 3))).toEqual(['warning:firing', 'critical:pending']);
    expect(at(25, walBytes(2 * 1024 ** 3))).toEqual(['critical:firing']);
    expect(at(30, walBytes(200 * 1024 * 1024))).toEqual(['critical:resolved']);
    expect(at(35, walBytes(1))).toEqual(['warning:resolved']);
    expect(evaluator.active()).toEqual([]);
    expect(events.map((e) => `${e.severity}:${e.status}`)).toEqual([
      'warning:firing',
      'critical:firing',
      'critical:resolved',
      'warning:resolved',
    ]);
    const [firing, , , resolved] = events;
    expect(firing).toMatchObject({
      rule: 'NeedleWalLagHigh',
      labels: { alertname: 'NeedleWalLagHigh', severity: 'warning' },
      value: 2 * 1024 ** 3,
      threshold: 100 * 1024 * 1024,
      summary: wal.summary,
      runbook: wal.runbook,
      startsAt: new Date(T0 + 15 * S).toISOString(),
    });
    expect(firing!.endsAt).toBeUndefined();
    expect(resolved).toMatchObject({
      fingerprint: firing!.fingerprint,
      startsAt: firing!.startsAt,
      endsAt: new Date(T0 + 35 * S).toISOString(),
      value: 1,
    });
  });

  it('forgets a pending alert whose breach ends before `for` (never announced)', () => {
    const { at, events, transitions } = setup([wal]);
    expect(at(0, walBytes(200 * 1024 * 1024))).toEqual(['warning:pending']);
    expect(at(5, walBytes(1))).toEqual(['warning:inactive']);
    expect(events).toEqual([]);
    expect(transitions.map((t) => t.to)).toEqual(['pending', 'inactive']);
  });

  it('fires at once with a `for` of 0', () => {
    const { at } = setup([wal], 0);
    expect(at(0, walBytes(200 * 1024 * 1024))).toEqual(['warning:pending', 'warning:firing']);
  });

  it('keeps one alert per label set, and resolves it when its series goes away', () => {
    const { at, events } = setup([latency], 0);
    const buckets = (collection: string, total: number, fast: number): Sample[] =>
      [0.1, 0.5, 1, '+Inf'].map((le) => ({
        name: 'needle_search_latency_seconds_bucket',
        labels: { collection, operation: 'search', le: String(le) },
        value: le === 0.1 || le === 0.5 ? fast : total,
      }));
    at(0, [...buckets('docs', 0, 0), ...buckets('logs', 0, 0)]);
    // docs: every search between 0.5 and 1 s (p99 ≈ 0.995 s); logs: every one under 0.1 s.
    expect(at(5, [...buckets('docs', 100, 0), ...buckets('logs', 100, 100)])).toEqual([
      'warning:pending',
      'warning:firing',
      'critical:pending',
      'critical:firing',
    ]);
    expect(events.map((e) => e.labels)).toEqual([
      { alertname: 'NeedleSearchLatencyHigh', severity: 'warning', collection: 'docs' },
      { alertname: 'NeedleSearchLatencyHigh', severity: 'critical', collection: 'docs' },
    ]);
    // As in Prometheus, rate() still sees a series that went away until its samples leave the
    // 5-minute window.
    expect(at(10, buckets('logs', 200, 200))).toEqual([]);
    expect(at(400, buckets('logs', 300, 300))).toEqual(['warning:resolved', 'critical:resolved']);
  });

  it('judges against thresholds changed at run time', () => {
    const { at, thresholds } = setup([wal], 0);
    expect(at(0, walBytes(1000))).toEqual([]);
    thresholds.set(wal.name, { warning: 500, critical: 5000 });
    expect(at(5, walBytes(1000))).toEqual(['warning:pending', 'warning:firing']);
    thresholds.delete(wal.name);
    expect(at(10, walBytes(1000))).toEqual(['warning:resolved']);
  });

  it('takes back alerts firing before a restart without announcing them again', () => {
    const { at, evaluator, events } = setup([wal], 0);
    const labels = { alertname: wal.name, severity: 'warning' };
    evaluator.restoreFiring([
      {
        rule: wal.name,
        severity: 'warning',
        labels,
        value: 1,
        threshold: 1,
        activeAt: T0 - 60 * S,
        firingSince: T0 - 30 * S,
      },
    ]);
    expect(at(0, walBytes(200 * 1024 * 1024))).toEqual([]);
    expect(at(5, walBytes(1))).toEqual(['warning:resolved']);
    expect(events).toEqual([
      expect.objectContaining({
        status: 'resolved',
        fingerprint: alertFingerprint(labels),
        startsAt: new Date(T0 - 30 * S).toISOString(),
      }),
    ]);
  });

  it('keeps evaluating when a listener throws, and stops calling an unsubscribed one', () => {
    const ring = new SampleRing({ capacity: 10, maxSeries: 10 });
    const errors: unknown[] = [];
    const heard: string[] = [];
    const evaluator = new AlertEvaluator({
      rules: [wal],
      source: ring,
      thresholds: (r) => r.thresholds,
      forMs: () => 0,
      onError: (err) => errors.push(err),
    });
    evaluator.subscribe(() => {
      throw new Error('listener broke');
    });
    const stop = evaluator.subscribe((e) => heard.push(e.status));
    ring.append(T0, walBytes(200 * 1024 * 1024));
    evaluator.evaluate(T0);
    stop();
    ring.append(T0 + S, walBytes(1));
    evaluator.evaluate(T0 + S);
    expect(heard).toEqual(['firing']);
    expect(errors).toHaveLength(2);
  });

  it('fingerprints labels stably, whatever their order', () => {
    const a = alertFingerprint({ alertname: 'X', severity: 'warning', collection: 'docs' });
    expect(a).toBe(alertFingerprint({ collection: 'docs', severity: 'warning', alertname: 'X' }));
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(a).not.toBe(
      alertFingerprint({ alertname: 'X', severity: 'critical', collection: 'docs' }),
    );
  });
});

describe('checkThresholds', () => {
  const below: AlertRuleDefinition = {
    ...wal,
    comparison: '<',
    thresholds: { warning: 10, critical: 5 },
  };

  it('wants the warning less severe than the critical threshold for either comparison', () => {
    expect(() => checkThresholds(wal, { warning: 1, critical: 2 })).not.toThrow();
    expect(() => checkThresholds(wal, { warning: 2, critical: 2 })).toThrow(/must be below/);
    expect(() => checkThresholds(below, { warning: 10, critical: 5 })).not.toThrow();
    expect(() => checkThresholds(below, { warning: 5, critical: 10 })).toThrow(/must be above/);
    expect(() => checkThresholds(wal, { warning: Number.NaN, critical: 2 })).toThrow(/finite/);
    expect(() => checkThresholds(wal, { warning: 3, critical: 2 })).toThrow(
      expect.objectContaining({ status: 400, code: 'INVALID_THRESHOLDS' }),
    );
    expect(durationMs(wal.for)).toBe(600_000);
  });
});
