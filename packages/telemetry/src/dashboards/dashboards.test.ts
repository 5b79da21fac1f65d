import { describe, expect, it } from 'vitest';

import { METRIC_CATALOGUE } from '../catalogue.js';
import { renderPromQL } from '../query/render-promql.js';
import { grafanaDashboard } from '../generate/grafana-dashboard.js';
import { ALERT_RULE_LIST } from '../rules/default-rules.js';
import { catalogueMetricOf, seriesNamesIn, unknownSeriesIn } from '../rules/metric-names.js';
import { DASHBOARDS } from './default-dashboards.js';

interface GrafanaPanel {
  title: string;
  datasource: { uid: string };
  targets: { expr: string; datasource: { uid: string } }[];
  fieldConfig: { defaults: { thresholds: { steps: { value: number | null }[] } } };
}

describe('dashboards', () => {
  it('are the overview, collections, storage and WAL, backups and alerts ones', () => {
    expect(DASHBOARDS.map((d) => d.file)).toEqual([
      'overview',
      'collections',
      'storage-and-wal',
      'backups',
      'alerts',
    ]);
    expect(new Set(DASHBOARDS.map((d) => d.uid)).size).toBe(DASHBOARDS.length);
  });

  it('query only metrics of the catalogue (and Prometheus built-ins)', () => {
    for (const d of DASHBOARDS) {
      for (const p of d.panels) {
        expect(p.queries.length, p.title).toBeGreaterThan(0);
        for (const q of p.queries)
          expect(unknownSeriesIn(renderPromQL(q.query)), `${d.uid}: ${p.title}`).toEqual([]);
        if (!d.collectionVariable) {
          for (const q of p.queries)
            expect(renderPromQL(q.query), p.title).not.toContain('$collection');
        }
      }
    }
  });

  it('chart every metric of the catalogue somewhere', () => {
    const charted = new Set(
      DASHBOARDS.flatMap((d) =>
        d.panels.flatMap((p) =>
          p.queries.flatMap((q) =>
            seriesNamesIn(renderPromQL(q.query)).map((s) => catalogueMetricOf(s)?.name),
          ),
        ),
      ),
    );
    const uncharted = METRIC_CATALOGUE.map((m) => m.name).filter((name) => !charted.has(name));
    expect(
      uncharted,
      'chart new metrics in src/dashboards/default-dashboards.ts, then run `npm run generate -w @needle/telemetry`',
    ).toEqual([]);
  });

  it('chart every rule on the alerts dashboard, with the rule thresholds', () => {
    const alerts = DASHBOARDS.find((d) => d.file === 'alerts')!;
    for (const rule of ALERT_RULE_LIST) {
      const panel = alerts.panels.find((p) => p.rule === rule.name);
      expect(panel, rule.name).toBeDefined();
      expect(renderPromQL(panel!.queries[0]!.query)).toBe(rule.expression);
    }
    const json = grafanaDashboard(alerts, ALERT_RULE_LIST) as { panels: GrafanaPanel[] };
    for (const rule of ALERT_RULE_LIST) {
      const panel = json.panels.find((p) => p.title === rule.summary)!;
      const steps = panel.fieldConfig.defaults.thresholds.steps.map((s) => s.value);
      // Steps ascend: warning then critical for a rule that fires above, reversed below.
      const { warning, critical } = rule.thresholds;
      expect(steps, rule.name).toEqual(
        rule.comparison === '>' ? [null, warning, critical] : [null, critical, warning],
      );
    }
  });

  it('read every panel from the datasource variable', () => {
    for (const d of DASHBOARDS) {
      const json = grafanaDashboard(d, ALERT_RULE_LIST) as { panels: GrafanaPanel[] };
      for (const p of json.panels) {
        expect(p.datasource.uid).toBe('${datasource}');
        for (const t of p.targets) expect(t.datasource.uid).toBe('${datasource}');
      }
    }
  });

  it('refuse a panel naming a rule that does not exist', () => {
    const broken = {
      ...DASHBOARDS[0]!,
      panels: [{ ...DASHBOARDS[0]!.panels[0]!, rule: 'NoSuchRule' }],
    };
    expect(() => grafanaDashboard(broken, ALERT_RULE_LIST)).toThrow(/NoSuchRule/);
  });
});
