import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { allRoutes } from '@needle/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { serverConfigSchema } from '../../src/config.js';
import { createServer } from '../../src/server/create-server.js';
import type { NeedleServer } from '../../src/server/create-server.js';
import { LogCapture, apiCaller, tempDir, waitFor } from '../helpers.js';
import { alertEvent } from './fixture.js';
import { receiverVerifies, startReceiver } from './receiver.js';
import type { Receiver } from './receiver.js';

const ADMIN = 'operator-key-for-notifier-tests-0123456789';
const SECRET = 'whsec-rest-0123456789abcdef';
const SEED_SECRET = 'whsec-seeded-from-a-file-0123456789';
const SLACK_PATH = '/services/TREST/BREST/slack-rest-secret-path';

type Json = Record<string, unknown>;
interface Delivery {
  seq: number;
  notifier: string;
  test: boolean;
  rule: string;
  severity: string;
}
type Deliveries = { deliveries: Delivery[]; pagination: unknown };
type Audit = { entries: { detail: unknown }[] };

let dir: ReturnType<typeof tempDir>;
let server: NeedleServer;
let url: string;
let log: LogCapture;
let hook: Receiver;
let failing: Receiver;
const keys: Record<string, string> = {};

const call = apiCaller(() => url, ADMIN);

beforeAll(async () => {
  dir = tempDir('needle-rest-notifiers-');
  hook = await startReceiver();
  failing = await startReceiver(() => ({ status: 400, body: 'no such hook' }));
  const secretFile = join(dir.path, 'seed-secret');
  writeFileSync(secretFile, `${SEED_SECRET}\n`);
  log = new LogCapture();
  server = await createServer(
    serverConfigSchema.parse({
      port: 0,
      dataDir: join(dir.path, 'data'),
      auth: { adminApiKey: ADMIN },
      log: { level: 'info' },
      notifications: {
        externalUrl: 'https://needle.example.com',
        notifiers: [
          {
            name: 'seeded',
            kind: 'webhook',
            url: `${hook.url}/seeded`,
            secret: { file: secretFile },
            backoff_ms: 10,
          },
        ],
      },
    }),
    { logStream: log, announce: () => undefined },
  );
  url = await server.start();
  await server.opened();
  for (const role of ['reader', 'writer']) {
    const created = await call('POST', '/v1/admin/keys', { name: role, roles: [role] });
    expect(created.status).toBe(201);
    keys[role] = created.body.key as string;
  }
});

afterAll(async () => {
  await server?.close();
  await hook?.close();
  await failing?.close();
  dir?.remove();
});

