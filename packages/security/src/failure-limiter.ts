/**
 * Counts failed authentications per source address in fixed windows; a source over the limit
 * is refused until its window ends, whatever it sends. Bounded: at most `maxSources` windows
 * are kept, the oldest dropped first.
 */
export class FailureLimiter {
  readonly #max: number;
  readonly #windowMs: number;
  readonly #maxSources: number;
  readonly #now: () => number;
  readonly #windows = new Map<string, { start: number; failures: number }>();

  constructor(
    options: {
      maxFailures?: number;
      windowMs?: number;
      maxSources?: number;
      now?: () => number;
    } = {},
  ) {
    this.#max = options.maxFailures ?? 10;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#maxSources = options.maxSources ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  /** Seconds until `source` may try again, or 0 when it may now. */
  blockedFor(source: string): number {
    const window = this.#current(source);
    if (!window || window.failures < this.#max) return 0;
    return Math.max(1, Math.ceil((window.start + this.#windowMs - this.#now()) / 1000));
  }

  /** Counts a failure; returns how many `source` has in its window. */
  fail(source: string): number {
    let window = this.#current(source);
    if (!window) {
      window = { start: this.#now(), failures: 0 };
      this.#windows.delete(source);
      this.#windows.set(source, window);
      if (this.#windows.size > this.#maxSources) {
        this.#windows.delete(this.#windows.keys().next().value!);
      }
    }
    window.failures += 1;
    return window.failures;
  }

  #current(source: string): { start: number; failures: number } | undefined {
    const window = this.#windows.get(source);
    if (window && this.#now() - window.start >= this.#windowMs) {
      this.#windows.delete(source);
      return undefined;
    }
    return window;
  }
}
