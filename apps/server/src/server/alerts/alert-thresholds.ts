import { ApiError } from '@needle/api';
import type { ThresholdChange } from '@needle/api';
import type { Database } from '@needle/engine';
import type { AlertRuleDefinition, Severity } from '@needle/telemetry';
import { z } from 'zod';

/** The system record set holding threshold overrides, by alert name. */
export const THRESHOLDS_NAMESPACE = 'alert-thresholds';

const overrideSchema = z.object({
  warning: z.number(),
  critical: z.number(),
  updatedBy: z.string(),
});

/** A rule's thresholds as an admin set them. */
export interface ThresholdOverride {
  readonly warning: number;
  readonly critical: number;
  readonly updatedBy: string;
  readonly updatedAt: number;
}

type Thresholds = Readonly<Record<Severity, number>>;

/**
 * The thresholds in force: each rule's defaults, or the override an admin set (kept in the
 * database's system records, so it holds across restarts). Reads come from memory; `load()`
 * reads the records again when the database opens (and after an in-place restore).
 */
export class AlertThresholds {
  readonly #rules: readonly AlertRuleDefinition[];
  readonly #database: () => Database;
  #overrides = new Map<string, ThresholdOverride>();

  constructor(rules: readonly AlertRuleDefinition[], database: () => Database) {
    this.#rules = rules;
    this.#database = database;
  }

  #records(db = this.#database()) {
    return db.system.records(THRESHOLDS_NAMESPACE, overrideSchema);
  }

  /** Reads the overrides of a database just opened (those of unknown rules are ignored). */
  load(db: Database): void {
    const names = new Set(this.#rules.map((r) => r.name));
    this.#overrides = new Map(
      this.#records(db)
        .list()
        .filter((r) => names.has(r.key))
        .map((r) => [r.key, { ...r.value, updatedAt: r.updatedAt }]),
    );
  }

  /** The thresholds in force for a rule. */
  effective(rule: AlertRuleDefinition): Thresholds {
    const o = this.#overrides.get(rule.name);
    return o ? { warning: o.warning, critical: o.critical } : rule.thresholds;
  }

  /** The override in force, or undefined when the defaults apply. */
  override(rule: AlertRuleDefinition): ThresholdOverride | undefined {
    return this.#overrides.get(rule.name);
  }

  /** Overrides one or both thresholds; the other keeps its effective value. */
  async set(
    name: string,
    change: Partial<Thresholds>,
    updatedBy: string,
  ): Promise<ThresholdChange> {
    const rule = this.rule(name);
    const previous = this.effective(rule);
    const next = { ...previous, ...change };
    checkThresholds(rule, next);
    await this.#records().put(rule.name, { ...next, updatedBy });
    this.#overrides.set(rule.name, { ...next, updatedBy, updatedAt: Date.now() });
    return {
      rule: rule.name,
      previous,
      thresholds: next,
      defaults: rule.thresholds,
      overridden: true,
    };
  }

  /** Removes a rule's override: its defaults apply again. */
  async reset(name: string): Promise<ThresholdChange> {
    const rule = this.rule(name);
    const previous = this.effective(rule);
    await this.#records().delete(rule.name);
    this.#overrides.delete(rule.name);
    return {
      rule: rule.name,
      previous,
      thresholds: rule.thresholds,
      defaults: rule.thresholds,
      overridden: false,
    };
  }

  /** The rule with this alert name; 404 `ALERT_RULE_NOT_FOUND` when none. */
  rule(name: string): AlertRuleDefinition {
    const rule = this.#rules.find((r) => r.name === name);
    if (!rule) {
      throw new ApiError(
        404,
        'ALERT_RULE_NOT_FOUND',
        `no alert rule is named "${name}"`,
        'GET /v1/alerts/rules lists the rules by name, e.g. NeedleMemoryHigh.',
      );
    }
    return rule;
  }
}

/**
 * Checks thresholds: finite numbers, and the warning less severe than the critical one (below
 * it for a `>` rule, above it for a `<` rule), so a critical alert always has its warning.
 */
export function checkThresholds(rule: AlertRuleDefinition, t: Thresholds): void {
  if (!Number.isFinite(t.warning) || !Number.isFinite(t.critical)) {
    throw new ApiError(
      400,
      'INVALID_THRESHOLDS',
      'thresholds must be finite numbers',
      `Give numbers in the rule's unit (${rule.unit}).`,
    );
  }
  const ordered = rule.comparison === '>' ? t.warning < t.critical : t.warning > t.critical;
  if (!ordered) {
    const word = rule.comparison === '>' ? 'below' : 'above';
    throw new ApiError(
      400,
      'INVALID_THRESHOLDS',
      `${rule.name} fires when its value is ${rule.comparison} the threshold, so the warning (${t.warning}) must be ${word} the critical one (${t.critical})`,
      `Give a warning ${word} ${String(t.critical)}, or change the critical threshold too.`,
    );
  }
}
