import { Counter, Gauge, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';

import { METRICS } from './catalogue.js';
import type { MetricDefinition } from './metric-definition.js';

/** The label names of a definition, as a string union. */
export type LabelsOf<D extends MetricDefinition> = D['labels'][number];

/** The prom-client object a definition becomes. */
export type MetricInstance<D extends MetricDefinition> = D['type'] extends 'counter'
  ? Counter<LabelsOf<D>>
  : D['type'] extends 'gauge'
    ? Gauge<LabelsOf<D>>
    : Histogram<LabelsOf<D>>;

/** Every metric of a catalogue, registered, under the catalogue's keys. */
export type RegisteredMetrics<C extends Record<string, MetricDefinition>> = {
  readonly [K in keyof C]: MetricInstance<C[K]>;
};

/**
 * Functions run when the registry is read (a scrape), to set metrics whose values live
 * elsewhere (a gauge of the vectors per collection, the WAL's size).
 */
export type MetricCollectors<C extends Record<string, MetricDefinition>> = {
  readonly [K in keyof C]?: (metric: MetricInstance<C[K]>) => void | Promise<void>;
};

/** Options of {@link registerMetrics}. */
export interface RegisterMetricsOptions<C extends Record<string, MetricDefinition>> {
  /** The definitions to register; the whole catalogue by default. */
  catalogue?: C;
  /** Scrape-time collectors, by catalogue key. */
  collect?: MetricCollectors<C>;
}

/**
 * Registers every metric of the catalogue into a prom-client registry and returns them by
 * catalogue key, typed by their label names.
 *
 * @example
 * ```ts
 * import { Registry } from 'prom-client';
 * import { registerMetrics } from '@needle/telemetry';
 *
 * const registry = new Registry();
 * const metrics = registerMetrics(registry, {
 *   collect: { walBytes: (gauge) => gauge.set(db.storageStats().walBytes) },
 * });
 * metrics.searchLatency.observe({ collection: 'docs', operation: 'search' }, 0.004);
 * const text = await registry.metrics();
 * ```
 */
export function registerMetrics<C extends Record<string, MetricDefinition> = typeof METRICS>(
  registry: Registry,
  options: RegisterMetricsOptions<C> = {},
): RegisteredMetrics<C> {
  const catalogue = options.catalogue ?? (METRICS as unknown as C);
  const collectors = (options.collect ?? {}) as Record<string, AnyCollector | undefined>;
  const registered: Record<string, Counter | Gauge | Histogram> = {};
  for (const [key, definition] of Object.entries<MetricDefinition>(catalogue)) {
    registered[key] = create(definition, registry, collectors[key]);
  }
  return registered as unknown as RegisteredMetrics<C>;
}

type AnyCollector = (metric: Counter | Gauge | Histogram) => void | Promise<void>;

function create(
  definition: MetricDefinition,
  registry: Registry,
  collector: AnyCollector | undefined,
): Counter | Gauge | Histogram {
  const common = {
    name: definition.name,
    help: definition.help,
    labelNames: definition.labels,
    registers: [registry],
  };
  switch (definition.type) {
    case 'counter':
      return new Counter({
        ...common,
        ...(collector && {
          collect(this: Counter) {
            return collector(this);
          },
        }),
      });
    case 'gauge':
      return new Gauge({
        ...common,
        ...(collector && {
          collect(this: Gauge) {
            return collector(this);
          },
        }),
      });
    case 'histogram':
      return new Histogram({
        ...common,
        buckets: [...(definition.buckets ?? [])],
        ...(collector && {
          collect(this: Histogram) {
            return collector(this);
          },
        }),
      });
  }
}
