/**
 * One chart of the overview: named queries of the server (the same ids as the Grafana
 * panels' queries, `GET /v1/telemetry/queries`) and the alert rule whose thresholds are
 * drawn on it. Titles and units come from the server's answer; `label` shows while loading.
 */
export interface ChartSpec {
  key: string;
  label: string;
  queries: readonly string[];
  rule?: string;
}

const latency = 'needle-collections/search-latency-p50-p95-p99-by-collection';

/** The overview's charts, in the order they are shown. */
export const OVERVIEW_CHARTS: readonly ChartSpec[] = [
  { key: 'throughput', label: 'Query throughput', queries: ['needle-overview/query-throughput/0'] },
  {
    key: 'search-latency',
    label: 'Search latency p50 / p95 / p99',
    queries: [`${latency}/0`, `${latency}/1`, `${latency}/2`],
    rule: 'NeedleSearchLatencyHigh',
  },
  {
    key: 'insert-latency',
    label: 'Write latency p99',
    queries: ['needle-overview/write-latency-p99/0'],
  },
  {
    key: 'error-rate',
    label: 'Error rate',
    queries: ['needle-overview/error-rate/0'],
    rule: 'NeedleErrorRateHigh',
  },
  {
    key: 'memory',
    label: 'Memory used of the limit',
    queries: ['needle-overview/memory-used-of-the-limit/0'],
    rule: 'NeedleMemoryHigh',
  },
  {
    key: 'recall',
    label: 'Search recall (sampled searches re-run exactly)',
    queries: ['needle-collections/search-recall-by-collection/0'],
    rule: 'NeedleSearchRecallLow',
  },
  { key: 'vectors', label: 'Vectors', queries: ['needle-overview/vectors/0'] },
  {
    key: 'disk',
    label: 'Disk used',
    queries: ['needle-overview/disk-used/0'],
    rule: 'NeedleDiskHigh',
  },
  {
    key: 'db-size',
    label: 'Database size on disk',
    queries: ['needle-storage/database-size-on-disk/0'],
  },
  {
    key: 'wal',
    label: 'WAL bytes',
    queries: ['needle-storage/wal-lag/0'],
    rule: 'NeedleWalLagHigh',
  },
];

/** Where charts read their samples: the server's ring, or the Prometheus that scrapes it. */
export type ChartSource = 'server' | 'prometheus';

/**
 * The time ranges the picker offers: those within the server's ring buffer (24 h by default)
 * for every source, the longer ones only from Prometheus.
 */
export const TIME_RANGES = [
  { label: '15 min', ms: 15 * 60_000, prometheusOnly: false },
  { label: '1 h', ms: 3_600_000, prometheusOnly: false },
  { label: '6 h', ms: 6 * 3_600_000, prometheusOnly: false },
  { label: '24 h', ms: 24 * 3_600_000, prometheusOnly: false },
  { label: '7 d', ms: 7 * 86_400_000, prometheusOnly: true },
  { label: '30 d', ms: 30 * 86_400_000, prometheusOnly: true },
] as const;

/** The ranges offered for a source. */
export function rangesOf(source: ChartSource) {
  return TIME_RANGES.filter((r) => source === 'prometheus' || !r.prometheusOnly);
}
