import type { z } from 'zod';

import { ApiError } from '../api-error.js';
import type {
  AlertServices,
  TelemetryQueryRequest,
  ThresholdChange,
} from '../alerts/alert-services.js';
import type {
  historyQuery,
  historyResponse,
  listAlertsResponse,
  listQueriesResponse,
  listRulesResponse,
  telemetryQuery,
  telemetryQueryResponse,
  thresholdChangeResponse,
  thresholdsBody,
} from '../schemas/alerts.js';
import type { ApiRuntime } from './runtime.js';
import { hostService, recordChange } from './host-services.js';
import type { Caller } from './host-services.js';

function services({ ctx }: ApiRuntime): AlertServices {
  return hostService(
    ctx.alerts,
    'alerts and telemetry queries are not available here',
    'The in-server alerts and the sample ring are run by `needle serve`.',
  );
}

const iso = (ms: number) => new Date(ms).toISOString();
const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);

/** Every rule with its default and effective thresholds and its state per label set. */
export function listAlertRules(rt: ApiRuntime): z.output<typeof listRulesResponse> {
  return {
    rules: services(rt)
      .rules()
      .map((r) => ({
        name: r.name,
        summary: r.summary,
        description: r.description,
        runbook: r.runbook,
        unit: r.unit,
        comparison: r.comparison,
        for_seconds: r.forMs / 1000,
        expr: r.expr,
        labels: [...r.labels],
        defaults: { ...r.defaults },
        thresholds: { ...r.thresholds },
        override: r.override
          ? { updated_at: iso(r.override.updatedAt), updated_by: r.override.updatedBy }
          : null,
        series: r.series.map((s) => ({
          labels: { ...s.labels },
          value: finiteOrNull(s.value),
          states: { ...s.states },
        })),
        evaluated_at: r.evaluatedAt === null ? null : iso(r.evaluatedAt),
      })),
  };
}

/** The alerts pending or firing now. */
export function listAlerts(rt: ApiRuntime): z.output<typeof listAlertsResponse> {
  return {
    alerts: services(rt)
      .active()
      .map((a) => ({
        rule: a.rule,
        severity: a.severity,
        state: a.state,
        labels: { ...a.labels },
        fingerprint: a.fingerprint,
        value: finiteOrNull(a.value),
        threshold: a.threshold,
        active_at: iso(a.activeAt),
        firing_since: a.firingSince === null ? null : iso(a.firingSince),
        evidence: a.evidence,
      })),
  };
}

/** Alert transitions, newest first, a page at a time. */
export function alertHistory(
  rt: ApiRuntime,
  query: z.output<typeof historyQuery>,
): z.output<typeof historyResponse> {
  const page = services(rt).history({
    limit: query.limit,
    cursor: query.cursor,
    rule: query.rule,
  });
  return {
    entries: page.entries.map((e) => ({ ...e, labels: { ...e.labels }, at: iso(e.at) })),
    next: page.next,
  };
}

function changeBody(change: ThresholdChange): z.output<typeof thresholdChangeResponse> {
  return {
    rule: change.rule,
    previous: { ...change.previous },
    thresholds: { ...change.thresholds },
    defaults: { ...change.defaults },
    overridden: change.overridden,
  };
}

/** Writes a threshold change to the audit log (when access control is on). */
async function audited(
  rt: ApiRuntime,
  caller: Caller,
  action: string,
  change: ThresholdChange,
): Promise<void> {
  await recordChange(rt.ctx.security?.(), caller, action, {
    rule: change.rule,
    warning: change.thresholds.warning,
    critical: change.thresholds.critical,
    previous_warning: change.previous.warning,
    previous_critical: change.previous.critical,
  });
}

/** Overrides a rule's thresholds, in force at once and after a restart (audited). */
export async function setAlertThresholds(
  rt: ApiRuntime,
  rule: string,
  body: z.output<typeof thresholdsBody>,
  caller: Caller,
): Promise<z.output<typeof thresholdChangeResponse>> {
  const change = await services(rt).setThresholds(
    rule,
    {
      ...(body.warning === undefined ? {} : { warning: body.warning }),
      ...(body.critical === undefined ? {} : { critical: body.critical }),
    },
    caller.principal?.id ?? 'anonymous',
  );
  await audited(rt, caller, 'alerts.thresholds.set', change);
  return changeBody(change);
}

