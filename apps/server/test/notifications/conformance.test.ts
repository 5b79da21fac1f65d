import { afterEach, describe, expect, it } from 'vitest';

import { alertEvent, deliveriesOf, notifier, serviceFixture } from './fixture.js';
import type { ServiceFixture } from './fixture.js';
import { startReceiver } from './receiver.js';
import type { Receiver, Responder } from './receiver.js';

/**
 * The contract every notifier kind keeps, run against each: one JSON POST per event to its
 * receiver, delivered on a 2xx, retried on 5xx and 429, given up on other 4xx, a test
 * notification sent once, and no secret in the delivery log or the server log.
 */
const KINDS = [
  {
    kind: 'webhook',
    secret: 'whsec-conformance-0123456789',
    path: '/hook',
    define: (url: string, secret: string) => ({ url: `${url}/hook`, secret }),
  },
  {
    kind: 'alertmanager',
    secret: 'bearer-conformance-0123456789',
    path: '/api/v2/alerts',
    define: (url: string, secret: string) => ({
      urls: [url],
      auth: { type: 'bearer', token: secret },
    }),
  },
  {
    kind: 'slack',
    secret: 'T0001/B0001/slack-conformance-secret',
    path: '/services/T0001/B0001/slack-conformance-secret',
    define: (url: string, secret: string) => ({ url: `${url}/services/${secret}` }),
  },
] as const;

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe.each(KINDS)('$kind notifier conformance', ({ kind, secret, path, define }) => {
  async function setUp(respond: Responder): Promise<{ f: ServiceFixture; r: Receiver }> {
    const f = await serviceFixture();
    cleanup.push(() => f.close());
    const r = await startReceiver(respond);
    cleanup.push(() => r.close());
    await f.service.create(notifier({ name: 'n', kind, ...define(r.url, secret) }));
    return { f, r };
  }

  it('POSTs JSON to its receiver and retries a 5xx and a 429 until delivered', async () => {
    const { f, r } = await setUp((n) => ({ status: [502, 429, 200][n] ?? 200 }));
    f.service.handle(alertEvent());
    await r.received(3);
    const [delivery] = await deliveriesOf(f.service, 1);
    expect(delivery).toMatchObject({ kind, outcome: 'delivered', attempts: 3, http_status: 200 });
    for (const request of r.requests) {
      expect(request.method).toBe('POST');
      expect(request.path).toBe(path);
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['user-agent']).toBe('needle/9.9.9-test');
      expect(() => request.json()).not.toThrow();
    }
    if (kind === 'alertmanager') {
      expect(r.requests[0]!.headers.authorization).toBe(`Bearer ${secret}`);
    }
  });

  it('gives up at once on a 4xx other than 408 and 429', async () => {
    const { f, r } = await setUp(() => ({ status: 403, body: 'forbidden' }));
    f.service.handle(alertEvent());
    const [delivery] = await deliveriesOf(f.service, 1);
    expect(delivery).toMatchObject({ outcome: 'failed', attempts: 1, http_status: 403 });
    expect(r.requests).toHaveLength(1);
  });

  it('sends a test notification once, even when it fails, and logs it as a test', async () => {
    const { f, r } = await setUp(() => ({ status: 500 }));
    const record = await f.service.sendTest('n');
    expect(record).toMatchObject({
      notifier: 'n',
      test: true,
      outcome: 'failed',
      attempts: 1,
      http_status: 500,
      rule: 'NeedleTestNotification',
    });
    expect(r.requests).toHaveLength(1);
    expect((await deliveriesOf(f.service, 1))[0]).toMatchObject({ seq: record.seq, test: true });
  });

  it('keeps its secret out of the delivery log and the server log', async () => {
    const { f } = await setUp((n) => ({ status: n === 0 ? 500 : 200 }));
    f.service.handle(alertEvent());
    await deliveriesOf(f.service, 1);
    await f.service.sendTest('n');
    const logged = JSON.stringify(f.service.deliveries({ offset: 0, limit: 100 }));
    expect(logged).not.toContain(secret);
    expect(f.log.all()).not.toContain(secret);
  });
});
