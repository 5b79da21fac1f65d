import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { tempDir, waitFor } from '../helpers.js';
import { alertEvent, deliveriesOf, notifier, serviceFixture } from './fixture.js';
import type { ServiceFixture } from './fixture.js';

/** Debian's package name of the binary (scripts/install-system-deps.sh installs it). */
const ALERTMANAGER = process.env.NEEDLE_ALERTMANAGER_BIN ?? 'prometheus-alertmanager';

interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
  fingerprint: string;
  status: { state: string };
}

let dir: ReturnType<typeof tempDir>;
let am: ChildProcess;
let amUrl: string;
let amOutput = '';
let f: ServiceFixture;

/** A port nobody listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function amAlerts(): Promise<AmAlert[]> {
  const res = await fetch(`${amUrl}/api/v2/alerts`);
  expect(res.status).toBe(200);
  return (await res.json()) as AmAlert[];
}

beforeAll(async () => {
  dir = tempDir('needle-alertmanager-');
  const config = join(dir.path, 'alertmanager.yml');
  writeFileSync(config, 'route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n');
  const port = await freePort();
  amUrl = `http://127.0.0.1:${port}`;
  am = spawn(
    ALERTMANAGER,
    [
      `--config.file=${config}`,
      `--storage.path=${join(dir.path, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  am.stdout!.on('data', (c: Buffer) => (amOutput += c.toString()));
  am.stderr!.on('data', (c: Buffer) => (amOutput += c.toString()));
  const spawned = await new Promise<Error | undefined>((resolve) => {
    am.once('error', resolve);
    am.once('spawn', () => resolve(undefined));
  });
  if (spawned) {
    throw new Error(
      `${ALERTMANAGER} could not be started (${spawned.message}): run scripts/install-system-deps.sh as root (Debian package prometheus-alertmanager)`,
    );
  }
  await waitFor(
    async () => {
      if (am.exitCode !== null) throw new Error(`alertmanager exited: ${amOutput}`);
      const ok = await fetch(`${amUrl}/-/ready`).then(
        (r) => r.ok,
        () => false,
      );
      return ok ? true : undefined;
    },
    'alertmanager to be ready',
    30_000,
  );
  f = await serviceFixture();
}, 60_000);

afterAll(async () => {
  await f?.close();
  if (am && am.exitCode === null) {
    const exited = new Promise((r) => am.once('exit', r));
    am.kill('SIGTERM');
    await exited;
  }
  dir?.remove();
});

describe('the alertmanager notifier against a real Alertmanager', () => {
  it('posts a firing alert that Alertmanager lists with its labels and annotations, then resolves it', async () => {
    // A second Alertmanager that is down: delivered once one of them accepts.
    const down = `http://127.0.0.1:${await freePort()}`;
    await f.service.create(
      notifier({ name: 'am', kind: 'alertmanager', urls: [amUrl, down], max_attempts: 2 }),
    );
    const firing = alertEvent({ severity: 'critical', collection: 'docs' });
    f.service.handle(firing);
    const [delivery] = await deliveriesOf(f.service, 1);
    expect(delivery).toMatchObject({ outcome: 'delivered', attempts: 1, http_status: 200 });

    const alert = await waitFor(
      async () => (await amAlerts()).find((a) => a.labels.alertname === 'NeedleSearchLatencyHigh'),
      'the alert in Alertmanager',
    );
    expect(alert.labels).toEqual({
      alertname: 'NeedleSearchLatencyHigh',
      severity: 'critical',
      collection: 'docs',
    });
    expect(alert.annotations).toEqual({
      summary: firing.summary,
      description: firing.description,
      runbook_url:
        'https://git.example.com/needle/blob/main/docs/runbooks/alerts.md#search-latency',
      value: '0.23',
      threshold: '0.1',
    });
    expect(new Date(alert.startsAt).toISOString()).toBe(firing.startsAt);
    expect(alert.generatorURL).toBe(
      'https://needle.example.com/console/alerts/?rule=NeedleSearchLatencyHigh',
    );
    expect(alert.status.state).toBe('active');

    f.service.handle(
      alertEvent({
        severity: 'critical',
        collection: 'docs',
        status: 'resolved',
        endsAt: new Date(Date.now() - 1000).toISOString(),
      }),
    );
    expect((await deliveriesOf(f.service, 2))[0]).toMatchObject({
      status: 'resolved',
      outcome: 'delivered',
    });
    await waitFor(
      async () =>
        (await amAlerts()).some((a) => a.labels.alertname === 'NeedleSearchLatencyHigh')
          ? undefined
          : true,
      'Alertmanager to drop the resolved alert',
    );
  });

  it('sends a test notification that Alertmanager accepts', async () => {
    const record = await f.service.sendTest('am');
    expect(record).toMatchObject({
      outcome: 'delivered',
      test: true,
      rule: 'NeedleTestNotification',
    });
    const test = await waitFor(
      async () => (await amAlerts()).find((a) => a.labels.alertname === 'NeedleTestNotification'),
      'the test alert in Alertmanager',
    );
    expect(test.labels).toMatchObject({ needle_test: 'true', severity: 'warning' });
  });

  it('sends a still-firing alert again each repeat interval, so Alertmanager keeps it active', async () => {
    await f.service.create(
      notifier({
        name: 'am-refresh',
        kind: 'alertmanager',
        urls: [amUrl],
        repeat_interval_ms: 1000,
      }),
    );
    f.service.handle(alertEvent({ collection: 'refreshed' }));
    const find = async () => (await amAlerts()).find((a) => a.labels.collection === 'refreshed');
    const first = await waitFor(find, 'the alert in Alertmanager');
    const repeats = await waitFor(async () => {
      const d = await deliveriesOf(f.service, 1, 'am-refresh');
      return d.length >= 3 ? d : undefined;
    }, 'two refreshes');
    expect(repeats.map((d) => [d.outcome, d.repeat])).toEqual([
      ['delivered', true],
      ['delivered', true],
      ['delivered', false],
    ]);
    // Alertmanager moved the alert's end (now + resolve_timeout) at each refresh.
    const later = await find();
    expect(Date.parse(later!.endsAt)).toBeGreaterThan(Date.parse(first.endsAt));
    // Once resolved, refreshes stop.
    f.service.handle(
      alertEvent({ collection: 'refreshed', status: 'resolved', endsAt: new Date().toISOString() }),
    );
    await waitFor(async () => ((await find()) ? undefined : true), 'the alert to resolve');
    const settled = await waitFor(async () => {
      const d = await deliveriesOf(f.service, 1, 'am-refresh');
      return d[0]!.status === 'resolved' ? d.length : undefined;
    }, 'the resolved delivery in the log');
    await new Promise((r) => setTimeout(r, 1500));
    expect(await deliveriesOf(f.service, 1, 'am-refresh')).toHaveLength(settled);
  });

  it('fails without retrying when Alertmanager refuses the alert as invalid (400)', async () => {
    await f.service.create(
      notifier({ name: 'am-strict', kind: 'alertmanager', urls: [amUrl], max_attempts: 3 }),
    );
    // Alertmanager refuses an alert whose end is before its start.
    f.service.handle(
      alertEvent({
        collection: 'bad',
        status: 'resolved',
        startsAt: '2026-12-01T12:00:00.000Z',
        endsAt: '2026-12-01T11:00:00.000Z',
      }),
    );
    const [delivery] = await deliveriesOf(f.service, 1, 'am-strict');
    expect(delivery).toMatchObject({ outcome: 'failed', attempts: 1, http_status: 400 });
  });
});
