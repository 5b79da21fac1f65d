import type { AlertRuleDefinition, Severity } from '../rules/alert-rule.js';

const KiB = 1024;

function trim(n: number): string {
  return String(Number(n.toFixed(3)));
}

/** A threshold as people read it: `100 ms`, `1 GiB`, `0.1%`, `26 h`. */
export function formatValue(value: number, unit: AlertRuleDefinition['unit']): string {
  switch (unit) {
    case 'seconds':
      if (value >= 3600) return `${trim(value / 3600)} h`;
      if (value >= 1) return `${trim(value)} s`;
      return `${trim(value * 1000)} ms`;
    case 'bytes':
      if (value >= KiB ** 3) return `${trim(value / KiB ** 3)} GiB`;
      if (value >= KiB ** 2) return `${trim(value / KiB ** 2)} MiB`;
      return `${trim(value)} B`;
    case 'ratio':
      return `${trim(value * 100)}%`;
    case 'count':
    case 'boolean':
    case 'timestamp_seconds':
      return trim(value);
  }
}

/** `> 100 ms` — the comparison a severity fires on. */
export function formatThreshold(rule: AlertRuleDefinition, severity: Severity): string {
  return `${rule.comparison} ${formatValue(rule.thresholds[severity], rule.unit)}`;
}
