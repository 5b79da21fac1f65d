'use client';

import { useId, useState } from 'react';

import { LoadingState } from '@/components/states/loading-state';
import { ApiErrorView } from '@/components/states/api-error-view';
import { TREND_QUERIES, TREND_RANGES, useTrend, type TrendPoint } from '@/data/collection-trends';
import { toApiErrorInfo } from '@/lib/api-error';
import { formatBytes, formatRatio } from '@/lib/format';

import styles from './collections.module.css';
import { describeDays, linearForecast } from './forecast';
import { TrendChart } from './trend-chart';

const latest = (points: readonly TrendPoint[] | undefined): number | null => {
  for (let i = (points?.length ?? 0) - 1; i >= 0; i--) {
    const v = points![i]![1];
    if (v !== null) return v;
  }
  return null;
};

/**
 * A collection over time, from the server's own samples and the collections dashboard's
 * queries: fragmentation, index memory against the memory limit and the database's disk
 * against the file system, each with a linear fit over the range and the days until the limit.
 */
export function CollectionTrends({ name }: { name: string }) {
  const [range, setRange] = useState<number>(TREND_RANGES[1].ms);
  const rangeId = useId();
  const fragmentation = useTrend(TREND_QUERIES.fragmentation, range, name);
  const memory = useTrend(TREND_QUERIES.indexMemory, range, name);
  const memoryLimit = useTrend(TREND_QUERIES.memoryLimit, range);
  const disk = useTrend(TREND_QUERIES.diskUsed, range);
  const diskCapacity = useTrend(TREND_QUERIES.diskCapacity, range);

  const failed = [fragmentation, memory, disk].find((q) => q.error);
  return (
    <section aria-labelledby="trends-title" className="card stack">
      <div className="page-header">
        <h2 id="trends-title">Over time</h2>
        <div className="field">
          <label htmlFor={rangeId}>Range</label>
          <select id={rangeId} value={range} onChange={(e) => setRange(Number(e.target.value))}>
            {TREND_RANGES.map((r) => (
              <option key={r.ms} value={r.ms}>
                Last {r.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      {failed?.error && (
        <ApiErrorView error={toApiErrorInfo(failed.error)} title="Charts unavailable" />
      )}
      {fragmentation.isPending ? (
        <LoadingState label="Loading the charts" />
      ) : (
        <div className={styles.trends}>
          <TrendCard
            title="Fragmentation"
            testId="trend-fragmentation"
            points={fragmentation.data ?? []}
            format={formatRatio}
            caption="Deleted slots ÷ all slots of the index; compaction is recommended from 20%."
          />
          <TrendCard
            title="Index memory"
            testId="trend-memory"
            points={memory.data ?? []}
            format={formatBytes}
            limit={latest(memoryLimit.data)}
            limitName="the server's memory limit"
          />
          <TrendCard
            title="Disk (the whole database)"
            testId="trend-disk"
            points={disk.data ?? []}
            format={formatBytes}
            limit={latest(diskCapacity.data)}
            limitName="the file system's capacity"
            caption="The database file, its WAL and saved indexes: every collection together."
          />
        </div>
      )}
    </section>
  );
}

function TrendCard({
  title,
  testId,
  points,
  format,
  limit,
  limitName,
  caption,
}: {
  title: string;
  testId: string;
  points: readonly TrendPoint[];
  format: (v: number) => string;
  limit?: number | null;
  limitName?: string;
  caption?: string;
}) {
  const forecasting = limitName !== undefined;
  const forecast = forecasting ? linearForecast(points, limit ?? null) : null;
  const now = latest(points);
  return (
    <div className={styles['trend-card']} data-testid={testId}>
      <h3>{title}</h3>
      <p>
        <strong>{now === null ? 'no samples yet' : format(now)}</strong>
        {forecasting && limit != null && <span className="muted"> of {format(limit)}</span>}
      </p>
      {points.length === 0 ? (
        <p className="muted">No samples in this range yet: the server samples every few seconds.</p>
      ) : (
        <TrendChart
          label={title}
          points={points}
          format={format}
          limit={limit}
          forecast={forecast}
        />
      )}
      {forecasting && (
        <p data-testid={`${testId}-forecast`}>
          Days until {limitName}:{' '}
          <strong>
            {forecast ? describeDays(forecast.daysToLimit) : 'not enough samples to fit'}
          </strong>
          {forecast && (
            <span className="muted"> ({format(forecast.perDay)} a day by a linear fit)</span>
          )}
        </p>
      )}
      {caption && <p className="muted">{caption}</p>}
    </div>
  );
}
