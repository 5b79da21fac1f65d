import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { describe, expect, it } from 'vitest';

import { METRIC_CATALOGUE } from '../catalogue.js';
import { catalogueMetricOf, seriesNamesIn, unknownSeriesIn } from './metric-names.js';
import { ALERT_RULE_LIST, ALERT_RULES, ALERT_RUNBOOK } from './default-rules.js';

const REPO_ROOT = resolve(import.meta.dirname, '../../../..');

/** GitHub's anchor of a Markdown heading. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replace(/ /g, '-');
}

describe('alert rules', () => {
  it('name only metrics of the catalogue, and carry only labels those metrics have', () => {
    for (const rule of ALERT_RULE_LIST) {
      expect(unknownSeriesIn(rule.expression), rule.name).toEqual([]);
      const metrics = seriesNamesIn(rule.expression).map((s) => catalogueMetricOf(s)!);
      expect(metrics.length, rule.name).toBeGreaterThan(0);
      const labels = new Set(metrics.flatMap((m) => m.labels));
      for (const label of rule.labels) expect(labels, `${rule.name} ${label}`).toContain(label);
    }
  });

  it('are named once, with a critical threshold beyond the warning one and a valid for', () => {
    const names = ALERT_RULE_LIST.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    for (const rule of ALERT_RULE_LIST) {
      expect(rule.name).toMatch(/^Needle[A-Z][A-Za-z]+$/);
      expect(rule.for).toMatch(/^\d+[smhd]$/);
      const { warning, critical } = rule.thresholds;
      if (rule.comparison === '>') expect(critical, rule.name).toBeGreaterThan(warning);
      else expect(critical, rule.name).toBeLessThan(warning);
      expect(rule.expression).not.toMatch(/[<>]=?\s*[\d.]+\s*$/);
    }
  });

  it("hold the production checklist's thresholds", () => {
    const MiB = 1024 * 1024;
    expect(ALERT_RULES.searchLatency.thresholds).toEqual({ warning: 0.1, critical: 0.5 });
    expect(ALERT_RULES.errorRate.thresholds).toEqual({ warning: 0.001, critical: 0.01 });
    expect(ALERT_RULES.memoryUsage.thresholds).toEqual({ warning: 0.8, critical: 0.95 });
    expect(ALERT_RULES.diskUsage.thresholds).toEqual({ warning: 0.7, critical: 0.9 });
    expect(ALERT_RULES.walLag.thresholds).toEqual({ warning: 100 * MiB, critical: 1024 * MiB });
  });

  it('link to a section of the alerts runbook that exists', () => {
    const runbook = readFileSync(resolve(REPO_ROOT, ALERT_RUNBOOK), 'utf8');
    const anchors = new Set([...runbook.matchAll(/^#{2,3} (.+)$/gm)].map((m) => anchorOf(m[1]!)));
    for (const rule of ALERT_RULE_LIST) {
      const [file, anchor] = rule.runbook.split('#');
      expect(file).toBe(ALERT_RUNBOOK);
      expect(anchors, rule.name).toContain(anchor);
      expect(runbook, rule.name).toContain(rule.name);
    }
  });
});

describe('metric names in PromQL', () => {
  it('resolve histogram series to their metric and report names the catalogue lacks', () => {
    const expr =
      'histogram_quantile(0.99, rate(needle_search_latency_seconds_bucket[5m])) / needle_made_up_total + on() up';
    expect(seriesNamesIn(expr)).toEqual([
      'needle_search_latency_seconds_bucket',
      'needle_made_up_total',
      'up',
    ]);
    expect(catalogueMetricOf('needle_search_latency_seconds_bucket')?.name).toBe(
      'needle_search_latency_seconds',
    );
    // A gauge has no _bucket series.
    expect(catalogueMetricOf('needle_wal_bytes_bucket')).toBeUndefined();
    expect(unknownSeriesIn(expr)).toEqual(['needle_made_up_total']);
    expect(
      unknownSeriesIn(
        expr,
        METRIC_CATALOGUE.filter((m) => m.group !== 'queries'),
      ),
    ).toEqual(['needle_search_latency_seconds_bucket', 'needle_made_up_total']);
  });
});
