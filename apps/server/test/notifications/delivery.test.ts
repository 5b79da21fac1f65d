import { afterEach, describe, expect, it } from 'vitest';

import { SIGNATURE_HEADER } from '../../src/server/notify/webhook-signature.js';
import { alertEvent, deliveriesOf, notifier, serviceFixture } from './fixture.js';
import type { ServiceFixture } from './fixture.js';
import { receiverVerifies, startReceiver } from './receiver.js';
import type { Receiver } from './receiver.js';

const SECRET = 'whsec-0123456789abcdef-needle';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function fixture(settings?: Parameters<typeof serviceFixture>[0]): Promise<ServiceFixture> {
  const f = await serviceFixture(settings);
  cleanup.push(() => f.close());
  return f;
}
async function receiver(respond?: Parameters<typeof startReceiver>[0]): Promise<Receiver> {
  const r = await startReceiver(respond);
  cleanup.push(() => r.close());
  return r;
}

describe('webhook notifier', () => {
  it('POSTs the event as JSON signed with HMAC-SHA256 over the timestamp and body', async () => {
    const { service, log } = await fixture();
    const hook = await receiver();
    await service.create(
      notifier({ name: 'ops', kind: 'webhook', url: `${hook.url}/hook?x=1`, secret: SECRET }),
    );
    const event = alertEvent();
    service.handle(event);
    const [request] = await hook.received(1);
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe('/hook?x=1');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['x-needle-event']).toBe('firing');
    expect(receiverVerifies(SECRET, request!)).toBe(true);
    expect(receiverVerifies('another-secret-0123456789', request!)).toBe(false);
    // A replay of the same request an hour later is refused by the timestamp check.
    expect(receiverVerifies(SECRET, request!, Date.now() + 3_600_000)).toBe(false);
    // A body changed in transit no longer verifies.
    expect(
      receiverVerifies(SECRET, { ...request!, body: request!.body.replace('0.23', '0.01') }),
    ).toBe(false);

    expect(request!.json()).toMatchObject({
      version: '1',
      source: 'needle',
      receiver: 'ops',
      status: 'firing',
      test: false,
      alerts: [
        {
          status: 'firing',
          rule: 'NeedleSearchLatencyHigh',
          severity: 'warning',
          labels: event.labels,
          annotations: {
            summary: event.summary,
            description: event.description,
            runbook_url:
              'https://git.example.com/needle/blob/main/docs/runbooks/alerts.md#search-latency',
          },
          value: 0.23,
          threshold: 0.1,
          startsAt: event.startsAt,
          endsAt: null,
          fingerprint: event.fingerprint,
          generatorURL: 'https://needle.example.com/console/alerts/?rule=NeedleSearchLatencyHigh',
        },
      ],
    });
    const [delivery] = await deliveriesOf(service, 1);
    expect(delivery).toMatchObject({
      notifier: 'ops',
      kind: 'webhook',
      fingerprint: event.fingerprint,
      rule: event.rule,
      status: 'firing',
      outcome: 'delivered',
      attempts: 1,
      http_status: 200,
      error: null,
      test: false,
      repeat: false,
    });
    expect(log.lines().find((l) => l.msg === 'alert notification delivered')).toMatchObject({
      notifier: 'ops',
      outcome: 'delivered',
    });
    expect(log.all()).not.toContain(SECRET);
  });

  it('sends no signature header without a secret', async () => {
    const { service } = await fixture();
    const hook = await receiver();
    await service.create(notifier({ name: 'plain', kind: 'webhook', url: hook.url }));
    service.handle(alertEvent());
    const [request] = await hook.received(1);
    expect(request!.headers[SIGNATURE_HEADER.toLowerCase()]).toBeUndefined();
  });
});

