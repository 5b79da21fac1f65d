import { statSync } from 'node:fs';

import type { CheckpointStats } from '../storage.js';
import type { Connection } from './open-connection.js';

type CheckpointRow = { busy: number; log: number; checkpointed: number };

/**
 * Moves every committed page from the WAL into the main file, then truncates the WAL to zero
 * bytes, so the `-wal` file's size is the WAL lag. Two steps because TRUNCATE reports the
 * frame counts of the WAL it just emptied (zeros): PASSIVE does the copying and counts the
 * frames, TRUNCATE then waits (up to the busy timeout) for readers still on old frames and
 * resets the file. Readers are never blocked by either.
 */
export function checkpointWal(db: Connection, reason: CheckpointStats['reason']): CheckpointStats {
  const started = performance.now();
  const [passive] = db.pragma('wal_checkpoint(PASSIVE)') as CheckpointRow[];
  db.pragma('wal_checkpoint(TRUNCATE)');
  return {
    at: Date.now(),
    durationMs: performance.now() - started,
    pagesCheckpointed: Math.max(0, passive?.checkpointed ?? 0),
    reason,
  };
}

/** Bytes of the file at `path`, 0 when it does not exist (a WAL after a clean close). */
export function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
