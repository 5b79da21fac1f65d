import { LATENCY_BUCKETS, METRICS } from '../catalogue.js';
import { SEVERITIES, type AlertRuleDefinition, type Severity } from '../rules/alert-rule.js';
import { ALERT_RULES, type AlertRuleKey } from '../rules/default-rules.js';
import { alertAnnotations, GENERATED_HEADER } from './prometheus-rules.js';
import { toYaml, type YamlObject } from './yaml.js';

/** One input series of a promtool test, in promtool's expanding notation. */
interface InputSeries {
  readonly series: string;
  readonly values: string;
}

/**
 * How to drive a rule's expression to a value in promtool: the values to test at each
 * severity (a warning value breaches only the warning threshold), the series that make the
 * expression evaluate to a value at `evalMinutes`, and the labels the alert then carries.
 */
export interface RuleFixture {
  readonly values: Readonly<Record<Severity, number>>;
  readonly labels: Readonly<Record<string, string>>;
  build(value: number): { readonly evalMinutes: number; readonly series: readonly InputSeries[] };
}

const STEPS = 20;
const MiB = 1024 * 1024;

/** A series constant at `value` for `steps` minutes. */
function constant(series: string, value: number, steps = STEPS): InputSeries {
  return { series, values: `${String(value)}+0x${String(steps)}` };
}

/** A counter rising by `perMinute` each minute. */
function rising(series: string, perMinute: number, steps = STEPS): InputSeries {
  return { series, values: `0+${String(perMinute)}x${String(steps)}` };
}

/**
 * Fixtures for the default rules. Every rule needs one: the generator refuses a rule set with
 * a rule it cannot test.
 */
export const RULE_FIXTURES: Readonly<Record<AlertRuleKey, RuleFixture>> = {
  searchLatency: {
    values: { warning: 0.3, critical: 0.75 },
    labels: { collection: 'docs' },
    build(value) {
      // Every observation falls in the bucket holding `value`; p99 interpolates inside it.
      const upper = LATENCY_BUCKETS.find((b) => b >= value);
      if (upper === undefined) throw new Error(`no latency bucket holds ${String(value)}`);
      const les = [...LATENCY_BUCKETS.map(String), '+Inf'];
      return {
        evalMinutes: STEPS,
        series: les.map((le) => {
          const name = `${METRICS.searchLatency.name}_bucket{collection="docs",operation="search",le="${le}"}`;
          return le !== '+Inf' && Number(le) < upper ? constant(name, 0) : rising(name, 60);
        }),
      };
    },
  },
  errorRate: {
    values: { warning: 0.005, critical: 0.02 },
    labels: {},
    build(value) {
      return {
        evalMinutes: STEPS,
        series: [
          rising(
            `${METRICS.httpRequests.name}{method="POST",path="/collections/:name/search",status="200"}`,
            1000,
          ),
          rising(
            `${METRICS.errorCount.name}{operation="search",code="INTERNAL_ERROR"}`,
            1000 * value,
          ),
        ],
      };
    },
  },
  memoryUsage: {
    values: { warning: 0.9, critical: 0.98 },
    labels: {},
    build(value) {
      const limit = 1e9;
      return {
        evalMinutes: STEPS,
        series: [
          constant(METRICS.memoryUsage.name, Math.round(value * limit)),
          constant(METRICS.memoryLimit.name, limit),
        ],
      };
    },
  },
  diskUsage: {
    values: { warning: 0.8, critical: 0.95 },
    labels: {},
    build(value) {
      const capacity = 1e12;
      return {
        evalMinutes: STEPS,
        series: [
          constant(METRICS.diskAvailable.name, Math.round((1 - value) * capacity)),
          constant(METRICS.diskCapacity.name, capacity),
        ],
      };
    },
  },
  walLag: {
    values: { warning: 500 * MiB, critical: 2048 * MiB },
    labels: {},
    build(value) {
      return { evalMinutes: STEPS, series: [constant(METRICS.walBytes.name, value)] };
    },
  },
  backupAge: {
    values: { warning: 37 * 3600, critical: 72 * 3600 },
    labels: {},
    build(value) {
      return { evalMinutes: STEPS, series: [constant(METRICS.backupAge.name, value)] };
    },
  },
  restoreDrillFailures: {
    values: { warning: 1, critical: 3 },
    labels: {},
    build(value) {
      // An hour of passing drills, then `value` failures, then an hour more.
      return {
        evalMinutes: 121,
        series: [
          {
            series: METRICS.backupVerifyFailures.name,
            values: `0+0x60 ${String(value)}+0x60`,
          },
        ],
      };
    },
  },
  searchRecall: {
    values: { warning: 0.93, critical: 0.8 },
    labels: { collection: 'docs' },
    build(value) {
      return {
        evalMinutes: STEPS,
        series: [constant(`${METRICS.recallEstimate.name}{collection="docs"}`, value)],
      };
    },
  },
};

function breaches(rule: AlertRuleDefinition, value: number, severity: Severity): boolean {
  const t = rule.thresholds[severity];
  return rule.comparison === '>' ? value > t : value < t;
}

function testCase(rule: AlertRuleDefinition, fixture: RuleFixture, severity: Severity): YamlObject {
  const value = fixture.values[severity];
  const firing = SEVERITIES.filter((s) => breaches(rule, value, s));
  if (!firing.includes(severity) || (severity === 'warning' && firing.includes('critical'))) {
    throw new Error(
      `${rule.name}: the ${severity} test value ${String(value)} must breach the ${severity} threshold only`,
    );
  }
  const { evalMinutes, series } = fixture.build(value);
  return {
    name: `${rule.name} ${severity}`,
    interval: '1m',
    input_series: series.map((s) => ({ series: s.series, values: s.values })),
    alert_rule_test: [
      {
        eval_time: `${String(evalMinutes)}m`,
        alertname: rule.name,
        exp_alerts: firing.map((s) => ({
          exp_labels: { severity: s, ...fixture.labels },
          exp_annotations: alertAnnotations(rule, s),
        })),
      },
    ],
  };
}

/** `grafana/alerts/needle-rules.test.yml`: each rule at warning and at critical. */
export function promtoolTestsFile(
  rules: readonly AlertRuleDefinition[],
  fixtures: Readonly<Record<string, RuleFixture>> = RULE_FIXTURES,
): string {
  const byName = new Map<string, RuleFixture | undefined>(
    Object.entries(ALERT_RULES).map(([key, rule]) => [rule.name, fixtures[key]]),
  );
  const tests = rules.flatMap((rule) => {
    const fixture = byName.get(rule.name);
    if (fixture === undefined) throw new Error(`${rule.name} has no promtool fixture`);
    return SEVERITIES.map((severity) => testCase(rule, fixture, severity));
  });
  return toYaml(
    { rule_files: ['needle-rules.yml'], evaluation_interval: '1m', tests },
    GENERATED_HEADER,
  );
}