/** Restores a rule's default thresholds (audited). */
export async function resetAlertThresholds(
  rt: ApiRuntime,
  rule: string,
  caller: Caller,
): Promise<z.output<typeof thresholdChangeResponse>> {
  const change = await services(rt).resetThresholds(rule);
  await audited(rt, caller, 'alerts.thresholds.reset', change);
  return changeBody(change);
}

/** The queries the telemetry range query can run. */
export function listTelemetryQueries(rt: ApiRuntime): z.output<typeof listQueriesResponse> {
  const alerts = services(rt);
  return {
    queries: alerts.queries(),
    sources: alerts.prometheusConfigured() ? ['server', 'prometheus'] : ['server'],
  };
}

const MAX_POINTS = 11_000;
const DEFAULT_RANGE_MS = 3_600_000;
/** The longest range asked of Prometheus (31 days). */
const MAX_PROMETHEUS_RANGE_MS = 31 * 86_400_000;
const STEP_UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000 } as const;

function instantMs(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const ms = /^\d+(\.\d+)?$/.test(value) ? Math.round(Number(value) * 1000) : Date.parse(value);
  if (!Number.isFinite(ms)) {
    throw new ApiError(
      400,
      'INVALID_QUERY_RANGE',
      `\`${name}\` is not a time: ${value}`,
      'Give an RFC 3339 time or seconds since the epoch.',
    );
  }
  return ms;
}

/**
 * A named query at every step of a range, as Prometheus's `query_range` would chart it: over
 * the server's own samples, or (`source: 'prometheus'`) on the configured Prometheus with the
 * same PromQL. `start` and `end` default to the last hour, `step` to about 240 points.
 */
export async function telemetryRangeQuery(
  rt: ApiRuntime,
  query: z.output<typeof telemetryQuery>,
  now = Date.now(),
): Promise<z.output<typeof telemetryQueryResponse>> {
  const endMs = instantMs(query.end, now, 'end');
  const startMs = instantMs(query.start, endMs - DEFAULT_RANGE_MS, 'start');
  const stepMs = query.step
    ? Number(/^[\d.]+/.exec(query.step)![0]) *
      STEP_UNIT_MS[(/[smh]$/.exec(query.step)?.[0] ?? 's') as keyof typeof STEP_UNIT_MS]
    : Math.max(1000, Math.ceil((endMs - startMs) / 240 / 1000) * 1000);
  if (endMs < startMs || !(stepMs > 0) || (endMs - startMs) / stepMs + 1 > MAX_POINTS) {
    throw new ApiError(
      400,
      'INVALID_QUERY_RANGE',
      endMs < startMs
        ? '`end` is before `start`'
        : `the range asks for more than ${MAX_POINTS} points (or a step of 0)`,
      'Give `start` before `end`, and a `step` of at least (end - start) / 11000.',
    );
  }
  const { source } = query;
  if (source === 'prometheus' && endMs - startMs > MAX_PROMETHEUS_RANGE_MS) {
    throw new ApiError(
      400,
      'INVALID_QUERY_RANGE',
      'the range is longer than 31 days',
      'Ask Prometheus for at most 31 days at a time.',
    );
  }
  const alerts = services(rt);
  const request: TelemetryQueryRequest = {
    query: query.query,
    startMs,
    endMs,
    stepMs,
    // Panels match `collection=~"$collection"`: a name is matched literally.
    variables:
      query.collection === undefined
        ? {}
        : { collection: query.collection.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') },
  };
  const result =
    source === 'prometheus' ? await alerts.queryPrometheus(request) : alerts.query(request);
  return {
    query: result.query,
    source,
    start: iso(startMs),
    end: iso(endMs),
    step_seconds: stepMs / 1000,
    series: result.series.map((s) => ({
      labels: { ...s.labels },
      values: s.points.map(([t, v]) => [t, v] as [number, number | null]),
    })),
  };
}
