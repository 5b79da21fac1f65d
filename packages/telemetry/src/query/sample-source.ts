/** Label names and values of one series (the metric name is not among them). */
export type Labels = Readonly<Record<string, string>>;

/** The samples of one series in a time range, oldest first; times in ms since the epoch. */
export interface SeriesRange {
  readonly times: number[];
  readonly values: number[];
}

/** One stored series, as the query evaluator reads it. */
export interface StoredSeries {
  readonly labels: Labels;
  /** The samples with `fromMs < t <= toMs`, oldest first. */
  range(fromMs: number, toMs: number): SeriesRange;
  /**
   * The value of the newest sample at or before `atMs`, when it is newer than
   * `atMs - lookbackMs` and the series was present in the newest sampling round at or before
   * `atMs` (a series missing from a round is stale, as after a Prometheus staleness marker).
   */
  instant(atMs: number, lookbackMs: number): number | undefined;
}

/** Where the evaluator reads samples from: the series of a metric by name. */
export interface SampleSource {
  series(metric: string): Iterable<StoredSeries>;
}
