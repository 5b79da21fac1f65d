'use client';

import type { UseQueryResult } from '@tanstack/react-query';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';

import { QueryView } from '@/components/states/query-view';
import { PageHeader } from '@/components/ui/page-header';
import { useAlertRules } from '@/data/alerts';
import { useTelemetryRanges } from '@/data/telemetry';
import { useGrants } from '@/lib/auth/auth-provider';
import { formatCount } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';

import { AlertsAtAGlance } from './alerts-at-a-glance';
import { OVERVIEW_CHARTS, TIME_RANGES } from './chart-specs';
import { MetricChart, type RangeAnswer } from './metric-chart';
import styles from './overview.module.css';

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
  const [rangeMs, setRangeMs] = useState<number>(TIME_RANGES[0].ms);
  const ids = OVERVIEW_CHARTS.flatMap((c) => c.queries);
  const results = useTelemetryRanges(ids, rangeMs) as UseQueryResult<RangeAnswer, unknown>[];
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
        <div className={styles.ranges} role="group" aria-label="Time range">
          {TIME_RANGES.map((range) => (
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
