import { totalmem } from 'node:os';

import type { MemoryRefusal } from '@needle/api';

/**
 * Memory in use as the limit sees it: the resident set of the process, which holds the V8
 * heap, the native HNSW indexes and SQLite's page cache alike.
 */
export function memoryInUse(): number {
  return process.memoryUsage.rss();
}

/**
 * The memory a process may use when no limit is configured: the cgroup's limit (a
 * container's `resources.limits.memory`) when there is one, else the machine's memory.
 */
export function availableMemory(): number {
  const total = totalmem();
  const constrained = process.constrainedMemory();
  return constrained > 0 && constrained < total ? constrained : total;
}

/**
 * The write guard of the API context: refuses writes while memory in use is above
 * `limitBytes` (0 turns the guard off). Reads never consult it.
 *
 * @example
 * ```ts
 * const guard = memoryGuard(4 * 2 ** 30);
 * const refusal = guard(); // undefined, or { currentBytes, limitBytes }
 * ```
 */
export function memoryGuard(
  limitBytes: number,
  measure: () => number = memoryInUse,
): () => MemoryRefusal | undefined {
  if (limitBytes <= 0) return () => undefined;
  return () => {
    const currentBytes = measure();
    return currentBytes > limitBytes ? { currentBytes, limitBytes } : undefined;
  };
}
