import type { NotifierDefinition } from '@needle/api';
import type { AlertEvent } from '@needle/telemetry';

import { alertmanagerRequests } from './alertmanager-notifier.js';
import type { OutgoingRequest, RequestContext } from './notifier.js';
import { slackRequests } from './slack-notifier.js';
import { webhookRequests } from './webhook-notifier.js';

/** The requests of one attempt, for a notifier of any kind. */
export function notifierRequests(
  notifier: NotifierDefinition,
  event: AlertEvent,
  context: RequestContext,
): OutgoingRequest[] {
  switch (notifier.kind) {
    case 'webhook':
      return webhookRequests(notifier, event, context);
    case 'alertmanager':
      return alertmanagerRequests(notifier, event, context);
    case 'slack':
      return slackRequests(notifier, event, context);
  }
}
