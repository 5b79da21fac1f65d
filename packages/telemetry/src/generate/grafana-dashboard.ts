import { METRICS } from '../catalogue.js';
import { renderPromQL } from '../query/render-promql.js';
import type { AlertRuleDefinition } from '../rules/alert-rule.js';
import type { DashboardDefinition, PanelDefinition } from '../dashboards/dashboard-definition.js';

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;

const GRAFANA_UNITS: Record<PanelDefinition['unit'], string> = {
  seconds: 's',
  bytes: 'bytes',
  ratio: 'percentunit',
  count: 'short',
  timestamp_seconds: 'dateTimeFromNow',
  boolean: 'bool',
  ops: 'ops',
  none: 'none',
};

function thresholdSteps(rule: AlertRuleDefinition | undefined): object[] {
  if (rule === undefined) return [{ color: 'green', value: null }];
  const { warning, critical } = rule.thresholds;
  return rule.comparison === '>'
    ? [
        { color: 'green', value: null },
        { color: 'orange', value: warning },
        { color: 'red', value: critical },
      ]
    : [
        { color: 'red', value: null },
        { color: 'orange', value: critical },
        { color: 'green', value: warning },
      ];
}

function panel(
  def: PanelDefinition,
  index: number,
  rules: ReadonlyMap<string, AlertRuleDefinition>,
): object {
  const rule = def.rule === undefined ? undefined : rules.get(def.rule);
  if (def.rule !== undefined && rule === undefined) {
    throw new Error(`panel "${def.title}" names the unknown rule ${def.rule}`);
  }
  const defaults: Record<string, unknown> = {
    unit: GRAFANA_UNITS[def.unit],
    thresholds: { mode: 'absolute', steps: thresholdSteps(rule) },
  };
  if (def.kind === 'timeseries') {
    defaults.custom = {
      drawStyle: 'line',
      fillOpacity: 10,
      thresholdsStyle: { mode: rule === undefined ? 'off' : 'line+area' },
    };
  }
  const options =
    def.kind === 'timeseries'
      ? { legend: { displayMode: 'list', placement: 'bottom' }, tooltip: { mode: 'multi' } }
      : def.kind === 'stat'
        ? {
            reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
            colorMode: 'value',
          }
        : { showHeader: true };
  return {
    id: index + 1,
    type: def.kind,
    title: def.title,
    description: def.description,
    datasource: DATASOURCE,
    gridPos: { h: 8, w: 12, x: (index % 2) * 12, y: Math.floor(index / 2) * 8 },
    targets: def.queries.map((q, i) => ({
      refId: String.fromCharCode(65 + i),
      datasource: DATASOURCE,
      expr: renderPromQL(q.query),
      legendFormat: q.legend,
      ...(def.kind === 'table' ? { instant: true, format: 'table' } : {}),
    })),
    fieldConfig: { defaults, overrides: [] },
    options,
  };
}

/** A dashboard as Grafana dashboard JSON; its datasource is the `datasource` variable. */
export function grafanaDashboard(
  def: DashboardDefinition,
  rules: readonly AlertRuleDefinition[],
): object {
  const byName = new Map(rules.map((r) => [r.name, r]));
  const variables: object[] = [
    {
      name: 'datasource',
      label: 'Data source',
      type: 'datasource',
      query: 'prometheus',
      current: {},
      hide: 0,
      refresh: 1,
    },
  ];
  if (def.collectionVariable === true) {
    const query = `label_values(${METRICS.vectorCount.name}, collection)`;
    variables.push({
      name: 'collection',
      label: 'Collection',
      type: 'query',
      datasource: DATASOURCE,
      definition: query,
      query: { query, refId: 'collection' },
      includeAll: true,
      multi: true,
      allValue: '.*',
      current: {},
      hide: 0,
      refresh: 2,
      sort: 1,
    });
  }
  return {
    uid: def.uid,
    title: def.title,
    description: def.description,
    tags: ['needle'],
    editable: false,
    schemaVersion: 39,
    version: 1,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    timezone: 'browser',
    templating: { list: variables },
    annotations: { list: [] },
    links: [{ title: 'Needle', type: 'dashboards', tags: ['needle'], asDropdown: true }],
    panels: def.panels.map((p, i) => panel(p, i, byName)),
  };
}
