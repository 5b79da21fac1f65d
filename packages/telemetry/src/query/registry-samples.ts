import type { Sample } from './sample-ring.js';

/** A metric as prom-client's `registry.getMetricsAsJSON()` gives it (the parts read here). */
export interface MetricJson {
  readonly name: string;
  readonly values: readonly {
    readonly value: number;
    readonly labels: Readonly<Record<string, string | number | undefined>>;
    /** Set for a histogram's `_bucket`, `_sum` and `_count` series. */
    readonly metricName?: string;
  }[];
}

/**
 * The samples of one scrape of a prom-client registry, as a {@link SampleRing} round: one per
 * series, named as in the text exposition (`x_bucket` with its `le`), label values as text
 * (`le="+Inf"`). Only metrics `keep` accepts are taken (e.g. the catalogue's).
 *
 * @example
 * ```ts
 * ring.append(Date.now(), samplesFromRegistry(await registry.getMetricsAsJSON()));
 * ```
 */
export function samplesFromRegistry(
  metrics: readonly MetricJson[],
  keep: (metric: string) => boolean = () => true,
): Sample[] {
  const samples: Sample[] = [];
  for (const m of metrics) {
    if (!keep(m.name)) continue;
    for (const v of m.values) {
      const labels: Record<string, string> = {};
      for (const [k, value] of Object.entries(v.labels)) {
        if (value === undefined) continue;
        labels[k] = value === Number.POSITIVE_INFINITY ? '+Inf' : String(value);
      }
      samples.push({ name: v.metricName ?? m.name, labels, value: v.value });
    }
  }
  return samples;
}
