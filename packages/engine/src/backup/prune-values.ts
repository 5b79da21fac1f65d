import type { Storage } from '../storage/storage.js';
import { STATE_NAMESPACE } from './backup-catalog.js';

/**
 * The seq at or below which no incremental to come needs the value log, when the database has
 * no backup chain at all (no chain head in any target): its next backup is a full one, which
 * needs no values, so every value can go (docs/adr/0022). Null when a chain exists: then the
 * backups prune, after each one, to the lowest head.
 */
export function unchainedValueFloor(storage: Storage): number | null {
  const record = storage.listSystemRecords(STATE_NAMESPACE).find((r) => r.key === 'state');
  if (record) {
    const state = JSON.parse(record.value) as { heads?: Record<string, unknown> };
    if (Object.keys(state.heads ?? {}).length > 0) return null;
  }
  return storage.lastSeq();
}
