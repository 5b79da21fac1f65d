import type { z } from 'zod';

import { ApiError } from '../api-error.js';
import type {
  healthResponse,
  infoResponse,
  readyResponse,
  saveResponse,
} from '../schemas/system.js';
import type { ApiRuntime } from './runtime.js';

/** Liveness: answers while the process serves. */
export function health({ ctx }: ApiRuntime): z.output<typeof healthResponse> {
  return { status: 'healthy', version: ctx.version };
}

/** What `/ready` answers: ready with totals, or why not and how far along. */
export type ReadinessAnswer =
  | { ready: true; body: z.output<typeof readyResponse> }
  | { ready: false; reason: string; progress: number | null };

/** Readiness: the database open and every index loaded. */
export function readiness({ ctx }: ApiRuntime): ReadinessAnswer {
  const state = ctx.readiness();
  if (!state.ready) return { ready: false, reason: state.reason, progress: state.progress ?? null };
  let totals: { collections: number; total_vectors: number };
  try {
    totals = totalsOf(ctx.database().listCollections());
  } catch (err) {
    if (err instanceof ApiError && err.code === 'NOT_READY')
      return { ready: false, reason: err.message, progress: null };
    throw err;
  }
  return { ready: true, body: { status: 'ready', version: ctx.version, ...totals } };
}

/** Collections, vectors and version. */
export function info({ ctx }: ApiRuntime): z.output<typeof infoResponse> {
  return { ...totalsOf(ctx.database().listCollections()), version: ctx.version };
}

/** Forces a checkpoint: the WAL into the main file, changed indexes saved. */
export async function save({ ctx }: ApiRuntime): Promise<z.output<typeof saveResponse>> {
  await ctx.database().checkpoint();
  return { saved: true };
}

function totalsOf(collections: readonly { count: number }[]) {
  return {
    collections: collections.length,
    total_vectors: collections.reduce((sum, c) => sum + c.count, 0),
  };
}
