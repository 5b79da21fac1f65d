import { ApiError } from '@needle/api';
import { renderPromQL, withVariables } from '@needle/telemetry';
import type { QueryExpr } from '@needle/telemetry';

/** One series of a range query: its labels and `[seconds, value]` points (null: not finite). */
export interface PrometheusSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly points: readonly (readonly [number, number | null])[];
}

const HELP =
  'Check that the Prometheus at `prometheus.url` runs and answers, or chart the server\'s own samples (source "server").';

interface QueryRangeBody {
  status?: string;
  error?: string;
  errorType?: string;
  data?: {
    resultType?: string;
    result?: { metric?: Record<string, string>; values?: [number, string][] }[];
  };
}

/** A sample value as Prometheus writes it (`"1.5"`, `"NaN"`, `"+Inf"`); null when not finite. */
function sampleValue(text: string): number | null {
  const v = Number(text);
  return Number.isFinite(v) ? v : null;
}

/**
 * The Prometheus that scrapes this server, asked for range queries over its HTTP API
 * (`/api/v1/query_range`). Failures are `ApiError`s: 503 `PROMETHEUS_UNAVAILABLE` when it
 * cannot be reached in time, 502 `PROMETHEUS_QUERY_FAILED` when it answers with an error.
 *
 * @example
 * ```ts
 * const prometheus = new PrometheusSource('http://127.0.0.1:9090', 10_000);
 * const series = await prometheus.queryRange(query, { startMs, endMs, stepMs }, {});
 * ```
 */
export class PrometheusSource {
  readonly #base: string;
  readonly #timeoutMs: number;

  constructor(url: string, timeoutMs: number) {
    this.#base = url.replace(/\/+$/, '');
    this.#timeoutMs = timeoutMs;
  }

  /** Runs a query, its variables substituted, at each step of a range. */
  async queryRange(
    expr: QueryExpr,
    range: { startMs: number; endMs: number; stepMs: number },
    variables: Readonly<Record<string, string>>,
  ): Promise<PrometheusSeries[]> {
    const params = new URLSearchParams({
      query: renderPromQL(withVariables(expr, variables)),
      start: String(range.startMs / 1000),
      end: String(range.endMs / 1000),
      step: String(range.stepMs / 1000),
    });
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.#base}/api/v1/query_range`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: params.toString(),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      text = await response.text();
    } catch (err) {
      const timedOut = err instanceof Error && err.name === 'TimeoutError';
      throw new ApiError(
        503,
        'PROMETHEUS_UNAVAILABLE',
        timedOut
          ? `Prometheus did not answer within ${String(this.#timeoutMs)} ms`
          : `Prometheus could not be reached: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}`,
        HELP,
      );
    }
    let body: QueryRangeBody | undefined;
    try {
      body = JSON.parse(text) as QueryRangeBody;
    } catch {
      body = undefined;
    }
    if (!response.ok || body?.status !== 'success' || body.data?.resultType !== 'matrix') {
      const reason =
        body?.error !== undefined
          ? `${body.errorType ?? 'error'}: ${body.error}`
          : `HTTP ${String(response.status)}`;
      throw new ApiError(
        502,
        'PROMETHEUS_QUERY_FAILED',
        `Prometheus refused the query (${reason})`,
        HELP,
      );
    }
    return (body.data.result ?? []).map((s) => ({
      labels: { ...s.metric },
      points: (s.values ?? []).map(([t, v]) => [Number(t), sampleValue(v)] as const),
    }));
  }
}