describe('retries', () => {
  it('retries a 500 twice with backoff, then delivers: same delivery id, freshly signed', async () => {
    const { service, outcomes } = await fixture();
    const hook = await receiver((n) => ({ status: n < 2 ? 500 : 200 }));
    await service.create(
      notifier({ name: 'flaky', kind: 'webhook', url: hook.url, secret: SECRET, backoff_ms: 100 }),
    );
    service.handle(alertEvent());
    const requests = await hook.received(3);
    const [delivery] = await deliveriesOf(service, 1);
    expect(delivery).toMatchObject({
      outcome: 'delivered',
      attempts: 3,
      http_status: 200,
      error: null,
    });
    expect(new Set(requests.map((r) => r.headers['x-needle-delivery'])).size).toBe(1);
    for (const r of requests) expect(receiverVerifies(SECRET, r)).toBe(true);
    // Exponential backoff with jitter (random fixed at 0.5): 75 ms, then 150 ms at least.
    expect(requests[1]!.at - requests[0]!.at).toBeGreaterThanOrEqual(70);
    expect(requests[2]!.at - requests[1]!.at).toBeGreaterThanOrEqual(145);
    expect(outcomes).toEqual([{ notifier: 'flaky', outcome: 'delivered' }]);
  });

  it('does not retry a 400, and logs the status and what the receiver said', async () => {
    const { service, outcomes } = await fixture();
    const hook = await receiver(() => ({ status: 400, body: 'invalid_payload' }));
    await service.create(notifier({ name: 'strict', kind: 'webhook', url: hook.url }));
    service.handle(alertEvent());
    const [delivery] = await deliveriesOf(service, 1);
    expect(delivery).toMatchObject({
      outcome: 'failed',
      attempts: 1,
      http_status: 400,
      error: 'HTTP 400: invalid_payload',
    });
    expect(hook.requests).toHaveLength(1);
    expect(outcomes).toEqual([{ notifier: 'strict', outcome: 'failed' }]);
  });

  it('waits as long as a 429 Retry-After asks', async () => {
    const { service } = await fixture();
    const hook = await receiver((n) =>
      n === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 },
    );
    await service.create(notifier({ name: 'limited', kind: 'webhook', url: hook.url }));
    service.handle(alertEvent());
    const requests = await hook.received(2);
    expect(requests[1]!.at - requests[0]!.at).toBeGreaterThanOrEqual(990);
    expect((await deliveriesOf(service, 1))[0]).toMatchObject({
      outcome: 'delivered',
      attempts: 2,
    });
  });

  it('gives up after max_attempts on a receiver that keeps failing, and on a network error', async () => {
    const { service } = await fixture();
    const hook = await receiver(() => ({ status: 503 }));
    const closed = await startReceiver();
    const deadUrl = closed.url;
    await closed.close();
    await service.create(
      notifier({ name: 'down', kind: 'webhook', url: hook.url, max_attempts: 3 }),
    );
    await service.create(
      notifier({ name: 'gone', kind: 'webhook', url: deadUrl, max_attempts: 2 }),
    );
    service.handle(alertEvent());
    const down = await deliveriesOf(service, 1, 'down');
    expect(down[0]).toMatchObject({ outcome: 'failed', attempts: 3, http_status: 503 });
    expect(hook.requests).toHaveLength(3);
    const gone = await deliveriesOf(service, 1, 'gone');
    expect(gone[0]).toMatchObject({ outcome: 'failed', attempts: 2, http_status: null });
    expect(gone[0]!.error).toMatch(/ECONNREFUSED/);
  });

  it('times out an attempt that gets no answer and retries it', async () => {
    const { service } = await fixture();
    let first = true;
    const { createServer } = await import('node:http');
    const slow = createServer((_req, res) => {
      if (first) {
        first = false;
        return; // never answers
      }
      res.end('ok');
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    cleanup.push(
      () =>
        new Promise<void>((r) => {
          slow.closeAllConnections();
          slow.close(() => r());
        }),
    );
    const port = (slow.address() as { port: number }).port;
    await service.create(
      notifier({
        name: 'slow',
        kind: 'webhook',
        url: `http://127.0.0.1:${port}/`,
        timeout_ms: 200,
      }),
    );
    service.handle(alertEvent());
    const [delivery] = await deliveriesOf(service, 1);
    expect(delivery).toMatchObject({ outcome: 'delivered', attempts: 2 });
  });
});

describe('deduplication', () => {
  it('delivers a firing and a resolved event once each, in order', async () => {
    const { service, outcomes } = await fixture();
    const hook = await receiver();
    await service.create(notifier({ name: 'ops', kind: 'webhook', url: hook.url }));
    const firing = alertEvent();
    const resolved = alertEvent({ status: 'resolved', endsAt: '2026-12-01T10:20:00.000Z' });
    service.handle(firing);
    service.handle(firing);
    service.handle(resolved);
    service.handle(resolved);
    await deliveriesOf(service, 2);
    service.handle(resolved);
    service.handle(firing);
    await deliveriesOf(service, 3);
    await new Promise((r) => setTimeout(r, 100));
    expect(hook.requests.map((r) => r.json<{ status: string }>().status)).toEqual([
      'firing',
      'resolved',
      'firing',
    ]);
    expect(outcomes.filter((o) => o.outcome === 'deduplicated')).toHaveLength(3);
    expect(hook.requests[1]!.json<{ alerts: { endsAt: string }[] }>().alerts[0]!.endsAt).toBe(
      '2026-12-01T10:20:00.000Z',
    );
  });

  it('repeats a still-firing alert sent again after the repeat interval', async () => {
    const { service } = await fixture();
    const hook = await receiver();
    await service.create(
      notifier({ name: 'ops', kind: 'webhook', url: hook.url, repeat_interval_ms: 300 }),
    );
    const firing = alertEvent();
    service.handle(firing);
    await hook.received(1);
    service.handle(firing);
    await new Promise((r) => setTimeout(r, 350));
    service.handle(firing);
    await hook.received(2);
    const deliveries = await deliveriesOf(service, 2);
    expect(deliveries.map((d) => d.repeat)).toEqual([true, false]);
    expect(hook.requests).toHaveLength(2);
  });

  it('tries a firing alert that an Alertmanager refused again at the repeat interval only', async () => {
    const { service } = await fixture();
    const am = await receiver(() => ({ status: 500 }));
    await service.create(
      notifier({
        name: 'am',
        kind: 'alertmanager',
        urls: [am.url],
        max_attempts: 1,
        repeat_interval_ms: 1000,
      }),
    );
    service.handle(alertEvent());
    await am.received(1);
    // The refresh check runs every 50 ms here; a failed alert waits for the repeat interval.
    await new Promise((r) => setTimeout(r, 500));
    expect(am.requests).toHaveLength(1);
    const requests = await am.received(2);
    expect(requests[1]!.at - requests[0]!.at).toBeGreaterThanOrEqual(950);
    const deliveries = await deliveriesOf(service, 2);
    expect(deliveries.map((d) => [d.outcome, d.repeat])).toEqual([
      ['failed', false],
      ['failed', false],
    ]);
  });

  it('remembers what was delivered across a restart (from the delivery log)', async () => {
    const f = await fixture();
    const hook = await receiver();
    await f.service.create(notifier({ name: 'ops', kind: 'webhook', url: hook.url }));
    f.service.handle(alertEvent());
    await deliveriesOf(f.service, 1);
    const { NotificationService } = await import('../../src/server/notify/notification-service.js');
    const outcomes: string[] = [];
    const again = new NotificationService({
      database: () => f.db,
      settings: {
        externalUrl: undefined,
        runbookBaseUrl: undefined,
        deliveryLog: { maxAgeDays: 0, maxEntries: 0 },
        stopGraceMs: 1000,
        seeds: [],
        refreshCheckMs: 60_000,
      },
      logger: (await import('pino')).pino({ level: 'silent' }),
      version: 'test',
      onOutcome: (_n, o) => outcomes.push(o),
    });
    await again.open(f.db);
    again.handle(alertEvent());
    again.handle(alertEvent({ status: 'resolved', endsAt: '2026-12-01T11:00:00.000Z' }));
    await again.stop();
    expect(outcomes).toEqual(['deduplicated', 'delivered']);
    expect(hook.requests.map((r) => r.json<{ status: string }>().status)).toEqual([
      'firing',
      'resolved',
    ]);
  });
});

describe('routing', () => {
  it('skips disabled notifiers, resolved events where send_resolved is off, and lower severities', async () => {
    const { service } = await fixture();
    const all = await receiver();
    const critical = await receiver();
    const off = await receiver();
    await service.create(notifier({ name: 'all', kind: 'webhook', url: all.url }));
    await service.create(
      notifier({
        name: 'critical-only',
        kind: 'webhook',
        url: critical.url,
        min_severity: 'critical',
        send_resolved: false,
      }),
    );
    await service.create(notifier({ name: 'off', kind: 'webhook', url: off.url, enabled: false }));
    service.handle(alertEvent({ severity: 'warning' }));
    service.handle(alertEvent({ severity: 'critical' }));
    service.handle(
      alertEvent({ severity: 'critical', status: 'resolved', endsAt: '2026-12-01T11:00:00.000Z' }),
    );
    await all.received(3);
    await critical.received(1);
    await deliveriesOf(service, 4);
    expect(
      critical.requests.map(
        (r) => r.json<{ alerts: { severity: string; status: string }[] }>().alerts[0],
      ),
    ).toEqual([expect.objectContaining({ severity: 'critical', status: 'firing' })]);
    expect(off.requests).toHaveLength(0);
  });
});

describe('slack notifier', () => {
  it('posts text and a coloured attachment of blocks: red when critical, amber when warning, green resolved', async () => {
    const { service, log } = await fixture();
    const slack = await receiver();
    await service.create(
      notifier({
        name: 'chat',
        kind: 'slack',
        url: `${slack.url}/services/T000/B000/XXXXSECRET`,
        channel: '#alerts',
      }),
    );
    service.handle(alertEvent({ severity: 'critical' }));
    service.handle(alertEvent({ severity: 'warning', collection: 'logs' }));
    service.handle(
      alertEvent({ severity: 'critical', status: 'resolved', endsAt: '2026-12-01T11:00:00.000Z' }),
    );
    const requests = await slack.received(3);
    type Slack = {
      text: string;
      channel: string;
      attachments: {
        color: string;
        fallback: string;
        blocks: {
          type: string;
          text?: { type: string; text: string };
          fields?: { text: string }[];
        }[];
      }[];
    };
    const bodies = requests.map((r) => r.json<Slack>());
    expect(requests[0]!.path).toBe('/services/T000/B000/XXXXSECRET');
    expect(bodies.map((b) => b.attachments[0]!.color)).toEqual(['#e01e5a', '#ecb22e', '#2eb67d']);
    expect(bodies[0]!.text).toBe('[FIRING] Search latency p99 is high (critical)');
    expect(bodies[2]!.text).toBe('[RESOLVED] Search latency p99 is high (critical)');
    expect(bodies[0]!.channel).toBe('#alerts');
    const blocks = bodies[1]!.attachments[0]!.blocks;
    expect(blocks[0]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: '*[FIRING] Search latency p99 is high (warning)*' },
    });
    expect(blocks.map((b) => b.type)).toEqual(['section', 'section', 'section', 'context']);
    expect(blocks[2]!.fields!.map((f) => f.text)).toEqual(
      expect.arrayContaining(['*Value / threshold*\n0.23 / 0.1', '*Labels*\ncollection=logs']),
    );
    // The URL is the secret: the log names the host only.
    const deliveries = await deliveriesOf(service, 3);
    expect(JSON.stringify(deliveries)).not.toContain('XXXXSECRET');
    expect(log.all()).not.toContain('XXXXSECRET');
  });
});

