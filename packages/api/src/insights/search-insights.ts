import type { Collection, ExplainTrace } from '@needle/engine';

import type { QueryShape, ShapedSearch } from './query-shape.js';

/**
 * One k-nearest-neighbour search the API answered by searching (not from the result cache),
 * as {@link SearchObserver}s hear of it. It holds the query vector: an observer may keep it
 * in memory to re-run the search, and must never log or store it.
 */
export interface ObservedSearch {
  /** The collection object that answered (a dropped and recreated collection is a new one). */
  readonly collection: Collection;
  readonly name: string;
  /** The request as validated, vector included. */
  readonly request: ShapedSearch & { readonly vector: readonly number[] };
  /**
   * The hits answered, in order, as the search returned them (an observer that samples reads
   * their ids; mapping them for every search would cost the searches that are not sampled).
   */
  readonly hits: readonly { readonly id: string }[];
  /** The collection's `changeVersion` when the search started. */
  readonly changeVersion: number;
  /** Time the search took, validated input to results, in milliseconds. */
  readonly durationMs: number;
  /** When it finished, ms since the epoch. */
  readonly at: number;
  readonly requestId: string | undefined;
  /** The explain trace, when the request asked for one. */
  readonly trace: ExplainTrace | undefined;
}

/**
 * Hears of every search the API runs (`ApiContext.searchObserver`): the server samples them to
 * estimate recall and records the slow ones. Called synchronously after the answer is built;
 * it must return at once (queue any work) and never throw.
 */
export interface SearchObserver {
  observeSearch(search: ObservedSearch): void;
}

/** One recorded slow search. */
export interface SlowQueryRecord {
  /** The record's id (its position in the slow-query log). */
  readonly id: number;
  /** When the search finished, ms since the epoch. */
  readonly at: number;
  readonly collection: string;
  readonly shapeId: string;
  readonly shape: QueryShape;
  readonly durationMs: number;
  readonly requestId: string | null;
}

/** Whether a slow query's explain trace can be read. */
export type SlowQueryTraceStatus = 'ready' | 'pending' | 'unavailable';

/** A recorded slow search with its explain trace. */
export interface SlowQueryDetail extends SlowQueryRecord {
  /**
   * `ready`: the trace is here; `pending`: it is queued to be taken; `unavailable`: it was
   * not taken (the background budget's queue was full, or the collection went away).
   */
  readonly traceStatus: SlowQueryTraceStatus;
  /** The search's explain trace (without per-dimension query values), or null. */
  readonly trace: ExplainTrace | null;
  /** True when the trace comes from running the same search again, after the slow one. */
  readonly traceRerun: boolean;
  /** When the trace was taken, ms since the epoch, or null. */
  readonly tracedAt: number | null;
}

/** The slow-query store of the host (`ApiContext.slowQueries`). */
export interface SlowQueryServices {
  /** Searches taking at least this long are recorded. */
  readonly thresholdMs: number;
  /** Records in `[from, to)` (ms since the epoch), of one collection or all, oldest first. */
  list(query: { collection?: string | undefined; from: number; to: number }): SlowQueryRecord[];
  /** One record with its trace, or undefined when there is none with that id (or it was pruned). */
  get(id: number): SlowQueryDetail | undefined;
}
