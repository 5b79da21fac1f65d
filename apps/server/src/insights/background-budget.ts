import { setTimeout as sleep } from 'node:timers/promises';

/** Options of {@link BackgroundBudget}. */
export interface BackgroundBudgetOptions {
  /** Share of wall time the jobs may take, in (0, 1]. */
  readonly maxCpuShare: number;
  /** Jobs waiting at most; {@link BackgroundBudget.offer} refuses beyond. */
  readonly maxQueue: number;
  /** Hears of a job that threw (jobs are expected to handle their own failures). */
  readonly onError?: (err: unknown) => void;
}

/** A unit of background work. */
export type BackgroundJob = () => void | Promise<void>;

/**
 * Runs background jobs one at a time, resting after each so that their share of wall time
 * stays at most `maxCpuShare`: a job that worked `w` ms is followed by a rest of
 * `w × (1 − share) ÷ share` ms. The queue is bounded; a job offered to a full queue is
 * refused, so a burst of traffic can never grow the backlog or the CPU spent on it.
 *
 * The jobs run on the event loop (the index lives there): a job blocks it for as long as it
 * works, and the share bounds how often.
 */
export class BackgroundBudget {
  readonly #options: BackgroundBudgetOptions;
  readonly #queue: BackgroundJob[] = [];
  readonly #abort = new AbortController();
  #draining: Promise<void> | undefined;
  /** Milliseconds spent in jobs since start. */
  workMs = 0;
  /** Milliseconds spent resting after jobs since start. */
  restMs = 0;

  constructor(options: BackgroundBudgetOptions) {
    if (!(options.maxCpuShare > 0 && options.maxCpuShare <= 1))
      throw new RangeError(`maxCpuShare must be in (0, 1], got ${options.maxCpuShare}`);
    this.#options = options;
  }

  /** Jobs waiting now. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Queues a job; false when the queue is full or the budget stopped (the job will not run). */
  offer(job: BackgroundJob): boolean {
    if (this.#abort.signal.aborted || this.#queue.length >= this.#options.maxQueue) return false;
    this.#queue.push(job);
    this.#draining ??= this.#drain().finally(() => (this.#draining = undefined));
    return true;
  }

  /** Resolves when every queued job has run (for tests and orderly shutdown). */
  async idle(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  /** Drops the waiting jobs and waits for the one running, if any. */
  async stop(): Promise<void> {
    this.#queue.length = 0;
    this.#abort.abort();
    await this.#draining;
  }

  async #drain(): Promise<void> {
    const share = this.#options.maxCpuShare;
    for (let job = this.#queue.shift(); job; job = this.#queue.shift()) {
      const started = performance.now();
      try {
        await job();
      } catch (err) {
        this.#options.onError?.(err);
      }
      const worked = performance.now() - started;
      this.workMs += worked;
      const rest = (worked * (1 - share)) / share;
      const rested = performance.now();
      try {
        // Always yield at least once, so requests interleave with a run of short jobs.
        await sleep(rest, undefined, { signal: this.#abort.signal, ref: false });
      } catch {
        return; // stopped
      }
      this.restMs += performance.now() - rested;
    }
  }
}
