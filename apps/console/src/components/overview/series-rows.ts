/** One series of a range query's answer. */
export interface RangeSeries {
  labels: Record<string, string>;
  values: [number, number | null][];
}

/** A line of a chart: its legend and its points. */
export interface ChartLine {
  name: string;
  points: [number, number | null][];
}

/** `{{collection}}`-style legend with the series' labels filled in (Grafana's format). */
export function legendOf(format: string, labels: Record<string, string>, fallback: string): string {
  const text = format.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => labels[name] ?? '');
  return text.trim().replace(/\s+/g, ' ') || fallback;
}

/**
 * Rows for recharts, one per timestamp: `{ t, [line name]: value }`. Timestamps are ms
 * since the epoch.
 */
export function toRows(lines: readonly ChartLine[]): Record<string, number | null>[] {
  const byTime = new Map<number, Record<string, number | null>>();
  for (const line of lines) {
    for (const [seconds, value] of line.points) {
      const t = seconds * 1000;
      let row = byTime.get(t);
      if (!row) {
        row = { t };
        byTime.set(t, row);
      }
      row[line.name] = value;
    }
  }
  return [...byTime.values()].sort((a, b) => (a.t as number) - (b.t as number));
}

/** The last non-null value of a line, or null. */
export function lastValue(line: ChartLine): number | null {
  for (let i = line.points.length - 1; i >= 0; i -= 1) {
    const v = line.points[i]![1];
    if (v !== null) return v;
  }
  return null;
}
