'use client';

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

import type { TrendPoint } from '@/data/collection-trends';

import type { Forecast } from './forecast';

const time = (t: number) =>
  new Date(t * 1000).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });

/**
 * A metric over time, with its fitted trend dashed and a limit drawn when it is near enough
 * to the data to be read on the same scale (else the caption gives it).
 */
export function TrendChart({
  label,
  points,
  format,
  limit,
  forecast,
}: {
  label: string;
  points: readonly TrendPoint[];
  format: (value: number) => string;
  limit?: number | null;
  forecast?: Forecast | null;
}) {
  const data = points.map(([t, v]) => ({
    t,
    value: v,
    trend: forecast ? forecast.at(t) : undefined,
  }));
  const peak = Math.max(0, ...points.map(([, v]) => v ?? 0));
  const showLimit = limit != null && limit > 0 && limit <= peak * 4;
  return (
    <figure style={{ margin: 0 }} aria-label={label}>
      <ResponsiveContainer width="100%" height={180}>
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
          <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
          <XAxis
            dataKey="t"
            type="number"
            domain={['dataMin', 'dataMax']}
            tickFormatter={time}
            stroke="var(--muted)"
          />
          <YAxis
            tickFormatter={format}
            width={72}
            stroke="var(--muted)"
            domain={[0, showLimit ? limit : 'auto']}
          />
          <Tooltip
            labelFormatter={(t) => time(Number(t))}
            formatter={(v) => format(Number(v))}
            contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)' }}
          />
          <Line
            type="monotone"
            dataKey="value"
            name={label}
            stroke="var(--accent)"
            dot={false}
            isAnimationActive={false}
            connectNulls
          />
          {forecast && (
            <Line
              type="linear"
              dataKey="trend"
              name="linear fit"
              stroke="var(--muted)"
              strokeDasharray="5 4"
              dot={false}
              isAnimationActive={false}
            />
          )}
          {showLimit && (
            <ReferenceLine y={limit} stroke="var(--danger)" strokeDasharray="4 2" label="limit" />
          )}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
