import type { IndexMatches } from '../ann/vector-index.js';
import type { SearchStrategy } from './explain.js';
import { nowUs } from './explain.js';
import type { SearchContext } from './search-context.js';

/** Filters matching at least this share are checked on HNSW candidates instead of scanned. */
const POST_FILTER_MIN_SELECTIVITY = 0.1;
/** Records sampled to estimate a filter's selectivity. */
const SAMPLE_SIZE = 512;
/** Below this many live records, the planner just scans (the sample would be most of it). */
const SCAN_ALWAYS_BELOW = 4096;

/** A way of producing ranked candidates for one query, chosen by {@link planSearch}. */
export interface CandidatePlan {
  strategy: SearchStrategy;
  reason: string;
  estimatedSelectivity: number;
  exactSelectivity: number | null;
  /** Microseconds spent on filter work while planning. */
  filterUs: number;
  /** True when the matching keys came from the filter cache instead of a scan. */
  filterCacheHit: boolean;
  /** Upper bound on the candidates this plan can ever produce. */
  reachable: number;
  /** True if candidates still need the predicate checked (post-filter plans). */
  checkPredicate: boolean;
  /** Fetches the `count` best candidates at breadth `ef`. */
  fetch(count: number, ef: number): Promise<IndexMatches> | IndexMatches;
}

/**
 * Chooses how to answer a query (`forceExact` skips the graph, for a fallback). Without a filter: the HNSW graph (through the batcher, so
 * concurrent queries share a native call). With one, by estimated selectivity: broad
 * filters are checked on graph candidates (cheap, no scan); narrow ones scan the metadata
 * once, then either search the matching subset exactly (when it is small, exact is both
 * faster and perfect) or traverse the graph with the matching set as a predicate.
 */
export function planSearch(
  ctx: SearchContext,
  query: Float32Array,
  predicate: ((key: number) => boolean) | null,
  now: number,
  forceExact = false,
  filterKey: string | null = null,
): CandidatePlan {
  const { state, index, dbConfig } = ctx;
  const live = state.live;
  if (predicate === null) {
    return {
      strategy: 'hnsw',
      reason: 'no filter: approximate search of the whole HNSW graph',
      estimatedSelectivity: 1,
      exactSelectivity: null,
      filterUs: 0,
      filterCacheHit: false,
      reachable: live,
      checkPredicate: state.expiresAt.size > 0,
      fetch: (count, ef) => ctx.batcher.search(query, count, ef),
    };
  }

  const started = nowUs();
  let estimated: number;
  if (live <= SCAN_ALWAYS_BELOW || forceExact) {
    estimated = Number.NaN;
  } else {
    estimated = estimateSelectivity(ctx, predicate, now);
    if (estimated >= POST_FILTER_MIN_SELECTIVITY) {
      return {
        strategy: 'hnsw-post-filter',
        reason: `filter matches about ${pct(estimated)} of ${live} vectors: HNSW candidates are checked against it, widening until k match`,
        estimatedSelectivity: estimated,
        exactSelectivity: null,
        filterUs: nowUs() - started,
        filterCacheHit: false,
        reachable: live,
        checkPredicate: true,
        fetch: (count, ef) => {
          const widened = Math.min(live, Math.ceil((count / Math.max(estimated, 0.01)) * 1.2));
          return index.search(query, widened, { ef: Math.max(ef, widened) });
        },
      };
    }
  }

  const hitsBefore = ctx.filterCache.hits;
  const keys = matchingKeys(ctx, predicate, now, filterKey);
  const filterCacheHit = ctx.filterCache.hits > hitsBefore;
  const exact = live === 0 ? 0 : keys.length / live;
  if (Number.isNaN(estimated)) estimated = exact;
  const filterUs = nowUs() - started;
  const exactLimit = Math.max(
    dbConfig.exactSearchMaxCandidates,
    live * dbConfig.exactSearchMaxSelectivity,
  );
  if (keys.length <= exactLimit || forceExact) {
    return {
      strategy: 'exact-subset',
      reason: forceExact
        ? `the graph search found fewer than k of the ${keys.length} matching vectors: answered by an exact search of them`
        : `filter matches ${keys.length} of ${live} vectors (${pct(exact)}): exact search of that subset is faster than the graph and has perfect recall`,
      estimatedSelectivity: estimated,
      exactSelectivity: exact,
      filterUs,
      filterCacheHit,
      reachable: keys.length,
      checkPredicate: false,
      fetch: (count) => index.searchSubset(query, keys, Math.min(count, keys.length)),
    };
  }
  const allowed = new Uint8Array(state.nextKey);
  for (const key of keys) allowed[key] = 1;
  return {
    strategy: 'hnsw-filtered',
    reason: `filter matches ${keys.length} of ${live} vectors (${pct(exact)}), too many for an exact scan: the graph is traversed with the filter applied to each node`,
    estimatedSelectivity: estimated,
    exactSelectivity: exact,
    filterUs,
    filterCacheHit,
    reachable: keys.length,
    checkPredicate: false,
    fetch: (count, ef) =>
      index.search(query, count, {
        ef: Math.max(ef, Math.ceil(count / Math.max(exact, 0.001))),
        allowed,
      }),
  };
}

/**
 * The visible keys the predicate accepts, from the filter cache when the same filter ran
 * since the last write (never when vectors can expire: time alone changes the answer).
 */
function matchingKeys(
  ctx: SearchContext,
  predicate: (key: number) => boolean,
  now: number,
  filterKey: string | null,
): Uint32Array {
  const { state, filterCache } = ctx;
  const cacheable = filterKey !== null && state.expiresAt.size === 0;
  if (cacheable) {
    const cached = filterCache.get(filterKey, state.version);
    if (cached) return cached;
  }
  const matched: number[] = [];
  state.forEachVisible(now, (key) => {
    if (predicate(key)) matched.push(key);
  });
  const keys = Uint32Array.from(matched);
  if (cacheable) filterCache.set(filterKey, state.version, keys);
  return keys;
}

/** Evaluates the predicate on a pseudo-random sample of keys (deterministic per state size). */
function estimateSelectivity(
  ctx: SearchContext,
  predicate: (key: number) => boolean,
  now: number,
): number {
  const { state } = ctx;
  const span = state.nextKey;
  let seed = (span * 2654435761) >>> 0 || 1;
  let sampled = 0;
  let matched = 0;
  for (let attempt = 0; attempt < SAMPLE_SIZE * 4 && sampled < SAMPLE_SIZE; attempt++) {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    const key = (seed >>> 0) % span;
    if (!state.isVisible(key, now)) continue;
    sampled += 1;
    if (predicate(key)) matched += 1;
  }
  return sampled === 0 ? 0 : matched / sampled;
}

function pct(share: number): string {
  return `${(share * 100).toFixed(share < 0.01 ? 2 : 1)}%`;
}
