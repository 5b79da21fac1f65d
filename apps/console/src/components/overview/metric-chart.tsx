'use client';

import type { UseQueryResult } from '@tanstack/react-query';
import Link from 'next/link';
import {
  CartesianGrid,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

import { ApiErrorView } from '@/components/states/api-error-view';
import { LoadingState } from '@/components/states/loading-state';
import { toApiErrorInfo } from '@/lib/api-error';
import { formatValue } from '@/lib/units';

import type { ChartSpec } from './chart-specs';
import styles from './overview.module.css';
import { type ChartLine, type RangeSeries, lastValue, legendOf, toRows } from './series-rows';

/** What `telemetry.query` answers (the parts a chart reads). */
export interface RangeAnswer {
  query: { id: string; title: string; legend: string; unit: string };
  series: RangeSeries[];
}

const COLORS = ['var(--accent)', '#e8710a', '#12a4b4', '#9334e6', '#d01884', '#188038'];
const WARNING_COLOR = '#c98800';
const CRITICAL_COLOR = 'var(--danger)';

const clock = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });
const clockSeconds = new Intl.DateTimeFormat('en-GB', {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
const dayAndClock = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
});
const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short' });

/**
 * One live chart: the lines of its named queries over the range, its rule's effective
 * warning and critical thresholds as reference lines, and the latest value of each line.
 * A range with no samples yet shows "No data yet" instead of empty axes.
 */
export function MetricChart({
  spec,
  results,
  thresholds,
}: {
  spec: ChartSpec;
  results: UseQueryResult<RangeAnswer, unknown>[];
  thresholds?: { warning: number; critical: number } | undefined;
}) {
  const answers = results.map((r) => r.data).filter((d): d is RangeAnswer => d !== undefined);
  const failed = results.find((r) => r.error && r.data === undefined);
  const title = spec.queries.length === 1 && answers[0] ? answers[0].query.title : spec.label;
  const unit = answers[0]?.query.unit ?? 'count';
  const headingId = `chart-${spec.key}`;

  const lines: ChartLine[] = answers.flatMap((answer) =>
    answer.series.map((s) => ({
      name: legendOf(answer.query.legend, s.labels, answer.query.title),
      points: s.values,
    })),
  );
  const hasData = lines.some((line) => line.points.some(([, v]) => v !== null));

  let body;
  if (failed) {
    body = (
      <ApiErrorView error={toApiErrorInfo(failed.error)} onRetry={() => void failed.refetch()} />
    );
  } else if (answers.length < results.length) {
    body = <LoadingState label="Loading samples" />;
  } else if (!hasData) {
    body = (
      <div className={styles.empty} data-testid="chart-empty">
        <p className="state-title">No data yet</p>
        <p className="muted">
          Nothing was recorded in this range yet; the line appears as the server samples its
          metrics.
        </p>
      </div>
    );
  } else {
    const rows = toRows(lines);
    const span = (rows.at(-1)!.t as number) - (rows[0]!.t as number);
    const tick = span < 30 * 60_000 ? clockSeconds : span <= 26 * 3_600_000 ? clock : day;
    const label = span <= 26 * 3_600_000 ? clockSeconds : dayAndClock;
    body = (
      <>
        <div className={styles.plot} aria-hidden="true">
          <ResponsiveContainer width="100%" height={180}>
            <LineChart data={rows} margin={{ top: 8, right: 12, bottom: 0, left: 4 }}>
              <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
              <XAxis
                dataKey="t"
                type="number"
                scale="time"
                domain={['dataMin', 'dataMax']}
                tickFormatter={(t: number) => tick.format(t)}
                stroke="var(--muted)"
                fontSize={11}
              />
              <YAxis
                width={64}
                tickFormatter={(v: number) => formatValue(unit, v)}
                stroke="var(--muted)"
                fontSize={11}
              />
              <Tooltip
                labelFormatter={(t) => label.format(Number(t))}
                formatter={(v) => formatValue(unit, typeof v === 'number' ? v : null)}
                contentStyle={{ background: 'var(--surface)', borderColor: 'var(--border)' }}
              />
              {thresholds && (
                <ReferenceLine
                  y={thresholds.warning}
                  stroke={WARNING_COLOR}
                  strokeDasharray="6 4"
                  ifOverflow="extendDomain"
                  label={{
                    value: 'warning',
                    position: 'insideTopRight',
                    fill: WARNING_COLOR,
                    fontSize: 11,
                  }}
                />
              )}
              {thresholds && (
                <ReferenceLine
                  y={thresholds.critical}
                  stroke={CRITICAL_COLOR}
                  strokeDasharray="6 4"
                  ifOverflow="extendDomain"
                  label={{
                    value: 'critical',
                    position: 'insideTopRight',
                    fill: CRITICAL_COLOR,
                    fontSize: 11,
                  }}
                />
              )}
              {lines.map((line, i) => (
                <Line
                  key={line.name}
                  dataKey={line.name}
                  stroke={COLORS[i % COLORS.length]}
                  dot={false}
                  strokeWidth={2}
                  connectNulls={false}
                  isAnimationActive={false}
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
        <ul className={styles.legend}>
          {lines.map((line, i) => (
            <li key={line.name}>
              <span className={styles.swatch} style={{ background: COLORS[i % COLORS.length] }} />
              {line.name}:{' '}
              <strong data-testid="chart-last-value">{formatValue(unit, lastValue(line))}</strong>
            </li>
          ))}
        </ul>
      </>
    );
  }

  return (
    <section
      className={`card ${styles.chart}`}
      aria-labelledby={headingId}
      data-testid={`chart-${spec.key}`}
    >
      <h2 id={headingId}>{title}</h2>
      {thresholds && spec.rule && (
        <p className={`muted ${styles.thresholds}`} data-testid="chart-thresholds">
          <Link href={`/alerts/?rule=${spec.rule}`}>{spec.rule}</Link>: warning{' '}
          {formatValue(unit, thresholds.warning)} · critical{' '}
          {formatValue(unit, thresholds.critical)}
        </p>
      )}
      {body}
    </section>
  );
}