describe('shutdown', () => {
  it('abandons deliveries still retrying after the grace period, and logs them', async () => {
    const { service, outcomes } = await fixture({ stopGraceMs: 100 });
    const hook = await receiver(() => ({ status: 500 }));
    await service.create(
      notifier({
        name: 'down',
        kind: 'webhook',
        url: hook.url,
        backoff_ms: 60_000,
        max_backoff_ms: 60_000,
      }),
    );
    service.handle(alertEvent());
    service.handle(alertEvent({ collection: 'other' }));
    await hook.received(1);
    await service.stop();
    const deliveries = await deliveriesOf(service, 2);
    expect(deliveries.map((d) => [d.outcome, d.attempts])).toEqual([
      ['abandoned', 0],
      ['abandoned', 1],
    ]);
    expect(outcomes.map((o) => o.outcome)).toEqual(['abandoned', 'abandoned']);
    // After stop, events are refused without a delivery.
    service.handle(alertEvent({ collection: 'late' }));
    expect(service.pending).toBe(0);
  });

  it('waits for a delivery under way to finish within the grace period', async () => {
    const { service } = await fixture({ stopGraceMs: 5000 });
    const hook = await receiver((n) => ({ status: n === 0 ? 500 : 200 }));
    await service.create(
      notifier({ name: 'ops', kind: 'webhook', url: hook.url, backoff_ms: 200 }),
    );
    service.handle(alertEvent());
    await hook.received(1);
    await service.stop();
    const [delivery] = await deliveriesOf(service, 1);
    expect(delivery).toMatchObject({ outcome: 'delivered', attempts: 2 });
  });
});

