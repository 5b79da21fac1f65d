// Needle under Debian's real `prometheus` and `prometheus-alertmanager`: Prometheus scrapes a
// server on loopback every second and loads the generated rules (one lowered so it fires in
// seconds); Alertmanager runs the generated example config pointed at a webhook receiver in
// this file. Traffic goes through the REST API. A missing binary fails the file, naming
// scripts/install-system-deps.sh.
import { join } from 'node:path';

import {
  ALERT_RULE_LIST,
  ALERT_RULES,
  DASHBOARDS,
  generateArtefacts,
  overrideRules,
  renderPromQL,
} from '@needle/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { serverConfigSchema } from '../../src/config.js';
import { createServer } from '../../src/server/create-server.js';
import { Cleanups, eventually, LogCapture, tempDir } from '../helpers.js';
import { MonitoringStack } from './monitoring-stack.js';
import { MonitoringApi } from './prometheus-api.js';
import type { InstantSample } from './prometheus-api.js';
import { COLLECTION, Traffic } from './traffic.js';
import { WebhookReceiver } from './webhook-receiver.js';

const ADMIN = 'operator-key-for-prometheus-tests-0123456789';
/** The rule the test drives over its threshold. */
const DRIVEN = ALERT_RULES.searchLatency;
/**
 * Its lowered warning threshold: 0.1 ms, below any measured p99 (the first latency bucket
 * ends at 0.5 ms, and histogram_quantile interpolates within it). The critical threshold and
 * every other rule stay as defined.
 */
const LOWERED_WARNING = 0.0001;
const RULES_FILE = 'grafana/alerts/needle-rules.yml';
const ALERTMANAGER_FILE = 'grafana/alertmanager/alertmanager.example.yml';

/** Whether a sample's value is a number a panel can draw (not NaN, not infinite). */
const finite = (s: InstantSample) => Number.isFinite(Number(s.value[1]));

const cleanups = new Cleanups();
let stack: MonitoringStack;
let api: MonitoringApi;
let receiver: WebhookReceiver;
let traffic: Traffic;

beforeAll(async () => {
  const dir = tempDir('needle-prometheus-');
  cleanups.add(() => dir.remove());

  receiver = new WebhookReceiver();
  await receiver.start();
  cleanups.add(() => receiver.close());

  const server = await createServer(
    serverConfigSchema.parse({
      host: '127.0.0.1',
      port: 0,
      dataDir: join(dir.path, 'data'),
      auth: { adminApiKey: ADMIN },
      log: { level: 'warn' },
      // Every search sampled, so the recall estimate has a value.
      recall: { sampleRate: 1 },
      // A notifier of the server's own alerts, so its delivery counters exist (at 0).
      notifications: {
        notifiers: [{ name: 'ops-hook', kind: 'webhook', url: `${receiver.url}/needle` }],
      },
    }),
    { logStream: new LogCapture(), announce: () => undefined },
  );
  cleanups.add(() => server.close());
  const url = await server.start();
  await server.opened();

  // The files `npm run generate` commits, from the same generator, with the driven rule's
  // warning lowered and its for-duration 0s, and the Alertmanager example pointed at the test's
  // receiver with short waits.
  const files = generateArtefacts(
    overrideRules(ALERT_RULE_LIST, {
      [DRIVEN.name]: { thresholds: { warning: LOWERED_WARNING }, for: '0s' },
    }),
    DASHBOARDS,
    { alertmanager: { receiverUrl: receiver.url, groupWait: '1s', groupInterval: '1s' } },
  );
  stack = await MonitoringStack.start({
    dir: dir.path,
    // /metrics needs no credentials: Prometheus scrapes it as an operator's would.
    scrapeTarget: new URL(url).host,
    rules: files.get(RULES_FILE)!,
    alertmanagerConfig: files.get(ALERTMANAGER_FILE)!,
  });
  cleanups.add(() => stack.stop());
  api = new MonitoringApi(stack.prometheusUrl, stack.alertmanagerUrl);

  traffic = new Traffic(url, ADMIN);
  cleanups.add(() => traffic.stop());
  await traffic.setUp();
  traffic.start({ searches: false });
}, 90_000);

afterAll(() => cleanups.run(), 30_000);

