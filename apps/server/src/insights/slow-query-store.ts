import { searchShape, shapeId } from '@needle/api';
import type {
  ObservedSearch,
  QueryShape,
  SlowQueryDetail,
  SlowQueryRecord,
  SlowQueryServices,
} from '@needle/api';
import type { Database, ExplainTrace, Filter } from '@needle/engine';
import type { Logger } from 'pino';
import { z } from 'zod';

import { pruneRuleOf } from '../log-retention.js';
import type { BackgroundBudget } from './background-budget.js';

/** The system log of slow searches. */
export const SLOW_QUERY_LOG = 'slow-queries';
/** The system log of their explain traces, by the slow query's id. */
export const SLOW_QUERY_TRACE_LOG = 'slow-query-traces';

/** Settings of {@link SlowQueryStore} (`slowQuery.*` of the server config). */
export interface SlowQuerySettings {
  readonly enabled: boolean;
  readonly thresholdMs: number;
  readonly maxEntries: number;
  /** 0: no age limit. */
  readonly maxAgeDays: number;
}

const shapeSchema = z.object({
  k: z.number().int(),
  ef_search: z.number().int().nullable(),
  filter: z.unknown(),
  post_filter: z.unknown(),
  options: z.array(z.string()),
});

const entrySchema = z.object({
  collection: z.string(),
  shape_id: z.string(),
  shape: shapeSchema,
  duration_ms: z.number(),
  request_id: z.string().nullable(),
});

const traceSchema = z.object({
  /** The slow query's id (its seq in the slow-query log). */
  query: z.number().int(),
  rerun: z.boolean(),
  trace: z.custom<ExplainTrace>((v) => typeof v === 'object' && v !== null && 'plan' in v),
});

/** Records between prunes at most (fewer when `maxEntries` is smaller). */
const PRUNE_EVERY = 100;
/** Time between prunes at most, while queries are recorded. */
const PRUNE_INTERVAL_MS = 60_000;

/**
 * The slow-query store: every search taking at least `thresholdMs` is appended to a system log
 * of the database (so it survives restarts) with its collection, shape, duration and request
 * id, and its explain trace is appended to a second log — at once when the search was
 * explained, else by running the same search again with `searchExplain` as a background job
 * within the CPU budget (the trace then says it is a re-run; when the queue is full there is
 * none). Traces are kept without their per-dimension query values; vectors are never stored.
 * Both logs are pruned by age and count as queries are recorded.
 */
export class SlowQueryStore implements SlowQueryServices {
  readonly #database: () => Database;
  readonly #settings: SlowQuerySettings;
  readonly #budget: BackgroundBudget;
  readonly #logger: Logger;
  readonly #onRecorded: (collection: string) => void;
  /** Ids whose trace job is queued or running. */
  readonly #pending = new Set<number>();
  /** Records being appended. */
  readonly #recording = new Set<Promise<void>>();
  #sincePrune = 0;
  #prunedAt = 0;

  constructor(options: {
    database: () => Database;
    settings: SlowQuerySettings;
    budget: BackgroundBudget;
    logger: Logger;
    onRecorded?: (collection: string) => void;
  }) {
    this.#database = options.database;
    this.#settings = options.settings;
    this.#budget = options.budget;
    this.#logger = options.logger;
    this.#onRecorded = options.onRecorded ?? (() => undefined);
  }

  get thresholdMs(): number {
    return this.#settings.thresholdMs;
  }

