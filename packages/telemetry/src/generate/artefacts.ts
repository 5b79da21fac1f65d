import { DASHBOARDS } from '../dashboards/default-dashboards.js';
import type { DashboardDefinition } from '../dashboards/dashboard-definition.js';
import type { AlertRuleDefinition } from '../rules/alert-rule.js';
import { ALERT_RULE_LIST } from '../rules/default-rules.js';
import { grafanaDashboard } from './grafana-dashboard.js';
import {
  alertmanagerExample,
  dashboardProvisioning,
  datasourceProvisioning,
  type AlertmanagerExampleOptions,
} from './grafana-provisioning.js';
import { prometheusRulesFile } from './prometheus-rules.js';
import { promtoolTestsFile } from './promtool-tests.js';

/** The directory, relative to the repository root, every generated file is under. */
export const ARTEFACTS_DIR = 'grafana';

/** Options of {@link generateArtefacts}; the defaults give the committed files. */
export interface GenerateOptions {
  /** Receivers and waits of the Alertmanager example. */
  readonly alertmanager?: AlertmanagerExampleOptions;
}

/**
 * Every generated file, by path relative to the repository root, with its content. The
 * generate script writes these; the drift test compares them with the committed files.
 * Other rules (see `overrideRules`) and options give the same files for a test setup.
 *
 * @example
 * ```ts
 * const files = generateArtefacts(ALERT_RULE_LIST, DASHBOARDS, {
 *   alertmanager: { receiverUrl: 'http://127.0.0.1:9099', groupWait: '1s' },
 * });
 * files.get('grafana/alertmanager/alertmanager.example.yml');
 * ```
 */
export function generateArtefacts(
  rules: readonly AlertRuleDefinition[] = ALERT_RULE_LIST,
  dashboards: readonly DashboardDefinition[] = DASHBOARDS,
  options: GenerateOptions = {},
): Map<string, string> {
  const files = new Map<string, string>();
  for (const d of dashboards) {
    files.set(
      `${ARTEFACTS_DIR}/dashboards/${d.file}.json`,
      `${JSON.stringify(grafanaDashboard(d, rules), null, 2)}\n`,
    );
  }
  files.set(`${ARTEFACTS_DIR}/provisioning/datasources/prometheus.yml`, datasourceProvisioning());
  files.set(`${ARTEFACTS_DIR}/provisioning/dashboards/needle.yml`, dashboardProvisioning());
  files.set(`${ARTEFACTS_DIR}/alerts/needle-rules.yml`, prometheusRulesFile(rules));
  files.set(`${ARTEFACTS_DIR}/alerts/needle-rules.test.yml`, promtoolTestsFile(rules));
  files.set(
    `${ARTEFACTS_DIR}/alertmanager/alertmanager.example.yml`,
    alertmanagerExample(options.alertmanager),
  );
  return files;
}
