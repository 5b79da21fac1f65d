import type { ApiContext } from '../context.js';
import type { RunningOperation } from './collection-operations.js';
import { runtimeOf } from './runtime.js';

/**
 * The long operations (compactions) running now through the API registered with `ctx`, by
 * collection, with their progress: what the host's progress metric reports.
 */
export function runningOperations(ctx: ApiContext): [string, RunningOperation][] {
  return [...runtimeOf(ctx).operations.entries()];
}
