import type { SlowQueryGroup } from '@/data/explain';

/** The relative windows offered, newest data first. */
export const WINDOW_PRESETS = [
  { key: '15m', label: 'Last 15 minutes', ms: 15 * 60_000 },
  { key: '1h', label: 'Last hour', ms: 60 * 60_000 },
  { key: '6h', label: 'Last 6 hours', ms: 6 * 60 * 60_000 },
  { key: '24h', label: 'Last 24 hours', ms: 24 * 60 * 60_000 },
  { key: '7d', label: 'Last 7 days', ms: 7 * 24 * 60 * 60_000 },
] as const;

/** The slow-query log's window: a collection (or all) and a preset or a custom span. */
export interface SlowLogWindow {
  collection: string;
  preset: (typeof WINDOW_PRESETS)[number]['key'] | 'custom';
  /** ISO times of a custom window ('' for the server's default). */
  from: string;
  to: string;
}

/**
 * The window of the page's query string: `?collection=&from=&to=` (what an alert links to)
 * is a custom window; without times, the last hour.
 */
export function windowFromParams(params: URLSearchParams): SlowLogWindow {
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const preset = params.get('window');
  const known = WINDOW_PRESETS.find((p) => p.key === preset);
  return {
    collection: params.get('collection') ?? '',
    preset: from !== '' || to !== '' ? 'custom' : (known?.key ?? '1h'),
    from: normalise(from),
    to: normalise(to),
  };
}

/** The query string of a window (for the address bar, so the view can be linked). */
export function windowParams(window: SlowLogWindow): Record<string, string> {
  const out: Record<string, string> = {};
  if (window.collection !== '') out.collection = window.collection;
  if (window.preset === 'custom') {
    if (window.from !== '') out.from = window.from;
    if (window.to !== '') out.to = window.to;
  } else out.window = window.preset;
  return out;
}

/**
 * The listing's input for a window. A relative window starts at the minute boundary before
 * `now - span` (so the query stays the same for a minute rather than changing every render)
 * and ends at the server's now.
 */
export function windowQuery(
  window: SlowLogWindow,
  now = Date.now(),
): { collection?: string; from?: string; to?: string } {
  const out: { collection?: string; from?: string; to?: string } = {};
  if (window.collection !== '') out.collection = window.collection;
  if (window.preset === 'custom') {
    if (window.from !== '') out.from = window.from;
    if (window.to !== '') out.to = window.to;
  } else {
    const span = WINDOW_PRESETS.find((p) => p.key === window.preset)!.ms;
    out.from = String(Math.floor((now - span) / 60_000) * 60_000);
  }
  return out;
}

/**
 * A query shape in one line: `k=10 · ef=default · filter {"lang":"?","year":{"$gte":"?"}} ·
 * options explain, filter`.
 */
export function describeShape(shape: SlowQueryGroup['shape']): string {
  const parts = [`k=${shape.k}`, `ef=${shape.ef_search ?? 'default'}`];
  parts.push(shape.filter == null ? 'no filter' : `filter ${JSON.stringify(shape.filter)}`);
  if (shape.post_filter != null) parts.push(`post_filter ${JSON.stringify(shape.post_filter)}`);
  const options = shape.options.filter(
    (o) => o !== 'filter' && o !== 'post_filter' && o !== 'ef_search',
  );
  if (options.length > 0) parts.push(`options ${options.join(', ')}`);
  return parts.join(' · ');
}

/** An ISO or epoch-ms time from the query string as ISO ('' when it is not a time). */
function normalise(text: string): string {
  if (text === '') return '';
  const date = /^\d+$/.test(text) ? new Date(Number(text)) : new Date(text);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}