describe('notifier routes', () => {
  it('refuse reader and writer keys on every route with 403', async () => {
    const routes = allRoutes.filter(
      (r) => r.action === 'alerts.manage' && r.path.includes('/notif'),
    );
    expect(routes.map((r) => r.id).sort()).toEqual([
      'createNotifier',
      'deleteNotifier',
      'getNotifier',
      'listNotifiers',
      'notifierDeliveries',
      'testNotifier',
      'updateNotifier',
    ]);
    for (const role of ['reader', 'writer']) {
      for (const route of routes) {
        const res = await call(
          route.method,
          `/v1${route.path.replace(':name', 'seeded')}`,
          route.method === 'POST' ? {} : undefined,
          keys[role],
        );
        expect(res.status, `${role} ${route.id}`).toBe(403);
        expect(res.body.code).toBe('FORBIDDEN');
      }
    }
    expect(hook.requests).toHaveLength(0);
  });

  it('list the notifier seeded from the config file, its secret masked', async () => {
    const res = await call('GET', '/v1/admin/notifiers');
    expect(res.status).toBe(200);
    expect(res.body.notifiers).toEqual([
      expect.objectContaining({
        name: 'seeded',
        kind: 'webhook',
        url: `${hook.url}/seeded`,
        secret: 'set',
        source: 'config',
        enabled: true,
        max_attempts: 5,
        backoff_ms: 10,
      }),
    ]);
    expect(res.text).not.toContain(SEED_SECRET);
  });

  it('create a webhook notifier, answer it with the secret masked, and audit it', async () => {
    const res = await call('POST', '/v1/admin/notifiers', {
      name: 'ops',
      kind: 'webhook',
      url: `${hook.url}/ops`,
      secret: SECRET,
      backoff_ms: 10,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'ops', kind: 'webhook', secret: 'set', source: 'api' });
    expect(res.text).not.toContain(SECRET);
    const slack = await call('POST', '/v1/admin/notifiers', {
      name: 'chat',
      kind: 'slack',
      url: `${hook.url}${SLACK_PATH}`,
    });
    expect(slack.status).toBe(201);
    expect(slack.body).toMatchObject({ url: 'set', host: new URL(hook.url).host });
    expect(slack.text).not.toContain(SLACK_PATH);
    const am = await call('POST', '/v1/admin/notifiers', {
      name: 'am',
      kind: 'alertmanager',
      urls: [failing.url],
      auth: { type: 'basic', username: 'needle', password: 'am-password-0123456789' },
      enabled: false,
    });
    expect(am.status).toBe(201);
    expect(am.body.auth).toEqual({ type: 'basic', username: 'needle', password: 'set' });

    const audit = await call<Audit>('GET', '/v1/admin/audit?action=notifiers.create');
    expect(audit.status).toBe(200);
    expect(audit.body.entries.map((e) => e.detail)).toEqual(
      expect.arrayContaining([
        { notifier: 'ops', kind: 'webhook' },
        { notifier: 'chat', kind: 'slack' },
      ]),
    );
    expect(audit.text).not.toContain(SECRET);
    expect(audit.text).not.toContain(SLACK_PATH);
  });

  it('answer bad input with 4xx {error, code, help}', async () => {
    const cases: [unknown, number, string, string?][] = [
      [{ name: 'Bad_Name', kind: 'webhook', url: hook.url }, 400, 'INVALID_INPUT', 'name'],
      [{ name: 'x', kind: 'webhook', url: 'ftp://example.com/x' }, 400, 'INVALID_INPUT', 'url'],
      [{ name: 'x', kind: 'webhook', url: 'http://u:p@example.com/' }, 400, 'INVALID_INPUT', 'url'],
      [
        { name: 'x', kind: 'webhook', url: hook.url, secret: 'short' },
        400,
        'INVALID_INPUT',
        'secret',
      ],
      [{ name: 'x', kind: 'pager', url: hook.url }, 400, 'INVALID_INPUT', 'kind'],
      [{ name: 'x', kind: 'alertmanager', urls: [] }, 400, 'INVALID_INPUT', 'urls'],
      [{ name: 'ops', kind: 'webhook', url: hook.url }, 409, 'NOTIFIER_EXISTS'],
    ];
    for (const [body, status, code, field] of cases) {
      const res = await call('POST', '/v1/admin/notifiers', body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body).toMatchObject({ code, error: expect.any(String), help: expect.any(String) });
      if (field) expect(res.body.field).toBe(field);
    }
    expect((await call('GET', '/v1/admin/notifiers/nobody')).body.code).toBe('NOTIFIER_NOT_FOUND');
    expect((await call('GET', '/v1/admin/notifiers/Not_A_Name')).status).toBe(400);
    expect((await call('POST', '/v1/admin/notifiers/nobody/test')).status).toBe(404);
    expect((await call('DELETE', '/v1/admin/notifiers/nobody')).status).toBe(404);
    const kind = await call('POST', '/v1/admin/notifiers/ops', { kind: 'slack' });
    expect(kind).toMatchObject({ status: 400, body: { code: 'INVALID_INPUT', field: 'kind' } });
    const range = await call('POST', '/v1/admin/notifiers/ops', { max_attempts: 0 });
    expect(range).toMatchObject({
      status: 400,
      body: { code: 'INVALID_INPUT', field: 'max_attempts' },
    });
    const page = await call('GET', '/v1/admin/notifications/deliveries?limit=0');
    expect(page).toMatchObject({ status: 400, body: { code: 'INVALID_LIMIT' } });
  });

  it('send a test notification the receiver can verify, and log it', async () => {
    const res = await call('POST', '/v1/admin/notifiers/ops/test');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      delivered: true,
      delivery: {
        notifier: 'ops',
        test: true,
        outcome: 'delivered',
        attempts: 1,
        http_status: 200,
      },
    });
    const request = hook.requests.find((r) => r.path === '/ops')!;
    expect(receiverVerifies(SECRET, request)).toBe(true);
    expect(request.json()).toMatchObject({
      test: true,
      alerts: [{ rule: 'NeedleTestNotification' }],
    });

    const seeded = await call('POST', '/v1/admin/notifiers/seeded/test');
    expect(seeded.body.delivered).toBe(true);
    expect(
      receiverVerifies(
        SEED_SECRET,
        hook.requests.find((r) => r.path === '/seeded')!,
      ),
    ).toBe(true);
  });

  it('change only the fields given, keeping the secret, and report a failing receiver', async () => {
    const moved = await call('POST', '/v1/admin/notifiers/ops', { url: `${failing.url}/ops` });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ url: `${failing.url}/ops`, secret: 'set', backoff_ms: 10 });
    const res = await call('POST', '/v1/admin/notifiers/ops/test');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      delivered: false,
      delivery: {
        outcome: 'failed',
        attempts: 1,
        http_status: 400,
        error: 'HTTP 400: no such hook',
      },
    });
    expect(receiverVerifies(SECRET, failing.requests.at(-1)!)).toBe(true);

    const back = await call('POST', '/v1/admin/notifiers/ops', {
      url: `${hook.url}/ops`,
      secret: null,
    });
    expect(back.status).toBe(200);
    expect(back.body.secret).toBeUndefined();
  });

  it('deliver the evaluator’s events, list them newest first in pages, and count them', async () => {
    server.notifications.handle(alertEvent({ severity: 'critical' }));
    const all = await waitFor(async () => {
      const res = await call<Deliveries>(
        'GET',
        '/v1/admin/notifications/deliveries?status=firing&limit=100',
      );
      expect(res.status).toBe(200);
      return res.body.deliveries.filter((d) => !d.test).length === 3 ? res : undefined;
    }, 'three deliveries in the log');
    const seqs = all.body.deliveries.map((d) => d.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    const events = all.body.deliveries.filter((d) => !d.test);
    expect(events.map((d) => d.notifier).sort()).toEqual(['chat', 'ops', 'seeded']);
    expect(events[0]).toMatchObject({ rule: 'NeedleSearchLatencyHigh', severity: 'critical' });

    const first = await call<Deliveries>('GET', '/v1/admin/notifications/deliveries?limit=1');
    expect(first.body.pagination).toEqual({ count: 1, offset: 0, has_more: true });
    expect(first.body.deliveries[0]!.seq).toBe(seqs[0]);
    const second = await call<Deliveries>(
      'GET',
      '/v1/admin/notifications/deliveries?limit=1&offset=1',
    );
    expect(second.body.deliveries[0]!.seq).toBe(seqs[1]);
    const ops = await call<Deliveries>(
      'GET',
      '/v1/admin/notifications/deliveries?notifier=ops&outcome=failed',
    );
    expect(ops.body.deliveries).toHaveLength(1);

    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(
      /needle_alert_notifications_total\{notifier="ops",outcome="delivered"\} 2/,
    );
    expect(metrics).toMatch(
      /needle_alert_notifications_total\{notifier="ops",outcome="failed"\} 1/,
    );
  });

  it('answer the same over tRPC', async () => {
    const res = await fetch(`${url}/trpc/notifiers.list`, { headers: { 'x-api-key': ADMIN } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { result: { data: { notifiers: Json[] } } };
    expect(body.result.data.notifiers.map((n) => n.name)).toEqual(['am', 'chat', 'ops', 'seeded']);
    const refused = await fetch(`${url}/trpc/notifiers.list`, {
      headers: { 'x-api-key': keys.reader! },
    });
    expect(refused.status).toBe(403);
  });

  it('delete a notifier, audited', async () => {
    expect(await call('DELETE', '/v1/admin/notifiers/am')).toMatchObject({
      status: 200,
      body: { deleted: 'am' },
    });
    expect((await call('GET', '/v1/admin/notifiers/am')).status).toBe(404);
    const audit = await call<Audit>('GET', '/v1/admin/audit?action=notifiers.delete');
    expect(audit.body.entries).toHaveLength(1);
  });

  it('never write a secret to the server log', () => {
    const text = log.all();
    for (const secret of [SECRET, SEED_SECRET, SLACK_PATH, 'am-password-0123456789']) {
      expect(text).not.toContain(secret);
    }
    expect(log.lines().some((l) => l.msg === 'alert notification delivered')).toBe(true);
  });
});
