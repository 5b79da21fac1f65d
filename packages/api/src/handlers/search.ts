import { resolveDistance } from '@needle/engine';
import type { Collection, ExplainTrace, Filter, SearchHit, SearchResult } from '@needle/engine';
import type { z } from 'zod';

import { ApiError } from '../api-error.js';
import type { Operation } from '../context.js';
import { guardBatch, withQueryTimeout } from '../limits/guards.js';
import type {
  batchSearchBody,
  batchSearchResponse,
  countBody,
  countResponse,
  explanationSchema,
  queryBody,
  queryResponse,
  radiusSearchBody,
  radiusSearchResponse,
  recommendBody,
  recommendResponse,
  searchBody,
  searchHit,
  searchResponse,
} from '../schemas/search.js';
import type { ApiRuntime } from './runtime.js';
import { vectorNotFound } from './vectors.js';

type Hit = z.output<typeof searchHit>;

/**
 * A k-nearest-neighbour search, answered from the query-result cache when the same request
 * was answered since the collection's last write.
 */
export async function search(
  rt: ApiRuntime,
  name: string,
  body: z.output<typeof searchBody>,
  requestId?: string,
): Promise<z.output<typeof searchResponse>> {
  const { ctx, cache } = rt;
  const collection = ctx.database().collection(name);
  checkDistance(collection, body.distance);
  const started = performance.now();
  const key = cache.enabled ? `search:${JSON.stringify(body)}` : '';
  if (cache.enabled) {
    const cached = cache.get(collection, key);
    ctx.metrics.cacheLookup(name, cached !== undefined);
    if (cached) {
      observe(rt, name, 'search', started);
      return searchAnswer(cached.result, cached.trace, true);
    }
  }
  const version = collection.changeVersion;
  const options = {
    filter: asFilter(body.filter),
    postFilter: asFilter(body.post_filter),
    postFilterFactor: body.post_filter_factor,
    includeVectors: body.include_vectors,
    searchAfter: body.search_after ?? null,
    efSearch: body.ef_search,
  };
  const result = await withQueryTimeout(ctx, 'search', () =>
    body.explain
      ? collection.searchExplain(body.vector, body.k, options)
      : collection.search(body.vector, body.k, options),
  );
  const trace = 'explain' in result ? (result.explain as ExplainTrace) : undefined;
  const seconds = observe(rt, name, 'search', started);
  cache.set(collection, key, version, result, trace);
  ctx.searchObserver?.observeSearch({
    collection,
    name,
    request: body,
    hits: result.hits,
    changeVersion: version,
    durationMs: seconds * 1000,
    at: Date.now(),
    requestId,
    trace,
  });
  return searchAnswer(result, trace, false);
}

/** Many searches, answered in input order. */
export async function batchSearch(
  rt: ApiRuntime,
  name: string,
  body: z.output<typeof batchSearchBody>,
): Promise<z.output<typeof batchSearchResponse>> {
  const { ctx } = rt;
  guardBatch(ctx, body.vectors.length, 'vectors');
  const collection = ctx.database().collection(name);
  const started = performance.now();
  const results = await withQueryTimeout(ctx, 'batch_search', () =>
    collection.batchSearch(body.vectors, body.k, {
      filter: asFilter(body.filter),
      includeVectors: body.include_vectors,
      efSearch: body.ef_search,
    }),
  );
  observe(rt, name, 'batch_search', started);
  return { results: results.map((r) => r.hits.map(toHit)) };
}

/** Every vector within `max_distance`, nearest first. */
export async function radiusSearch(
  rt: ApiRuntime,
  name: string,
  body: z.output<typeof radiusSearchBody>,
): Promise<z.output<typeof radiusSearchResponse>> {
  const { ctx } = rt;
  const collection = ctx.database().collection(name);
  const started = performance.now();
  const result = await withQueryTimeout(ctx, 'radius_search', () =>
    collection.radiusSearch(body.vector, body.max_distance, {
      limit: body.limit,
      filter: asFilter(body.filter),
      includeVectors: body.include_vectors,
    }),
  );
  observe(rt, name, 'radius_search', started);
  return {
    results: result.hits.map(toHit),
    max_distance: result.maxDistance,
    count: result.hits.length,
  };
}

/** Vectors whose metadata matches a filter, in insertion order, a page at a time. */
export async function query(
  rt: ApiRuntime,
  name: string,
  body: z.output<typeof queryBody>,
): Promise<z.output<typeof queryResponse>> {
  const { ctx } = rt;
  const collection = ctx.database().collection(name);
  const started = performance.now();
  const result = await withQueryTimeout(ctx, 'query', () =>
    collection.query(body.filter as Filter, { limit: body.limit, offset: body.offset }),
  );
  observe(rt, name, 'query', started);
  return {
    data: result.records,
    pagination: {
      count: result.records.length,
      offset: body.offset,
      total: result.total,
      has_more: result.hasMore,
    },
  };
}