describe('Needle under a real Prometheus and Alertmanager', () => {
  it('is scraped at /metrics without credentials', async () => {
    const target = await eventually(async () => {
      const [t] = await api.targets();
      return t?.health === 'up' ? t : undefined;
    }, 20_000);
    const targets = await api.targets();
    expect(target, `the scrape target: ${JSON.stringify(targets)}`).toBeDefined();
    expect(target!.scrapeUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const up = await api.query('up{job="needle"}');
    expect(up.map((s) => s.value[1])).toEqual(['1']);
  }, 30_000);

  it(`fires ${DRIVEN.name} once searches breach the lowered threshold, through Alertmanager to the webhook`, async () => {
    // Before any search: the collection is scraped and the rules evaluated after that scrape,
    // and the rule has no value, so no alert.
    const scraped = await eventually(async () => {
      const series = await api.query(`needle_vector_count{collection="${COLLECTION}"}`);
      return series.length > 0 ? Date.now() : undefined;
    }, 20_000);
    expect(scraped, 'the collection in Prometheus').toBeDefined();
    const evaluated = await eventually(async () => {
      const at = await api.lastRuleEvaluation('needle');
      return at && at.getTime() > scraped! ? at : undefined;
    }, 20_000);
    expect(evaluated, 'a rule evaluation after the scrape').toBeDefined();
    expect(await api.query(DRIVEN.expression)).toEqual([]);
    expect((await api.alerts()).filter((a) => a.labels.alertname === DRIVEN.name)).toEqual([]);

    traffic.start({ searches: true });

    const firing = await eventually(async () => {
      const alerts = await api.alerts();
      return alerts.find((a) => a.labels.alertname === DRIVEN.name && a.state === 'firing');
    }, 45_000);
    expect(
      firing,
      `${DRIVEN.name} firing in Prometheus; alerts: ${JSON.stringify(await api.alerts())}; traffic: ${String(traffic.failure)}\n${stack.output()}`,
    ).toBeDefined();
    expect(firing!.labels).toEqual({
      alertname: DRIVEN.name,
      severity: 'warning',
      collection: COLLECTION,
    });
    expect(firing!.annotations).toEqual({
      summary: DRIVEN.summary,
      description: `${DRIVEN.description} Fires at > 0.1 ms for 0s.`,
      runbook_url: DRIVEN.runbook,
    });
    expect(Number(firing!.value)).toBeGreaterThan(LOWERED_WARNING);
    // Every other rule keeps its real thresholds and for-durations: none fires on this
    // healthy server (some may be pending, e.g. the disk rule on a full build machine).
    const others = (await api.alerts()).filter(
      (a) => a.state === 'firing' && a.labels.alertname !== DRIVEN.name,
    );
    expect(others).toEqual([]);

    const held = await eventually(async () => {
      const alerts = await api.alertmanagerAlerts();
      return alerts.find((a) => a.labels.alertname === DRIVEN.name);
    }, 30_000);
    expect(
      held,
      `${DRIVEN.name} in Alertmanager: ${JSON.stringify(await api.alertmanagerAlerts())}\n${stack.output()}`,
    ).toBeDefined();
    expect(held!.labels).toMatchObject({
      alertname: DRIVEN.name,
      severity: 'warning',
      collection: COLLECTION,
    });
    expect(held!.status.state).toBe('active');
    expect(held!.receivers.map((r) => r.name)).toEqual(['needle-warning']);

    const delivered = await eventually(
      async () =>
        Promise.resolve(
          receiver.notifications.find((n) =>
            n.alerts.some((a) => a.labels.alertname === DRIVEN.name),
          ),
        ),
      30_000,
    );
    expect(
      delivered,
      `a webhook notification of ${DRIVEN.name}: ${JSON.stringify(receiver.notifications)}\n${stack.output()}`,
    ).toBeDefined();
    expect(delivered).toMatchObject({
      path: '/warning',
      version: '4',
      receiver: 'needle-warning',
      status: 'firing',
      groupLabels: { alertname: DRIVEN.name, collection: COLLECTION },
      commonLabels: { alertname: DRIVEN.name, severity: 'warning', collection: COLLECTION },
      commonAnnotations: { summary: DRIVEN.summary, runbook_url: DRIVEN.runbook },
    });
    const [alert] = delivered!.alerts;
    expect(alert).toMatchObject({
      status: 'firing',
      labels: { alertname: DRIVEN.name, severity: 'warning', collection: COLLECTION },
    });
    expect(traffic.failure).toBeUndefined();
  }, 90_000);

  it('answers every dashboard panel query with data', async () => {
    // Searches on (also when this test runs alone): the "Firing alerts" panel needs the
    // driven alert.
    traffic.start({ searches: true });
    const queries = DASHBOARDS.flatMap((d) =>
      d.panels.flatMap((p) =>
        p.queries.map((q) => ({
          panel: `${d.title} / ${p.title}`,
          // Grafana's "All" of the collection variable.
          expr: renderPromQL(q.query).replaceAll('$collection', '.*'),
        })),
      ),
    );
    let missing: string[] = [];
    await eventually(async () => {
      missing = [];
      for (const q of queries) {
        const series = await api.query(q.expr);
        if (series.length === 0) missing.push(`${q.panel}: no series for ${q.expr}`);
        else if (!series.some(finite)) {
          missing.push(
            `${q.panel}: only ${series.map((s) => s.value[1]).join(', ')} for ${q.expr}`,
          );
        }
      }
      return missing.length === 0 ? true : undefined;
    }, 45_000);
    expect(missing, `panels without data (traffic: ${String(traffic.failure)})`).toEqual([]);
    expect(traffic.failure).toBeUndefined();
  }, 90_000);
});
