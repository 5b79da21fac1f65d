import type { NotifierDefinition } from '@needle/api';
import type { AlertEvent } from '@needle/telemetry';

/** One HTTP request of a delivery attempt. */
export interface OutgoingRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The receiver as logs and errors may name it: no secret (Slack's URL is one), no query. */
  readonly target: string;
}

/** What a notifier needs besides the event to build its requests. */
export interface RequestContext {
  /** The time of this attempt: a webhook signs with it, so a retry carries a fresh timestamp. */
  readonly now: Date;
  /** Stays the same across the retries of one delivery (`X-Needle-Delivery`), for receivers. */
  readonly deliveryId: string;
  /** A test notification (`POST /admin/notifiers/:name/test`). */
  readonly test: boolean;
  /** The server's version, for `User-Agent`. */
  readonly version: string;
  /** Where people reach Needle; alerts link back to it (`generatorURL`) when set. */
  readonly externalUrl: string | undefined;
  /** Prefix turning a runbook path (`docs/runbooks/alerts.md#x`) into a link, when set. */
  readonly runbookBaseUrl: string | undefined;
}

/**
 * Builds the requests of one attempt to deliver an event: a notifier kind is a function of
 * its settings, the event and the attempt's context (same shape for every kind), and the
 * delivery (timeouts, retries, backoff) is the same for all of them. Several Alertmanagers
 * make several requests; the delivery succeeds when one of them accepts.
 */
export type RequestBuilder<D extends NotifierDefinition = NotifierDefinition> = (
  notifier: D,
  event: AlertEvent,
  context: RequestContext,
) => OutgoingRequest[];

/** The runbook as a link when a base URL is configured and the runbook is a relative path. */
export function runbookUrl(runbook: string, context: RequestContext): string {
  if (context.runbookBaseUrl === undefined || /^[a-z][a-z0-9+.-]*:/i.test(runbook)) return runbook;
  return `${context.runbookBaseUrl.replace(/\/+$/, '')}/${runbook.replace(/^\/+/, '')}`;
}

/** Where an alert links back to: the console's alerts page, when the external URL is set. */
export function generatorUrl(event: AlertEvent, context: RequestContext): string | undefined {
  if (context.externalUrl === undefined) return undefined;
  return `${context.externalUrl.replace(/\/+$/, '')}/console/alerts/?rule=${encodeURIComponent(event.rule)}`;
}

/** A URL as logs may show it: scheme, host and path, no query, no credentials. */
export function describeUrl(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
}
