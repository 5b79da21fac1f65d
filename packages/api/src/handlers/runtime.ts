import type { Principal } from '@needle/security';

import type { AccessRequest, ApiContext, RouteAccess } from '../context.js';
import { QueryCache } from '../cache/query-cache.js';
import { createAccessGuard } from '../security/access-guard.js';
import { CollectionOperations } from './collection-operations.js';

/** The access decision in force: the built-in guard over `ctx.security`, or `ctx.authorize`. */
export type Authorize = (
  request: AccessRequest,
  access: RouteAccess,
) => Promise<Principal | undefined>;

/** What every handler works with: the host's context and the API's own state. */
export interface ApiRuntime {
  readonly ctx: ApiContext;
  readonly cache: QueryCache;
  /** Undefined when the host enforces no access control. */
  readonly authorize: Authorize | undefined;
  /** Long operations running on collections (compaction), with their progress. */
  readonly operations: CollectionOperations;
}

const runtimes = new WeakMap<ApiContext, ApiRuntime>();

/** The runtime of a context; REST and tRPC registered with one context share one cache. */
export function runtimeOf(ctx: ApiContext): ApiRuntime {
  let runtime = runtimes.get(ctx);
  if (!runtime) {
    runtime = {
      ctx,
      cache: new QueryCache(ctx.limits.queryCacheEntries),
      authorize: authorizeOf(ctx),
      operations: new CollectionOperations(),
    };
    runtimes.set(ctx, runtime);
  }
  return runtime;
}

function authorizeOf(ctx: ApiContext): Authorize | undefined {
  if (ctx.security) return createAccessGuard(ctx.security);
  const authorize = ctx.authorize;
  if (!authorize) return undefined;
  return async (request, access) => (await authorize(request, access)) ?? undefined;
}
