import { formatBytes, formatCount } from './format';

/**
 * A unit of the server's rules and panels (`PanelDefinition['unit']` of `@needle/telemetry`):
 * `seconds`, `ratio`, `bytes`, `count`, `ops` or `boolean`; others are shown as plain numbers.
 */
export type MetricUnit = string;

const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** A duration in seconds for people: `0.0042` → `4.2 ms`, `93600` → `26 h`. */
export function formatSeconds(seconds: number): string {
  const abs = Math.abs(seconds);
  if (abs === 0) return '0 ms';
  if (abs < 0.001) return `${decimal.format(seconds * 1_000_000)} µs`;
  if (abs < 1) return `${decimal.format(seconds * 1000)} ms`;
  if (abs < 120) return `${decimal.format(seconds)} s`;
  if (abs < 7200) return `${decimal.format(seconds / 60)} min`;
  return `${decimal.format(seconds / 3600)} h`;
}

/** A ratio as a percentage with enough digits for small ones: `0.001` → `0.1%`. */
export function formatPercent(ratio: number): string {
  const pct = ratio * 100;
  const abs = Math.abs(pct);
  const digits = abs === 0 || abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return `${Number(pct.toFixed(digits)).toString()}%`;
}

/**
 * A value in its unit, for axes, tooltips and tables: bytes in KiB/MiB, seconds in ms or s,
 * ratios in %, rates per second.
 */
export function formatValue(unit: MetricUnit, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  switch (unit) {
    case 'seconds':
      return formatSeconds(value);
    case 'ratio':
      return formatPercent(value);
    case 'bytes':
      return formatBytes(value);
    case 'ops':
      return `${decimal.format(value)}/s`;
    case 'boolean':
      return value >= 1 ? 'yes' : 'no';
    case 'count':
      return Number.isInteger(value) ? formatCount(value) : decimal.format(value);
    default:
      return decimal.format(value);
  }
}

/** What a value in `unit` is measured in, for form hints. */
export function unitName(unit: MetricUnit): string {
  switch (unit) {
    case 'seconds':
      return 'seconds (0.1 = 100 ms)';
    case 'ratio':
      return 'a ratio (0.8 = 80%)';
    case 'bytes':
      return 'bytes';
    default:
      return unit;
  }
}
