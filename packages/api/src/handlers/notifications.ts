import type { z } from 'zod';

import { ApiError } from '../api-error.js';
import { parseInput } from '../errors/parse-input.js';
import type {
  NotificationServices,
  NotifierDefinition,
  StoredNotifier,
} from '../notifications/notification-services.js';
import { notifierDefinition } from '../schemas/notifications.js';
import type {
  createNotifierBody,
  deleteNotifierResponse,
  deliveriesQuery,
  deliveriesResponse,
  listNotifiersResponse,
  notifierSchema,
  testNotifierResponse,
  updateNotifierBody,
} from '../schemas/notifications.js';
import { hostService, recordChange } from './host-services.js';
import type { AuditDetail, Caller } from './host-services.js';
import type { ApiRuntime } from './runtime.js';

function services({ ctx }: ApiRuntime): NotificationServices {
  return hostService(
    ctx.notifications,
    'alert notifications are not available on this server',
    'Notifiers are run by `needle serve`.',
  );
}

/** Writes a notifier change to the audit log (when access control is on); never a secret. */
const audited = (rt: ApiRuntime, caller: Caller, action: string, detail: AuditDetail) =>
  recordChange(rt.ctx.security?.(), caller, action, detail);

function notFound(name: string): ApiError {
  return new ApiError(
    404,
    'NOTIFIER_NOT_FOUND',
    `no notifier is named "${name}"`,
    'GET /v1/admin/notifiers lists the notifiers.',
  );
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * A notifier as the API shows it: every setting but the secrets, which read `"set"` (the
 * webhook's signing key, Slack's URL, Alertmanager's password or token).
 */
export function notifierBody(n: StoredNotifier): z.output<typeof notifierSchema> {
  const common = {
    name: n.name,
    kind: n.kind,
    enabled: n.enabled,
    send_resolved: n.send_resolved,
    min_severity: n.min_severity,
    max_attempts: n.max_attempts,
    backoff_ms: n.backoff_ms,
    max_backoff_ms: n.max_backoff_ms,
    timeout_ms: n.timeout_ms,
    repeat_interval_ms: n.repeat_interval_ms,
    source: n.source,
    created_at: iso(n.createdAt),
    updated_at: iso(n.updatedAt),
  };
  switch (n.kind) {
    case 'webhook':
      return { ...common, url: n.url, ...(n.secret === undefined ? {} : { secret: 'set' }) };
    case 'alertmanager':
      return {
        ...common,
        urls: n.urls,
        ...(n.auth === undefined
          ? {}
          : {
              auth:
                n.auth.type === 'basic'
                  ? { type: 'basic', username: n.auth.username, password: 'set' }
                  : { type: 'bearer', token: 'set' },
            }),
      };
    case 'slack':
      return {
        ...common,
        url: 'set',
        host: new URL(n.url).host,
        ...(n.channel === undefined ? {} : { channel: n.channel }),
        ...(n.username === undefined ? {} : { username: n.username }),
      };
  }
}

/** What an audit entry says of a notifier: its name and kind, never a URL or a secret. */
const described = (n: NotifierDefinition) => ({ notifier: n.name, kind: n.kind });

export function listNotifiers(rt: ApiRuntime): z.output<typeof listNotifiersResponse> {
  return { notifiers: services(rt).list().map(notifierBody) };
}

export function getNotifier(rt: ApiRuntime, name: string): z.output<typeof notifierSchema> {
  const found = services(rt).get(name);
  if (!found) throw notFound(name);
  return notifierBody(found);
}

export async function createNotifier(
  rt: ApiRuntime,
  body: z.output<typeof createNotifierBody>,
  caller: Caller,
): Promise<z.output<typeof notifierSchema>> {
  const created = await services(rt).create(body);
  await audited(rt, caller, 'notifiers.create', described(body));
  return notifierBody(created);
}

/**
 * Changes the fields given: the rest, secrets included, stay. `null` clears an optional
 * field. The result is checked like a new notifier.
 */
export async function updateNotifier(
  rt: ApiRuntime,
  name: string,
  change: z.output<typeof updateNotifierBody>,
  caller: Caller,
): Promise<z.output<typeof notifierSchema>> {
  const s = services(rt);
  const current = s.get(name);
  if (!current) throw notFound(name);
  if (change.kind !== undefined && change.kind !== current.kind) {
    throw new ApiError(
      400,
      'INVALID_INPUT',
      `notifier "${name}" is a ${current.kind} notifier; its kind cannot change`,
      'Delete the notifier and create it again with the new kind.',
      { details: { field: 'kind' } },
    );
  }
  const { source: _source, createdAt: _created, updatedAt: _updated, ...settings } = current;
  const merged: Record<string, unknown> = { ...settings };
  for (const [key, value] of Object.entries(change)) {
    if (value === undefined) continue;
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  merged.name = name;
  const definition = parseInput(notifierDefinition, merged, 'body');
  const replaced = await s.replace(definition);
  await audited(rt, caller, 'notifiers.update', {
    ...described(definition),
    fields: Object.keys(change)
      .filter((k) => change[k as keyof typeof change] !== undefined)
      .sort()
      .join(','),
  });
  return notifierBody(replaced);
}

export async function deleteNotifier(
  rt: ApiRuntime,
  name: string,
  caller: Caller,
): Promise<z.output<typeof deleteNotifierResponse>> {
  if (!(await services(rt).delete(name))) throw notFound(name);
  await audited(rt, caller, 'notifiers.delete', { notifier: name });
  return { deleted: name };
}

/** Sends a test notification and answers with what the receiver did (200 either way). */
export async function testNotifier(
  rt: ApiRuntime,
  name: string,
  caller: Caller,
): Promise<z.output<typeof testNotifierResponse>> {
  const s = services(rt);
  if (!s.get(name)) throw notFound(name);
  const delivery = await s.sendTest(name);
  await audited(rt, caller, 'notifiers.test', {
    notifier: name,
    outcome: delivery.outcome,
    http_status: delivery.http_status,
  });
  return { delivered: delivery.outcome === 'delivered', delivery };
}

export function listDeliveries(
  rt: ApiRuntime,
  query: z.output<typeof deliveriesQuery>,
): z.output<typeof deliveriesResponse> {
  const { deliveries, hasMore } = services(rt).deliveries(query);
  return {
    deliveries,
    pagination: { count: deliveries.length, offset: query.offset, has_more: hasMore },
  };
}
