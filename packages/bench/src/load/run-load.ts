import autocannon from 'autocannon';

import { percentile } from '../stats.js';

/** One request template of a load scenario; `body` is called for every request. */
export interface LoadScenario {
  readonly name: string;
  readonly method: 'POST' | 'GET';
  readonly path: string;
  readonly body?: () => string;
  /** Extra request headers (the API key). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** What one fixed-rate run measured, latencies in milliseconds. */
export interface LoadFigures {
  scenario: string;
  offeredRps: number;
  achievedRps: number;
  requests: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Responses other than 2xx and 429, plus connection errors and timeouts. */
  errors: number;
  /** Deliberate refusals by the rate limiter. */
  rateLimited: number;
  /** Count per status code. */
  statuses: Record<string, number>;
}

export interface RunOptions {
  url: string;
  scenario: LoadScenario;
  /** Requests per second offered across all connections. */
  rate: number;
  durationSeconds: number;
  connections: number;
}

/**
 * Offers `rate` requests per second for `durationSeconds` with autocannon and measures every
 * response's latency itself (autocannon's summary has no p95). Each connection sends one
 * request at a time, so when the server can't keep up the achieved rate falls below the
 * offered one: both are reported.
 */
export async function runLoad(options: RunOptions): Promise<LoadFigures> {
  const { scenario } = options;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const body = scenario.body;

  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        overallRate: options.rate,
        duration: options.durationSeconds,
        timeout: 30,
        requests: [
          {
            method: scenario.method,
            path: scenario.path,
            headers: { 'content-type': 'application/json', ...scenario.headers },
            ...(body
              ? {
                  setupRequest: (request: autocannon.Request) => ({ ...request, body: body() }),
                }
              : {}),
          },
        ],
      },
      (err: Error | null, result: autocannon.Result) => (err ? reject(err) : resolve(result)),
    );
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      latencies.push(ms);
      statuses[status] = (statuses[status] ?? 0) + 1;
    });
  });
  let errors = result.errors + result.timeouts;
  let rateLimited = 0;
  for (const [status, count] of Object.entries(statuses)) {
    if (status === '429') rateLimited += count;
    else if (!status.startsWith('2')) errors += count;
  }
  return {
    scenario: scenario.name,
    offeredRps: options.rate,
    achievedRps: latencies.length / options.durationSeconds,
    requests: latencies.length,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.reduce((a, b) => Math.max(a, b), 0),
    errors,
    rateLimited,
    statuses,
  };
}

/**
 * The highest offered rate the server sustains with p99 under `p99TargetMs` (and at least
 * 95% of the offered rate achieved, without errors): rates grow by ×1.5 from `start` until a
 * run misses, with short runs.
 */
export async function findSustainedRate(
  base: Omit<RunOptions, 'rate' | 'connections'>,
  connectionsFor: (rate: number) => number,
  p99TargetMs: number,
  start: number,
  log: (line: string) => void,
): Promise<{ rate: number; probe: LoadFigures[] }> {
  const probe: LoadFigures[] = [];
  let sustained = 0;
  for (let rate = start; rate < 100_000; rate = Math.round(rate * 1.5)) {
    const figures = await runLoad({ ...base, rate, connections: connectionsFor(rate) });
    probe.push(figures);
    const ok =
      figures.p99Ms < p99TargetMs && figures.achievedRps >= 0.95 * rate && figures.errors === 0;
    log(
      `    probe ${base.scenario.name} ${rate} req/s: achieved ${figures.achievedRps.toFixed(0)}, p50 ${figures.p50Ms.toFixed(1)} ms, p99 ${figures.p99Ms.toFixed(1)} ms ${ok ? 'ok' : 'miss'}`,
    );
    if (!ok) break;
    sustained = rate;
  }
  return { rate: sustained, probe };
}