  /** Records the search when it was slow; returns at once. */
  observe(search: ObservedSearch): void {
    if (!this.#settings.enabled || search.durationMs < this.#settings.thresholdMs) return;
    const recording = this.#record(search)
      .catch((err: unknown) => {
        this.#logger.warn(
          { err, collection: search.name, request_id: search.requestId },
          'a slow query could not be recorded',
        );
      })
      .finally(() => this.#recording.delete(recording));
    this.#recording.add(recording);
  }

  /** Resolves when every slow query seen so far is recorded (traces may still be queued). */
  async flush(): Promise<void> {
    while (this.#recording.size > 0) await Promise.all(this.#recording);
  }

  /**
   * Resolves when every slow query seen so far is recorded and its trace job has run (for
   * tests; never after the budget stopped, whose dropped jobs stay pending).
   */
  async settled(): Promise<void> {
    while (this.#recording.size > 0 || this.#budget.queued > 0 || this.#pending.size > 0) {
      await Promise.all(this.#recording);
      await this.#budget.idle();
    }
  }

  list(query: { collection?: string | undefined; from: number; to: number }): SlowQueryRecord[] {
    return this.#entries()
      .read({
        sinceAt: query.from,
        untilAt: query.to,
        ...(query.collection === undefined ? {} : { match: { collection: query.collection } }),
      })
      .map((r) => toRecord(r.seq, r.at, r.entry));
  }

  get(id: number): SlowQueryDetail | undefined {
    const [stored] = this.#entries().read({ afterSeq: id - 1, limit: 1 });
    if (!stored || stored.seq !== id) return undefined;
    const [traced] = this.#traces().read({ match: { query: id }, descending: true, limit: 1 });
    return {
      ...toRecord(stored.seq, stored.at, stored.entry),
      traceStatus: traced ? 'ready' : this.#pending.has(id) ? 'pending' : 'unavailable',
      trace: traced ? traced.entry.trace : null,
      traceRerun: traced ? traced.entry.rerun : false,
      tracedAt: traced ? traced.at : null,
    };
  }

  /** Drops entries and traces past the age and count limits; resolves with how many went. */
  async prune(now = Date.now()): Promise<number> {
    this.#sincePrune = 0;
    this.#prunedAt = now;
    // maxEntries is at least 1, so there is always a rule.
    const rule = pruneRuleOf(this.#settings)!;
    const entries = await this.#entries().prune(rule, now);
    await this.#traces().prune(rule, now);
    return entries;
  }

  async #record(search: ObservedSearch): Promise<void> {
    const shape = searchShape(search.request);
    const [id] = await this.#entries().append({
      collection: search.name,
      shape_id: shapeId(shape),
      shape,
      duration_ms: search.durationMs,
      request_id: search.requestId ?? null,
    });
    this.#onRecorded(search.name);
    if (search.trace) {
      await this.#traces().append({ query: id!, rerun: false, trace: withoutQuery(search.trace) });
    } else {
      this.#pending.add(id!);
      const queued = this.#budget.offer(async () => {
        try {
          await this.#trace(id!, search);
        } finally {
          this.#pending.delete(id!);
        }
      });
      if (!queued) this.#pending.delete(id!);
    }
    this.#sincePrune += 1;
    const every = Math.min(PRUNE_EVERY, this.#settings.maxEntries);
    if (this.#sincePrune >= every || Date.now() - this.#prunedAt >= PRUNE_INTERVAL_MS)
      await this.prune();
  }

  async #trace(id: number, search: ObservedSearch): Promise<void> {
    const { request } = search;
    let trace: ExplainTrace;
    try {
      const result = await search.collection.searchExplain(request.vector, request.k, {
        filter: (request.filter ?? null) as Filter | null,
        postFilter: (request.post_filter ?? null) as Filter | null,
        ...(request.post_filter_factor === undefined
          ? {}
          : { postFilterFactor: request.post_filter_factor }),
        searchAfter: (request.search_after ?? null) as { distance: number; id: string } | null,
        ...(request.ef_search === undefined ? {} : { efSearch: request.ef_search }),
      });
      trace = result.explain;
    } catch {
      return; // the collection was dropped or closed meanwhile
    }
    await this.#traces().append({ query: id, rerun: true, trace: withoutQuery(trace) });
  }

  #entries() {
    return this.#database().system.log(SLOW_QUERY_LOG, entrySchema);
  }

  #traces() {
    return this.#database().system.log(SLOW_QUERY_TRACE_LOG, traceSchema);
  }
}

function toRecord(id: number, at: number, e: z.output<typeof entrySchema>): SlowQueryRecord {
  const shape: QueryShape = {
    k: e.shape.k,
    ef_search: e.shape.ef_search,
    filter: e.shape.filter ?? null,
    post_filter: e.shape.post_filter ?? null,
    options: e.shape.options,
  };
  return {
    id,
    at,
    collection: e.collection,
    shapeId: e.shape_id,
    shape,
    durationMs: e.duration_ms,
    requestId: e.request_id,
  };
}

/** The trace without what it holds of the query vector (per-dimension values). */
function withoutQuery(trace: ExplainTrace): ExplainTrace {
  return { ...trace, topDimensions: [] };
}