describe('delivery log', () => {
  it('pages newest first, filters, and is pruned by count', async () => {
    const { service, db } = await fixture({ deliveryLog: { maxAgeDays: 30, maxEntries: 3 } });
    const hook = await receiver((_n, r) => ({ status: r.body.includes('"c4"') ? 400 : 200 }));
    await service.create(notifier({ name: 'ops', kind: 'webhook', url: hook.url }));
    for (let i = 0; i < 6; i++) service.handle(alertEvent({ collection: `c${i}` }));
    await deliveriesOf(service, 6);
    const page1 = service.deliveries({ offset: 0, limit: 2 });
    const page2 = service.deliveries({ offset: 2, limit: 2 });
    const last = service.deliveries({ offset: 4, limit: 2 });
    expect(page1.hasMore).toBe(true);
    expect(last.hasMore).toBe(false);
    const seqs = [...page1.deliveries, ...page2.deliveries, ...last.deliveries].map((d) => d.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(service.deliveries({ offset: 0, limit: 10, outcome: 'failed' }).deliveries).toHaveLength(
      1,
    );
    expect(
      service.deliveries({ offset: 0, limit: 10, notifier: 'nobody' }).deliveries,
    ).toHaveLength(0);
    // Opening again (a restart) prunes to the newest 3.
    await service.open(db);
    const kept = service.deliveries({ offset: 0, limit: 10 }).deliveries;
    expect(kept.map((d) => d.seq)).toEqual(seqs.slice(0, 3));
  });
});
