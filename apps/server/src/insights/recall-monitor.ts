import type { ObservedSearch } from '@needle/api';
import type { Collection, Filter } from '@needle/engine';
import type { RECALL_DROP_REASONS } from '@needle/telemetry';

import type { BackgroundBudget } from './background-budget.js';

/** Why a sampled search was not measured. */
export type RecallDropReason = (typeof RECALL_DROP_REASONS)[number];

/** Settings of {@link RecallMonitor} (`recall.*` of the server config). */
export interface RecallSettings {
  /** Share of searches sampled, 0..1. */
  readonly sampleRate: number;
  /** Samples per collection the estimate covers. */
  readonly window: number;
}

/** What the monitor reports as it works (the server counts them in its metrics). */
export interface RecallEvents {
  sampled(collection: string): void;
  dropped(collection: string, reason: RecallDropReason): void;
}

/** The recall estimate of one collection. */
export interface RecallEstimate {
  /** Found ÷ expected over the window, 0..1. */
  readonly recall: number;
  /** Samples in the window. */
  readonly samples: number;
}

/** The sliding window of one collection: per sample, the true neighbours found and expected. */
class RecallWindow {
  readonly found: number[] = [];
  readonly expected: number[] = [];
  foundSum = 0;
  expectedSum = 0;

  constructor(readonly collection: Collection) {}

  add(found: number, expected: number, size: number): void {
    this.found.push(found);
    this.expected.push(expected);
    this.foundSum += found;
    this.expectedSum += expected;
    while (this.found.length > size) {
      this.foundSum -= this.found.shift()!;
      this.expectedSum -= this.expected.shift()!;
    }
  }
}

/**
 * Estimates recall@k of live searches: samples a share of them, runs each again exactly
 * (`collection.exactSearch`: same vector, k and filter) as a background job within the CPU
 * budget, and keeps, per collection, the share of the true k nearest that the search answered
 * over the newest `window` samples.
 *
 * Searches paged with `search_after` or post-filtered are not sampled (their answer is not a
 * top-k of the filter). A sample whose collection was written to between the search and the
 * exact run, or whose index is still catching up with a write, is dropped (`changed`): the two
 * answers are of different data. The query vector is held in memory until its job runs, never
 * logged.
 */
export class RecallMonitor {
  readonly #settings: RecallSettings;
  readonly #budget: BackgroundBudget;
  readonly #events: RecallEvents;
  readonly #random: () => number;
  readonly #windows = new Map<string, RecallWindow>();

  constructor(
    settings: RecallSettings,
    budget: BackgroundBudget,
    events: RecallEvents,
    random: () => number = Math.random,
  ) {
    this.#settings = settings;
    this.#budget = budget;
    this.#events = events;
    this.#random = random;
  }

  /** Samples the search with probability `sampleRate`; returns at once. */
  observe(search: ObservedSearch): void {
    const rate = this.#settings.sampleRate;
    if (rate <= 0 || (rate < 1 && this.#random() >= rate)) return;
    const { request } = search;
    if (request.search_after != null || request.post_filter != null) return;
    if (!this.#budget.offer(() => this.#measure(search)))
      this.#events.dropped(search.name, 'queue_full');
  }

  /** The estimate of every collection with samples, by name. */
  estimates(): Map<string, RecallEstimate> {
    const out = new Map<string, RecallEstimate>();
    for (const [name, w] of this.#windows) {
      if (w.found.length === 0) continue;
      out.set(name, {
        recall: w.expectedSum === 0 ? 1 : w.foundSum / w.expectedSum,
        samples: w.found.length,
      });
    }
    return out;
  }

  /** The collection objects the windows were measured on, by name (to notice drops). */
  collections(): Map<string, Collection> {
    return new Map([...this.#windows].map(([name, w]) => [name, w.collection]));
  }

  /** Forgets a collection's window (it was dropped). */
  forget(name: string): void {
    this.#windows.delete(name);
  }

  async #measure(search: ObservedSearch): Promise<void> {
    const { collection, request, name } = search;
    // While the index catches up with a write, the search saw fewer vectors than an exact
    // run would: the two answers are of different data even at the same version.
    if (collection.changeVersion !== search.changeVersion || !collection.indexIdle) {
      this.#events.dropped(name, 'changed');
      return;
    }
    let truth: Set<string>;
    try {
      const exact = await collection.exactSearch(request.vector, request.k, {
        filter: (request.filter ?? null) as Filter | null,
      });
      truth = new Set(exact.hits.map((h) => h.id));
    } catch {
      // The collection was dropped or closed meanwhile: nothing to measure.
      return;
    }
    let found = 0;
    for (const hit of search.hits.slice(0, request.k)) if (truth.has(hit.id)) found += 1;
    let window = this.#windows.get(name);
    if (!window || window.collection !== collection) {
      window = new RecallWindow(collection);
      this.#windows.set(name, window);
    }
    window.add(found, truth.size, this.#settings.window);
    this.#events.sampled(name);
  }
}
