import type { Labels, SampleSource, SeriesRange, StoredSeries } from './sample-source.js';

/** One measured value of one series, as a sampling round delivers it. */
export interface Sample {
  /** The series name, e.g. `needle_search_latency_seconds_bucket`. */
  readonly name: string;
  readonly labels: Labels;
  readonly value: number;
}

/** The size of a {@link SampleRing}. */
export interface SampleRingOptions {
  /** Sampling rounds kept (retention ÷ interval, e.g. 24 h ÷ 5 s = 17 280). */
  readonly capacity: number;
  /** Series kept at most; samples of further series are dropped (and counted). */
  readonly maxSeries: number;
}

const BYTES_PER_VALUE = Float64Array.BYTES_PER_ELEMENT;

/** The key of a series: its name and its labels sorted by name. */
export function seriesKey(name: string, labels: Labels): string {
  const keys = Object.keys(labels).sort();
  return JSON.stringify([name, ...keys.map((k) => [k, labels[k]])]);
}

class RingSeries implements StoredSeries {
  readonly values: Float64Array;
  /** The last round (absolute number) this series had a sample in. */
  lastRound = -1;

  constructor(
    private readonly ring: SampleRing,
    readonly name: string,
    readonly labels: Labels,
    capacity: number,
  ) {
    this.values = new Float64Array(capacity).fill(Number.NaN);
  }

  range(fromMs: number, toMs: number): SeriesRange {
    return this.ring.rangeOf(this, fromMs, toMs);
  }

  instant(atMs: number, lookbackMs: number): number | undefined {
    return this.ring.instantOf(this, atMs, lookbackMs);
  }
}

/**
 * A fixed-size, in-memory store of the server's own samples: one shared ring of round
 * timestamps and, per series, a `Float64Array` ring of values (NaN where the series was absent
 * from a round). Memory is bounded: at most `(maxSeries + 1) × capacity × 8` bytes of arrays
 * (see {@link SampleRing.boundBytes}); series allocate their ring when first seen, and a series
 * absent for a whole ring's worth of rounds is dropped.
 *
 * @example
 * ```ts
 * const ring = new SampleRing({ capacity: 17_280, maxSeries: 1000 });
 * ring.append(Date.now(), [{ name: 'needle_wal_bytes', labels: {}, value: 4096 }]);
 * evaluateQuery(max(metric('needle_wal_bytes')), ring, Date.now());
 * ```
 */
export class SampleRing implements SampleSource {
  readonly capacity: number;
  readonly maxSeries: number;
  readonly #times: Float64Array;
  /** Rounds appended since creation; round r lives in slot r % capacity. */
  #rounds = 0;
  readonly #series = new Map<string, RingSeries>();
  readonly #byName = new Map<string, Set<RingSeries>>();
  #dropped = 0;

  constructor(options: SampleRingOptions) {
    if (!Number.isInteger(options.capacity) || options.capacity < 2) {
      throw new RangeError(`capacity must be an integer of at least 2, got ${options.capacity}`);
    }
    if (!Number.isInteger(options.maxSeries) || options.maxSeries < 1) {
      throw new RangeError(`maxSeries must be a positive integer, got ${options.maxSeries}`);
    }
    this.capacity = options.capacity;
    this.maxSeries = options.maxSeries;
    this.#times = new Float64Array(options.capacity);
  }

  /** The most bytes the arrays of a ring of this size can take. */
  static boundBytes(options: SampleRingOptions): number {
    return (options.maxSeries + 1) * options.capacity * BYTES_PER_VALUE;
  }

  /** Bytes the ring's arrays take now. */
  bytes(): number {
    return (this.#series.size + 1) * this.capacity * BYTES_PER_VALUE;
  }

  /** Series held now. */
  get seriesCount(): number {
    return this.#series.size;
  }

  /** Samples refused because the series cap was reached, since creation. */
  get droppedSamples(): number {
    return this.#dropped;
  }

  /** Rounds held (at most `capacity`). */
  get roundCount(): number {
    return Math.min(this.#rounds, this.capacity);
  }

  /** The time of the newest round, or undefined before the first. */
  get lastTime(): number | undefined {
    return this.#rounds === 0 ? undefined : this.#times[(this.#rounds - 1) % this.capacity];
  }

  /**
   * Records one sampling round at `atMs`: every series not in `samples` is absent (stale) in
   * this round. A round not later than the previous one is ignored (returns false).
   */
  append(atMs: number, samples: Iterable<Sample>): boolean {
    const last = this.lastTime;
    if (!Number.isFinite(atMs) || (last !== undefined && atMs <= last)) return false;
    const round = this.#rounds;
    const slot = round % this.capacity;
    this.#times[slot] = atMs;
    for (const s of this.#series.values()) s.values[slot] = Number.NaN;
    for (const sample of samples) {
      const key = seriesKey(sample.name, sample.labels);
      let series = this.#series.get(key);
      if (!series) {
        if (this.#series.size >= this.maxSeries) {
          this.#dropped += 1;
          continue;
        }
        series = new RingSeries(this, sample.name, { ...sample.labels }, this.capacity);
        this.#series.set(key, series);
        let named = this.#byName.get(sample.name);
        if (!named) this.#byName.set(sample.name, (named = new Set()));
        named.add(series);
      }
      series.values[slot] = sample.value;
      series.lastRound = round;
    }
    this.#rounds = round + 1;
    this.#forgetGone();
    return true;
  }

  series(metric: string): Iterable<StoredSeries> {
    return this.#byName.get(metric) ?? [];
  }

  /** Drops series with no sample left in the ring, so their memory is freed. */
  #forgetGone(): void {
    const oldest = this.#rounds - this.capacity;
    for (const [key, s] of this.#series) {
      if (s.lastRound >= oldest) continue;
      this.#series.delete(key);
      const named = this.#byName.get(s.name);
      named?.delete(s);
      if (named?.size === 0) this.#byName.delete(s.name);
    }
  }

  /** The absolute round of logical position i (0 = oldest held). */
  #roundAt(i: number): number {
    return this.#rounds - this.roundCount + i;
  }

  #timeAt(i: number): number {
    return this.#times[this.#roundAt(i) % this.capacity]!;
  }

  /** The first logical position whose time is greater than `t` (roundCount when none). */
  #firstAfter(t: number): number {
    let lo = 0;
    let hi = this.roundCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#timeAt(mid) <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** @internal */
  rangeOf(series: RingSeries, fromMs: number, toMs: number): SeriesRange {
    const times: number[] = [];
    const values: number[] = [];
    const end = this.#firstAfter(toMs);
    for (let i = this.#firstAfter(fromMs); i < end; i++) {
      const v = series.values[this.#roundAt(i) % this.capacity]!;
      if (Number.isNaN(v)) continue;
      times.push(this.#timeAt(i));
      values.push(v);
    }
    return { times, values };
  }

  /** @internal */
  instantOf(series: RingSeries, atMs: number, lookbackMs: number): number | undefined {
    const i = this.#firstAfter(atMs) - 1;
    if (i < 0) return undefined;
    if (this.#timeAt(i) <= atMs - lookbackMs) return undefined;
    const v = series.values[this.#roundAt(i) % this.capacity]!;
    return Number.isNaN(v) ? undefined : v;
  }
}
