import { SEVERITIES, type AlertRuleDefinition, type Severity } from '../rules/alert-rule.js';
import { formatThreshold } from './format.js';
import { toYaml, type YamlObject } from './yaml.js';

/** The PromQL condition of a rule at a severity: `<expression> > <threshold>`. */
export function alertCondition(rule: AlertRuleDefinition, severity: Severity): string {
  return `${rule.expression} ${rule.comparison} ${String(rule.thresholds[severity])}`;
}

/** The annotations a rule's alert carries at a severity (static: no templates). */
export function alertAnnotations(
  rule: AlertRuleDefinition,
  severity: Severity,
): Record<string, string> {
  return {
    summary: rule.summary,
    description: `${rule.description} Fires at ${formatThreshold(rule, severity)} for ${rule.for}.`,
    runbook_url: rule.runbook,
  };
}

/** Prometheus rule groups: one alerting rule per rule per severity. */
export function prometheusRules(rules: readonly AlertRuleDefinition[]): YamlObject {
  return {
    groups: [
      {
        name: 'needle',
        rules: rules.flatMap((rule) =>
          SEVERITIES.map((severity) => ({
            alert: rule.name,
            expr: alertCondition(rule, severity),
            for: rule.for,
            labels: { severity },
            annotations: alertAnnotations(rule, severity),
          })),
        ),
      },
    ],
  };
}

export const GENERATED_HEADER =
  'Generated from packages/telemetry (npm run generate -w @needle/telemetry). Do not edit.';

/** `grafana/alerts/needle-rules.yml`. */
export function prometheusRulesFile(rules: readonly AlertRuleDefinition[]): string {
  return toYaml(prometheusRules(rules), GENERATED_HEADER);
}
