import type { TrendPoint } from '@/data/collection-trends';

/** A least-squares line through a series, and when it reaches a limit. */
export interface Forecast {
  /** Growth per day of the fitted line (negative when shrinking). */
  perDay: number;
  /** Days from the last sample until the line reaches the limit; null when it never does. */
  daysToLimit: number | null;
  /** The fitted value at `t` (seconds since the epoch). */
  at: (t: number) => number;
}

/**
 * Fits `value = a + b·t` over the samples (a linear fit over the charted range) and says how
 * many days until it reaches `limit`. Null with fewer than two samples or no time spread.
 */
export function linearForecast(
  points: readonly TrendPoint[],
  limit: number | null,
): Forecast | null {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [t, v] of points) {
    if (v === null) continue;
    xs.push(t);
    ys.push(v);
  }
  const n = xs.length;
  if (n < 2) return null;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  const at = (t: number) => my + slope * (t - mx);
  const last = xs[n - 1]!;
  let daysToLimit: number | null = null;
  if (limit !== null && slope > 0) {
    const seconds = (limit - at(last)) / slope;
    daysToLimit = Math.max(0, seconds / 86_400);
  }
  return { perDay: slope * 86_400, daysToLimit, at };
}

/** `1234.5` days → `about 1,235 days`; over ten years → `more than 10 years`. */
export function describeDays(days: number | null): string {
  if (days === null) return 'not growing: no limit in sight';
  if (days > 3650) return 'more than 10 years';
  if (days < 1) return 'less than a day';
  return `about ${Math.round(days).toLocaleString('en-US')} days`;
}
