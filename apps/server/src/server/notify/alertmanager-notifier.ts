import type { NotifierDefinition } from '@needle/api';
import type { AlertEvent } from '@needle/telemetry';

import { describeUrl, generatorUrl, runbookUrl } from './notifier.js';
import type { OutgoingRequest, RequestContext } from './notifier.js';

type AlertmanagerNotifier = Extract<NotifierDefinition, { kind: 'alertmanager' }>;

/**
 * Alertmanager's v2 API: `POST <url>/api/v2/alerts` with one postable alert — the event's
 * labels (`alertname`, `severity` and the rule's own), annotations (`summary`,
 * `description`, `runbook_url`, `value`, `threshold`), `startsAt`, `endsAt` when resolved and
 * `generatorURL` when the server's external URL is set. A firing alert carries no `endsAt`:
 * Alertmanager resolves it after its `resolve_timeout` unless it is sent again. One request
 * per configured Alertmanager.
 */
export function alertmanagerRequests(
  notifier: AlertmanagerNotifier,
  event: AlertEvent,
  context: RequestContext,
): OutgoingRequest[] {
  const generator = generatorUrl(event, context);
  const alert = {
    labels: {
      ...event.labels,
      alertname: event.labels.alertname ?? event.rule,
      severity: event.labels.severity ?? event.severity,
      ...(context.test ? { needle_test: 'true' } : {}),
    },
    annotations: {
      summary: event.summary,
      description: event.description,
      runbook_url: runbookUrl(event.runbook, context),
      value: String(event.value),
      threshold: String(event.threshold),
    },
    startsAt: event.startsAt,
    ...(event.status === 'resolved' ? { endsAt: event.endsAt ?? context.now.toISOString() } : {}),
    ...(generator === undefined ? {} : { generatorURL: generator }),
  };
  const body = JSON.stringify([alert]);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': `needle/${context.version}`,
  };
  if (notifier.auth?.type === 'basic') {
    const pair = `${notifier.auth.username}:${notifier.auth.password}`;
    headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  } else if (notifier.auth?.type === 'bearer') {
    headers.authorization = `Bearer ${notifier.auth.token}`;
  }
  return notifier.urls.map((base) => {
    const url = `${base.replace(/\/+$/, '')}/api/v2/alerts`;
    return { url, headers, body, target: describeUrl(url) };
  });
}
