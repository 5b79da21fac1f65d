import { toPublicDistance } from '../vectors/metric.js';
import type { SearchRequest, SearchResult } from './run-search.js';
import { orderTies, toHits } from './run-search.js';
import type { SearchContext } from './search-context.js';

/**
 * The true `k` nearest visible vectors that pass the request's filter, by an exact scan of
 * all of them (usearch's `exactSearch` over the matching keys): the ground truth a graph
 * search is measured against. Ordered like every search (distance, then id). Post-filters,
 * cursors and explain traces are not part of it.
 */
export function exactSearch(ctx: SearchContext, req: SearchRequest): SearchResult {
  const { state } = ctx;
  const metadata = state.metadata;
  const filter = req.filter;
  const matched: number[] = [];
  state.forEachVisible(Date.now(), (key) => {
    if (filter === null || filter(metadata[key] ?? null)) matched.push(key);
  });
  if (matched.length === 0) return { hits: [], hasMore: false, nextCursor: null };
  // One more than k, so that ties straddling the k-th place come out ordered by id.
  const count = Math.min(req.k + 1, matched.length);
  const found = ctx.index.searchSubset(req.query, Uint32Array.from(matched), count);
  const keys = Array.from(found.keys);
  const distances = Array.from(found.distances, (d) => toPublicDistance(ctx.config.distance, d));
  orderTies(state.ids, keys, distances);
  const hasMore = matched.length > req.k;
  if (keys.length > req.k) {
    keys.length = req.k;
    distances.length = req.k;
  }
  const hits = toHits(ctx, keys, distances, req.includeVectors);
  const last = hits[hits.length - 1];
  return {
    hits,
    hasMore,
    nextCursor: hasMore && last ? { distance: last.distance, id: last.id } : null,
  };
}
