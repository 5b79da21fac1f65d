'use client';

import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

import { formatBytes, formatCount } from '@/lib/format';

/** Month-by-month index memory against the memory budget, and the month it is crossed. */
export function GrowthProjectionChart({
  projection,
  budget,
  exceededMonth,
}: {
  projection: readonly { month: number; vectors: number; memory_bytes: number }[];
  budget: number | null;
  exceededMonth: number | null;
}) {
  return (
    <figure
      style={{ margin: 0 }}
      aria-label="Memory projection over 12 months"
      data-testid="projection-chart"
    >
      <ResponsiveContainer width="100%" height={260}>
        <LineChart data={[...projection]} margin={{ top: 8, right: 24, bottom: 8, left: 8 }}>
          <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
          <XAxis dataKey="month" stroke="var(--muted)" tickFormatter={(m) => `M${m}`} />
          <YAxis
            stroke="var(--muted)"
            width={80}
            tickFormatter={(v) => formatBytes(Number(v))}
            domain={[0, (max: number) => Math.max(max, budget ?? 0) * 1.05]}
          />
          <Tooltip
            labelFormatter={(m) => `Month ${Number(m)}`}
            formatter={(v, key) =>
              key === 'vectors' ? formatCount(Number(v)) : formatBytes(Number(v))
            }
            contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)' }}
          />
          <Legend />
          <Line
            type="monotone"
            dataKey="memory_bytes"
            name="index memory"
            stroke="var(--accent)"
            isAnimationActive={false}
          />
          {budget !== null && (
            <ReferenceLine y={budget} stroke="var(--danger)" strokeDasharray="4 2" label="budget" />
          )}
          {exceededMonth !== null && (
            <ReferenceLine
              x={exceededMonth}
              stroke="var(--danger)"
              label={`over budget: M${exceededMonth}`}
            />
          )}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
