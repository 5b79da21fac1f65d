'use client';

import type { UseQueryResult } from '@tanstack/react-query';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';

import { QueryView } from '@/components/states/query-view';
import { PageHeader } from '@/components/ui/page-header';
import { useAlertRules } from '@/data/alerts';
import { useTelemetryRanges, useTelemetrySources } from '@/data/telemetry';
import { useGrants } from '@/lib/auth/auth-provider';
import { formatCount } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';

import { AlertsAtAGlance } from './alerts-at-a-glance';
import { type ChartSource, OVERVIEW_CHARTS, TIME_RANGES, rangesOf } from './chart-specs';
import { MetricChart, type RangeAnswer } from './metric-chart';
import styles from './overview.module.css';

const SOURCES: readonly { source: ChartSource; label: string; title: string }[] = [
  { source: 'server', label: 'Server', title: "The server's own samples (the last 24 h)" },
  {
    source: 'prometheus',
    label: 'Prometheus',
    title: 'The Prometheus that scrapes this server (up to 30 days)',
  },
];

/**
 * The server at a glance: its figures, the alerts pending or firing, and live charts of
 * traffic, latency, errors and resources from its own samples, with each rule's thresholds.
 */
export function OverviewView() {
  const trpc = useTRPC();
  const info = useQuery({ ...trpc.system.info.queryOptions(), refetchInterval: 5_000 });
  const canReadMetrics = useGrants().can('metrics.read');
  return (
    <>
      <PageHeader title="Overview" description="This server, live from its API." />
      <QueryView query={info} loading="Loading the server's figures">
        {(data) => (
          <dl className="stats">
            <div>
              <dt>Collections</dt>
              <dd data-testid="stat-collections">{formatCount(data.collections)}</dd>
            </div>
            <div>
              <dt>Vectors</dt>
              <dd data-testid="stat-vectors">{formatCount(data.total_vectors)}</dd>
            </div>
            <div>
              <dt>Server version</dt>
              <dd>{data.version}</dd>
            </div>
          </dl>
        )}
      </QueryView>
      {canReadMetrics ? (
        <LiveCharts />
      ) : (
        <p className="muted">Your role may not read metrics (metrics.read): charts are hidden.</p>
      )}
    </>
  );
}

function LiveCharts() {
  const [chosenRangeMs, setRangeMs] = useState<number>(TIME_RANGES[0].ms);
  const [chosenSource, setSource] = useState<ChartSource>('server');
  const sources = useTelemetrySources().data ?? ['server'];
  // Prometheus only while the server says one is configured; its long ranges only from it.
  const source = sources.includes(chosenSource) ? chosenSource : 'server';
  const ranges = rangesOf(source);
  const rangeMs = ranges.some((r) => r.ms === chosenRangeMs) ? chosenRangeMs : ranges.at(-1)!.ms;
  const ids = OVERVIEW_CHARTS.flatMap((c) => c.queries);
  const results = useTelemetryRanges(ids, rangeMs, source) as UseQueryResult<
    RangeAnswer,
    unknown
  >[];
  const rules = useAlertRules();
  const thresholdsOf = (rule: string | undefined) =>
    rule === undefined ? undefined : rules.data?.rules.find((r) => r.name === rule)?.thresholds;

  const starts = OVERVIEW_CHARTS.map((_, i) =>
    OVERVIEW_CHARTS.slice(0, i).reduce((n, c) => n + c.queries.length, 0),
  );
  return (
    <>
      <div className={styles.toolbar}>
        <AlertsAtAGlance />
        <div className={styles.pickers}>
          {sources.includes('prometheus') && (
            <div className={styles.ranges} role="group" aria-label="Source">
              {SOURCES.map((s) => (
                <button
                  key={s.source}
                  type="button"
                  aria-pressed={s.source === source}
                  title={s.title}
                  onClick={() => setSource(s.source)}
                >
                  {s.label}
                </button>
              ))}
            </div>
          )}
          <div className={styles.ranges} role="group" aria-label="Time range">
            {ranges.map((range) => (
              <button
                key={range.label}
                type="button"
                aria-pressed={range.ms === rangeMs}
                onClick={() => setRangeMs(range.ms)}
              >
                {range.label}
              </button>
            ))}
          </div>
        </div>
      </div>
      <div className={styles.grid}>
        {OVERVIEW_CHARTS.map((spec, i) => {
          const mine = results.slice(starts[i], starts[i]! + spec.queries.length);
          return (
            <MetricChart
              key={spec.key}
              spec={spec}
              results={mine}
              thresholds={thresholdsOf(spec.rule)}
            />
          );
        })}
      </div>
    </>
  );
}
