import type { NotifierDefinition } from '@needle/api';
import type { AlertEvent } from '@needle/telemetry';

import { describeUrl, generatorUrl, runbookUrl } from './notifier.js';
import type { OutgoingRequest, RequestContext } from './notifier.js';
import { SIGNATURE_HEADER, signWebhook } from './webhook-signature.js';

type WebhookNotifier = Extract<NotifierDefinition, { kind: 'webhook' }>;

/** The version of the webhook body; a receiver can branch on it when the body changes. */
export const WEBHOOK_BODY_VERSION = '1';

/**
 * The generic webhook: one POST of JSON shaped like Alertmanager's webhook body
 * (`{ version, status, receiver, alerts: [...] }`), so receivers written for Alertmanager
 * read it, with Needle's own fields (`rule`, `value`, `threshold`, `fingerprint`) beside.
 * With a secret, it is signed in `X-Needle-Signature` (see `signWebhook`).
 */
export function webhookRequests(
  notifier: WebhookNotifier,
  event: AlertEvent,
  context: RequestContext,
): OutgoingRequest[] {
  const generator = generatorUrl(event, context);
  const body = JSON.stringify({
    version: WEBHOOK_BODY_VERSION,
    source: 'needle',
    receiver: notifier.name,
    status: event.status,
    test: context.test,
    delivery_id: context.deliveryId,
    alerts: [
      {
        status: event.status,
        rule: event.rule,
        severity: event.severity,
        labels: event.labels,
        annotations: {
          summary: event.summary,
          description: event.description,
          runbook_url: runbookUrl(event.runbook, context),
        },
        value: event.value,
        threshold: event.threshold,
        startsAt: event.startsAt,
        endsAt: event.endsAt ?? null,
        fingerprint: event.fingerprint,
        ...(generator === undefined ? {} : { generatorURL: generator }),
      },
    ],
  });
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': `needle/${context.version}`,
    'x-needle-delivery': context.deliveryId,
    'x-needle-event': event.status,
  };
  if (notifier.secret !== undefined) {
    headers[SIGNATURE_HEADER.toLowerCase()] = signWebhook(notifier.secret, body, context.now);
  }
  return [{ url: notifier.url, headers, body, target: describeUrl(notifier.url) }];
}