/** How many vectors there are, or match a filter. */
export async function count(
  rt: ApiRuntime,
  name: string,
  body: z.output<typeof countBody>,
): Promise<z.output<typeof countResponse>> {
  const { ctx } = rt;
  const collection = ctx.database().collection(name);
  const started = performance.now();
  const n = await withQueryTimeout(ctx, 'count', () => collection.count(asFilter(body.filter)));
  observe(rt, name, 'count', started);
  return { count: n };
}

/**
 * Vectors like the positive examples and unlike the negative ones: a search from the mean
 * of the positives minus the mean of the negatives, the examples themselves left out.
 */
export async function recommend(
  rt: ApiRuntime,
  name: string,
  body: z.output<typeof recommendBody>,
): Promise<z.output<typeof recommendResponse>> {
  const { ctx } = rt;
  guardBatch(ctx, body.positive_ids.length + body.negative_ids.length, 'vectors');
  const collection = ctx.database().collection(name);
  const started = performance.now();
  const mean = (ids: readonly string[]): Float64Array | null => {
    if (ids.length === 0) return null;
    let sum: Float64Array | null = null;
    for (const id of ids) {
      const record = collection.get(id);
      if (!record) throw vectorNotFound(name, id);
      sum ??= new Float64Array(record.vector.length);
      for (let i = 0; i < sum.length; i++) sum[i]! += record.vector[i]!;
    }
    return sum!.map((v) => v / ids.length);
  };
  const target = mean(body.positive_ids)!;
  const away = mean(body.negative_ids);
  if (away) for (let i = 0; i < target.length; i++) target[i]! -= away[i]!;
  const exclude = new Set([...body.positive_ids, ...body.negative_ids]);
  const k = Math.min(body.limit + exclude.size, 10_000);
  const result = await withQueryTimeout(ctx, 'recommend', () =>
    collection.search(target, k, { filter: asFilter(body.filter) }),
  );
  observe(rt, name, 'recommend', started);
  return {
    results: result.hits
      .filter((h) => !exclude.has(h.id))
      .slice(0, body.limit)
      .map(toHit),
  };
}

/** The wire form of a search answer. */
function searchAnswer(
  result: SearchResult,
  trace: ExplainTrace | undefined,
  cacheHit: boolean,
): z.output<typeof searchResponse> {
  return {
    results: result.hits.map(toHit),
    ...(result.nextCursor ? { next_cursor: result.nextCursor } : {}),
    has_more: result.hasMore,
    ...(trace ? { explanation: explanation(trace, cacheHit) } : {}),
  };
}

function toHit(hit: SearchHit): Hit {
  const out: Hit = { id: hit.id, distance: hit.distance, score: hit.score };
  if (hit.metadata !== null) out.metadata = hit.metadata;
  if (hit.vector) out.vector = Array.from(hit.vector);
  return out;
}

/** The contract's `explanation` from the engine's trace. */
export function explanation(
  t: ExplainTrace,
  cacheHit: boolean,
): z.output<typeof explanationSchema> {
  return {
    query_norm: t.queryNorm,
    distance_metric: t.distance,
    top_dimensions: t.topDimensions.map((d) => ({
      dimension: d.dimension,
      query_value: d.queryValue,
      contribution: d.contribution,
    })),
    profiling: {
      total_time_us: t.timing.totalUs,
      index_time_us: t.timing.indexUs,
      filter_time_us: t.timing.filterUs,
      enrich_time_us: t.timing.fetchUs,
      candidates_before_filter: t.candidatesExamined,
      candidates_after_filter: t.candidatesAfterFilter,
      hnsw_stats: {
        visited_nodes: t.index.visitedNodes,
        // usearch does not report how many layers a traversal went through.
        layers_traversed: null,
        distance_computations: t.index.distanceComputations,
        traversal_time_us: t.timing.indexUs,
      },
      dimensions: t.dimensions,
      collection_size: t.collectionSize,
      requested_k: t.requestedK,
      effective_k: Math.min(t.requestedK, t.collectionSize),
      ef_search: t.index.efUsed,
      filter_applied: t.filterApplied,
    },
    plan: {
      strategy: t.plan.strategy,
      reason: t.plan.reason,
      estimated_selectivity: t.plan.estimatedSelectivity,
    },
    cache_hit: cacheHit || t.cacheHit,
  };
}

/** A search may name a distance only to confirm the collection's own. */
function checkDistance(collection: Collection, distance: string | undefined): void {
  if (distance === undefined) return;
  const wanted = resolveDistance(distance);
  const own = collection.stats().distance;
  if (wanted !== own) {
    throw new ApiError(
      400,
      'INVALID_DISTANCE',
      `collection "${collection.name}" measures ${own} distance; a search cannot use ${wanted}`,
      `Leave "distance" out, or create a collection with distance "${wanted}".`,
    );
  }
}

/** Filters are checked by the engine, which names the offending path. */
function asFilter(filter: Record<string, unknown> | null | undefined): Filter | null {
  return (filter ?? null) as Filter | null;
}

/** Reports a finished search-like operation; returns its duration in seconds. */
function observe(rt: ApiRuntime, name: string, operation: Operation, started: number): number {
  const seconds = (performance.now() - started) / 1000;
  rt.ctx.metrics.observeSearch(name, operation, seconds);
  return seconds;
}
