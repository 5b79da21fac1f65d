import {
  alertHistory,
  listAlertRules,
  listAlerts,
  listTelemetryQueries,
  resetAlertThresholds,
  setAlertThresholds,
  telemetryRangeQuery,
} from '../handlers/alerts.js';
import { defineRoute } from '../http/api-route.js';
import type { ApiRoute } from '../http/api-route.js';
import {
  historyQuery,
  historyResponse,
  listAlertsResponse,
  listQueriesResponse,
  listRulesResponse,
  ruleParams,
  telemetryQuery,
  telemetryQueryResponse,
  thresholdChangeResponse,
  thresholdsBody,
} from '../schemas/alerts.js';

const read = { kind: 'api', operation: 'http', action: 'metrics.read' } as const;
const manage = { kind: 'api', operation: 'http', action: 'alerts.manage' } as const;

/**
 * The alerts the server evaluates over its own samples (`/alerts`), their thresholds
 * (`/admin/alerts`, changes audited), and range queries over those samples (`/telemetry`)
 * with the same queries as the Grafana dashboards.
 */
export const alertRoutes: readonly ApiRoute[] = [
  defineRoute({
    ...read,
    tag: 'alerts',
    id: 'listAlertRules',
    method: 'GET',
    path: '/alerts/rules',
    summary:
      'Alert rules with their default and effective thresholds and the state of each label set at each severity',
    status: 200,
    response: listRulesResponse,
    handle: (rt) => listAlertRules(rt),
  }),
  defineRoute({
    ...read,
    tag: 'alerts',
    id: 'listAlerts',
    method: 'GET',
    path: '/alerts',
    summary: 'Alerts pending or firing now',
    status: 200,
    response: listAlertsResponse,
    handle: (rt) => listAlerts(rt),
  }),
  defineRoute({
    ...read,
    tag: 'alerts',
    id: 'alertHistory',
    method: 'GET',
    path: '/alerts/history',
    summary:
      'Alert transitions (pending, firing, resolved), newest first, of every rule or one, paged with a cursor',
    query: historyQuery,
    status: 200,
    response: historyResponse,
    errors: ['INVALID_CURSOR'],
    handle: (rt, input) => alertHistory(rt, input.query),
  }),
  defineRoute({
    ...manage,
    tag: 'alerts',
    id: 'setAlertThresholds',
    method: 'POST',
    path: '/admin/alerts/rules/:rule/thresholds',
    summary:
      "Override a rule's warning and/or critical threshold, at once and across restarts (audited)",
    params: ruleParams,
    body: thresholdsBody,
    status: 200,
    response: thresholdChangeResponse,
    errors: ['ALERT_RULE_NOT_FOUND', 'INVALID_THRESHOLDS'],
    handle: (rt, input) => setAlertThresholds(rt, input.params.rule, input.body, input),
  }),
  defineRoute({
    ...manage,
    tag: 'alerts',
    id: 'resetAlertThresholds',
    method: 'DELETE',
    path: '/admin/alerts/rules/:rule/thresholds',
    summary: "Remove a rule's threshold override: its defaults apply again (audited)",
    params: ruleParams,
    status: 200,
    response: thresholdChangeResponse,
    errors: ['ALERT_RULE_NOT_FOUND'],
    handle: (rt, input) => resetAlertThresholds(rt, input.params.rule, input),
  }),
  defineRoute({
    ...read,
    tag: 'telemetry',
    id: 'listTelemetryQueries',
    method: 'GET',
    path: '/telemetry/queries',
    summary: 'The rule and dashboard panel queries the server can chart from its own samples',
    status: 200,
    response: listQueriesResponse,
    handle: (rt) => listTelemetryQueries(rt),
  }),
  defineRoute({
    ...read,
    tag: 'telemetry',
    id: 'telemetryQuery',
    method: 'GET',
    path: '/telemetry/query',
    summary:
      "Run a rule's or a dashboard panel's query over the server's own samples (or the configured Prometheus) at each step of a range",
    query: telemetryQuery,
    status: 200,
    response: telemetryQueryResponse,
    errors: [
      'QUERY_NOT_FOUND',
      'INVALID_QUERY_RANGE',
      'PROMETHEUS_NOT_CONFIGURED',
      'PROMETHEUS_QUERY_FAILED',
      'PROMETHEUS_UNAVAILABLE',
    ],
    handle: (rt, input) => telemetryRangeQuery(rt, input.query),
  }),
];
