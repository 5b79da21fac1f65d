import type { ApiContext } from '../context.js';
import { QueryCache } from '../cache/query-cache.js';

/** What every handler works with: the host's context and the API's own state. */
export interface ApiRuntime {
  readonly ctx: ApiContext;
  readonly cache: QueryCache;
}

const runtimes = new WeakMap<ApiContext, ApiRuntime>();

/** The runtime of a context; REST and tRPC registered with one context share one cache. */
export function runtimeOf(ctx: ApiContext): ApiRuntime {
  let runtime = runtimes.get(ctx);
  if (!runtime) {
    runtime = { ctx, cache: new QueryCache(ctx.limits.queryCacheEntries) };
    runtimes.set(ctx, runtime);
  }
  return runtime;
}
