import { rmSync } from 'node:fs';
import { join } from 'node:path';

import { Database, type Collection, type CollectionConfig } from '@needle/engine';

/** The WAL sync modes a durable database can run with. */
export const SYNC_MODES = ['fsync', 'normal', 'off'] as const;

/** One of {@link SYNC_MODES}. */
export type SyncMode = (typeof SYNC_MODES)[number];

/** Where a benchmark writes: the in-memory engine, or a durable file with a sync mode. */
export type DurableTarget = 'memory' | SyncMode;

/** An open database with one empty collection, and how to get rid of both. */
export interface OpenTarget {
  db: Database;
  collection: Collection;
  /** Closes the database and deletes its files. */
  dispose(): Promise<void>;
}

/**
 * Opens a fresh database for `target` (`':memory:'`, or `<dir>/<name>.needle` with that sync
 * mode and the default checkpoint settings) with one collection called `bench`.
 */
export async function openTarget(
  target: DurableTarget,
  dir: string,
  name: string,
  config: CollectionConfig,
): Promise<OpenTarget> {
  const path = target === 'memory' ? ':memory:' : join(dir, `${name}.needle`);
  const db =
    target === 'memory'
      ? await Database.open(path)
      : await Database.open(path, { wal: { syncMode: target } });
  const collection = await db.createCollection('bench', config);
  return {
    db,
    collection,
    async dispose() {
      await db.close();
      if (path === ':memory:') return;
      for (const suffix of ['', '-wal', '-shm', '-index', '-salt']) {
        rmSync(`${path}${suffix}`, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Writes per transaction of a durable database so far: above 1 when group commit merged
 * concurrent writes. Null for storage that does not count them (memory).
 */
export function writesPerTransaction(db: Database): number | null {
  const stats: object = db.storageStats();
  const writes = 'writes' in stats ? stats.writes : undefined;
  const transactions = 'transactions' in stats ? stats.transactions : undefined;
  if (typeof writes !== 'number' || typeof transactions !== 'number' || transactions === 0) {
    return null;
  }
  return writes / transactions;
}
