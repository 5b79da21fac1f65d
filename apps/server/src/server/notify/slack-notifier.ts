import type { NotifierDefinition } from '@needle/api';
import type { AlertEvent, Severity } from '@needle/telemetry';

import { generatorUrl, runbookUrl } from './notifier.js';
import type { OutgoingRequest, RequestContext } from './notifier.js';

type SlackNotifier = Extract<NotifierDefinition, { kind: 'slack' }>;

/** The bar colour of a message: red when critical, amber when warning, green once resolved. */
export function slackColour(status: AlertEvent['status'], severity: Severity): string {
  if (status === 'resolved') return '#2eb67d';
  return severity === 'critical' ? '#e01e5a' : '#ecb22e';
}

/**
 * A Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat): `text` for
 * notifications and clients without blocks, and one attachment coloured by severity and
 * status holding the blocks (the headline, value against threshold, labels, runbook).
 */
export function slackRequests(
  notifier: SlackNotifier,
  event: AlertEvent,
  context: RequestContext,
): OutgoingRequest[] {
  const state = event.status === 'firing' ? 'FIRING' : 'RESOLVED';
  const prefix = context.test ? '[TEST] ' : '';
  const headline = `${prefix}[${state}] ${event.summary} (${event.severity})`;
  const labels = Object.entries(event.labels)
    .filter(([k]) => k !== 'alertname' && k !== 'severity')
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const link = generatorUrl(event, context);
  const blocks = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${escape(headline)}*` } },
    { type: 'section', text: { type: 'mrkdwn', text: escape(event.description) } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Rule*\n${escape(event.rule)}` },
        { type: 'mrkdwn', text: `*Value / threshold*\n${event.value} / ${event.threshold}` },
        ...(labels === '' ? [] : [{ type: 'mrkdwn', text: `*Labels*\n${escape(labels)}` }]),
        {
          type: 'mrkdwn',
          text: `*${event.status === 'firing' ? 'Since' : 'Resolved'}*\n${event.status === 'firing' ? event.startsAt : (event.endsAt ?? context.now.toISOString())}`,
        },
      ],
    },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `Runbook: ${escape(runbookUrl(event.runbook, context))}${link ? ` · <${link}|Needle>` : ''}`,
        },
      ],
    },
  ];
  const body = JSON.stringify({
    text: headline,
    ...(notifier.channel === undefined ? {} : { channel: notifier.channel }),
    ...(notifier.username === undefined ? {} : { username: notifier.username }),
    attachments: [{ color: slackColour(event.status, event.severity), fallback: headline, blocks }],
  });
  return [
    {
      url: notifier.url,
      headers: { 'content-type': 'application/json', 'user-agent': `needle/${context.version}` },
      body,
      // The URL is the secret: logs name the host only.
      target: `${new URL(notifier.url).protocol}//${new URL(notifier.url).host}`,
    },
  ];
}

/** Slack's mrkdwn control characters. */
function escape(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
