/** The window an alert covers, for {@link slowQueriesLink}. */
export interface EvidenceWindow {
  /** The collection the alert is about; leave it out for every collection. */
  readonly collection?: string | undefined;
  /** Start of the window: a Date, ms since the epoch, or an ISO 8601 string. */
  readonly from: Date | number | string;
  /** End of the window. */
  readonly to: Date | number | string;
}

/**
 * The evidence behind a latency alert: the URL of the slow queries recorded in the alert's
 * window (`GET /v1/slow-queries`, grouped by query shape), relative to the server's base URL.
 * A pure function, so the alerts API and notifiers can attach it to an alert.
 *
 * @example
 * ```ts
 * slowQueriesLink({ collection: 'docs', from: 1767225600000, to: 1767225900000 });
 * // '/v1/slow-queries?collection=docs&from=2026-01-01T00%3A00%3A00.000Z&to=2026-01-01T00%3A05%3A00.000Z'
 * ```
 */
export function slowQueriesLink(window: EvidenceWindow): string {
  const params = new URLSearchParams();
  if (window.collection !== undefined) params.set('collection', window.collection);
  params.set('from', isoTime(window.from, 'from'));
  params.set('to', isoTime(window.to, 'to'));
  return `/v1/slow-queries?${params.toString()}`;
}

/** The URL of one recorded slow query with its explain trace. */
export function slowQueryLink(id: number | string): string {
  return `/v1/slow-queries/${encodeURIComponent(String(id))}`;
}

function isoTime(value: Date | number | string, name: string): string {
  const time = value instanceof Date ? value.getTime() : new Date(value).getTime();
  if (!Number.isFinite(time)) throw new RangeError(`${name} is not a time: ${String(value)}`);
  return new Date(time).toISOString();
}
