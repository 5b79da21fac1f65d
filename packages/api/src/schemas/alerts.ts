import { z } from 'zod';

const severity = z.enum(['warning', 'critical']);
const labels = z.record(z.string(), z.string());
const thresholds = z.object({ warning: z.number(), critical: z.number() });

/** An alert rule's name, e.g. `NeedleMemoryHigh`. */
export const ruleParams = z.object({
  rule: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_]{0,127}$/, 'expected an alert name such as NeedleMemoryHigh')
    .meta({ description: 'An alert rule name, e.g. NeedleMemoryHigh.' }),
});

const finite = z
  .number()
  .refine(Number.isFinite, 'expected a finite number')
  .meta({ description: 'A threshold in the rule’s unit.' });

const thresholdFields = { warning: finite.optional(), critical: finite.optional() };
const someThreshold = {
  check: (b: { warning?: number | undefined; critical?: number | undefined }) =>
    b.warning !== undefined || b.critical !== undefined,
  message: 'give `warning`, `critical` or both',
};

/** `POST /admin/alerts/rules/{rule}/thresholds`: new thresholds (one or both). */
export const thresholdsBody = z
  .strictObject(thresholdFields)
  .refine(someThreshold.check, { message: someThreshold.message });

/** The same for the tRPC procedure, with the rule's name. */
export const thresholdsInput = z
  .strictObject({ ...ruleParams.shape, ...thresholdFields })
  .refine(someThreshold.check, { message: someThreshold.message });

export const activeAlertSchema = z.object({
  rule: z.string(),
  severity,
  state: z.enum(['pending', 'firing']),
  labels,
  fingerprint: z.string(),
  value: z.number().nullable(),
  threshold: z.number(),
  active_at: z.string(),
  firing_since: z.string().nullable(),
  /** The evidence of a latency alert: `/v1/slow-queries?collection&from&to` of its window. */
  evidence: z.string().nullable(),
});

export const alertRuleSchema = z.object({
  name: z.string(),
  summary: z.string(),
  description: z.string(),
  runbook: z.string(),
  unit: z.string(),
  comparison: z.enum(['>', '<']),
  for_seconds: z.number(),
  /** The PromQL Prometheus and Grafana run for the rule's value. */
  expr: z.string(),
  labels: z.array(z.string()),
  defaults: thresholds,
  thresholds,
  override: z.object({ updated_at: z.string(), updated_by: z.string() }).nullable(),
  series: z.array(
    z.object({
      labels,
      value: z.number().nullable(),
      states: z.object({
        warning: z.enum(['inactive', 'pending', 'firing']),
        critical: z.enum(['inactive', 'pending', 'firing']),
      }),
    }),
  ),
  evaluated_at: z.string().nullable(),
});

export const listRulesResponse = z.object({ rules: z.array(alertRuleSchema) });
export const listAlertsResponse = z.object({ alerts: z.array(activeAlertSchema) });

/** `GET /alerts/history?limit&cursor`. */
export const historyQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().min(1).max(64).optional(),
  /** Only the transitions of this rule (its alert name). */
  rule: z.string().min(1).max(128).optional(),
});

export const historyResponse = z.object({
  entries: z.array(
    z.object({
      seq: z.number().int(),
      at: z.string(),
      rule: z.string(),
      severity,
      transition: z.enum(['pending', 'firing', 'resolved', 'inactive']),
      labels,
      fingerprint: z.string(),
      value: z.number().nullable(),
      threshold: z.number(),
    }),
  ),
  /** Give it as `cursor` for the next (older) page; null on the last page. */
  next: z.string().nullable(),
});

export const thresholdChangeResponse = z.object({
  rule: z.string(),
  previous: thresholds,
  thresholds,
  defaults: thresholds,
  overridden: z.boolean(),
});

const queryInfo = z.object({
  id: z.string(),
  title: z.string(),
  expr: z.string(),
  legend: z.string(),
  unit: z.string(),
});

/** Where a range query's samples come from. */
export const telemetrySource = z.enum(['server', 'prometheus']);

export const listQueriesResponse = z.object({
  queries: z.array(queryInfo),
  /** The sources `GET /telemetry/query` can use here (`prometheus` only when configured). */
  sources: z.array(telemetrySource),
});

/** A time: an RFC 3339 date, or seconds since the epoch. */
const instant = z.union([z.iso.datetime({ offset: true }), z.string().regex(/^\d+(\.\d+)?$/)]);
/** A step: seconds, or a duration such as `30s`, `5m`. */
const step = z
  .string()
  .regex(/^(\d+(\.\d+)?)(s|m|h)?$/, 'expected seconds or a duration such as 30s or 1m');

/** `GET /telemetry/query?query&start&end&step&collection`. */
export const telemetryQuery = z.object({
  query: z.string().min(1).max(200),
  start: instant.optional(),
  end: instant.optional(),
  step: step.optional(),
  collection: z.string().min(1).max(200).optional(),
  /**
   * `server`: the server's own samples (the last `alerts.retentionMs`); `prometheus`: the
   * Prometheus at `prometheus.url`, for ranges up to 31 days.
   */
  source: telemetrySource.default('server'),
});

export const telemetryQueryResponse = z.object({
  query: queryInfo,
  source: telemetrySource,
  start: z.string(),
  end: z.string(),
  step_seconds: z.number(),
  series: z.array(
    z.object({
      labels,
      /** `[seconds since the epoch, value]`; the value is null when not a finite number. */
      values: z.array(z.tuple([z.number(), z.number().nullable()])),
    }),
  ),
});
