import type { AlertRuleDefinition, Severity } from './alert-rule.js';

/** What {@link overrideRules} may change in one rule: thresholds and the for-duration. */
export interface AlertRuleOverride {
  /** New thresholds; a severity not given keeps its own. */
  readonly thresholds?: Partial<Readonly<Record<Severity, number>>>;
  /** A new for-duration, e.g. `0s` to fire at the first evaluation that breaches. */
  readonly for?: string;
}

/**
 * The rules with some of them changed, by alert name: a lowered threshold or a shorter `for`,
 * so an end-to-end check (a test against a real Prometheus, a staging setup) can make a rule
 * fire in seconds while its expression, labels, annotations and runbook stay as defined. Pass
 * the result to the generators (`generateArtefacts`). A name no rule has throws, so a renamed
 * rule cannot leave an override silently unused.
 *
 * @example
 * ```ts
 * import { ALERT_RULE_LIST, generateArtefacts, overrideRules } from '@needle/telemetry';
 * const rules = overrideRules(ALERT_RULE_LIST, {
 *   NeedleWalLagHigh: { thresholds: { warning: 1024 }, for: '0s' },
 * });
 * const yaml = generateArtefacts(rules).get('grafana/alerts/needle-rules.yml');
 * ```
 */
export function overrideRules(
  rules: readonly AlertRuleDefinition[],
  overrides: Readonly<Record<string, AlertRuleOverride>>,
): AlertRuleDefinition[] {
  const names = new Set(rules.map((r) => r.name));
  for (const name of Object.keys(overrides)) {
    if (!names.has(name)) throw new Error(`overrideRules: no rule is named ${name}`);
  }
  return rules.map((rule) => {
    const override = overrides[rule.name];
    if (!override) return rule;
    return {
      ...rule,
      thresholds: { ...rule.thresholds, ...override.thresholds },
      for: override.for ?? rule.for,
    };
  });
}
