import type { PruneRule } from '@needle/engine';

/** How long one of the server's system logs keeps its entries (alert history, deliveries, ...). */
export interface LogRetention {
  /** Entries older than this many days go (0: no age limit). */
  readonly maxAgeDays: number;
  /** Only the newest this many stay (0: no count limit). */
  readonly maxEntries: number;
}

const DAY_MS = 86_400_000;

/** The engine's prune rule for a retention; undefined when it keeps everything. */
export function pruneRuleOf(retention: LogRetention): PruneRule | undefined {
  const { maxAgeDays, maxEntries } = retention;
  if (maxAgeDays <= 0 && maxEntries <= 0) return undefined;
  return {
    ...(maxAgeDays > 0 ? { olderThanMs: maxAgeDays * DAY_MS } : {}),
    ...(maxEntries > 0 ? { keepLast: maxEntries } : {}),
  };
}
