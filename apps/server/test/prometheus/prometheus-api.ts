/** One series of an instant query: its labels and its value at the evaluation time. */
export interface InstantSample {
  metric: Record<string, string>;
  /** `[unix seconds, value as text]`; the text may be `NaN` or `+Inf`. */
  value: [number, string];
}

/** An alert as Prometheus's `/api/v1/alerts` lists it. */
export interface PrometheusAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing' | 'inactive';
  activeAt: string;
  value: string;
}

/** An alert as Alertmanager's `/api/v2/alerts` lists it. */
export interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  status: { state: 'active' | 'suppressed' | 'unprocessed' };
  receivers: { name: string }[];
}

/** A scrape target as Prometheus's `/api/v1/targets` lists it. */
export interface ScrapeTarget {
  labels: Record<string, string>;
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  const text = await response.text();
  if (response.status !== 200)
    throw new Error(`GET ${url}: HTTP ${String(response.status)} ${text}`);
  return JSON.parse(text) as T;
}

/** The parts of Prometheus's and Alertmanager's HTTP APIs the tests read. */
export class MonitoringApi {
  readonly #prometheus: string;
  readonly #alertmanager: string;

  constructor(prometheusUrl: string, alertmanagerUrl: string) {
    this.#prometheus = prometheusUrl;
    this.#alertmanager = alertmanagerUrl;
  }

  /**
   * An instant query (`/api/v1/query`) at the current time. Resolves with its series (a
   * scalar result becomes one series without labels); a PromQL error rejects.
   */
  async query(expr: string): Promise<InstantSample[]> {
    const body = await getJson<{
      status: string;
      data: { resultType: string; result: InstantSample[] | [number, string] };
    }>(`${this.#prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const { resultType, result } = body.data;
    if (resultType === 'scalar') return [{ metric: {}, value: result as [number, string] }];
    return result as InstantSample[];
  }

  /** Alerts pending or firing now (`/api/v1/alerts`). */
  async alerts(): Promise<PrometheusAlert[]> {
    const body = await getJson<{ data: { alerts: PrometheusAlert[] } }>(
      `${this.#prometheus}/api/v1/alerts`,
    );
    return body.data.alerts;
  }

  /** The scrape targets and their health (`/api/v1/targets`). */
  async targets(): Promise<ScrapeTarget[]> {
    const body = await getJson<{ data: { activeTargets: ScrapeTarget[] } }>(
      `${this.#prometheus}/api/v1/targets`,
    );
    return body.data.activeTargets;
  }

  /** When the rule group `group` was last evaluated, or undefined before its first evaluation. */
  async lastRuleEvaluation(group: string): Promise<Date | undefined> {
    const body = await getJson<{
      data: { groups: { name: string; lastEvaluation: string; rules: unknown[] }[] };
    }>(`${this.#prometheus}/api/v1/rules`);
    const found = body.data.groups.find((g) => g.name === group);
    if (!found) throw new Error(`Prometheus has no rule group ${group}`);
    const at = new Date(found.lastEvaluation);
    return at.getTime() > 0 ? at : undefined;
  }

  /** The alerts Alertmanager holds (`/api/v2/alerts`). */
  async alertmanagerAlerts(): Promise<AlertmanagerAlert[]> {
    return getJson<AlertmanagerAlert[]>(`${this.#alertmanager}/api/v2/alerts`);
  }
}
