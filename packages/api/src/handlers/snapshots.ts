import { isEngineError } from '@needle/engine';
import type { z } from 'zod';

import { ApiError } from '../api-error.js';
import { guardMemory } from '../limits/guards.js';
import type {
  createSnapshotBody,
  createSnapshotResponse,
  deleteSnapshotResponse,
  listSnapshotsResponse,
  restoreSnapshotResponse,
} from '../schemas/snapshots.js';
import type { ApiRuntime } from './runtime.js';

/** The snapshots of a collection, oldest first. */
export async function listSnapshots(
  { ctx }: ApiRuntime,
  name: string,
): Promise<z.output<typeof listSnapshotsResponse>> {
  const list = await ctx.database().listSnapshots(name);
  return {
    snapshots: list.map((s) => ({
      name: s.name,
      created_at: new Date(s.createdAt).toISOString(),
      count: s.count,
      bytes: s.bytes,
    })),
  };
}

/** Takes a snapshot of a collection's committed vectors. */
export async function createSnapshot(
  { ctx }: ApiRuntime,
  name: string,
  body: z.output<typeof createSnapshotBody>,
): Promise<z.output<typeof createSnapshotResponse>> {
  const started = performance.now();
  const info = await ctx.database().createSnapshot(name, body.name);
  ctx.metrics.observeInsert(name, 'snapshot', (performance.now() - started) / 1000, 0);
  return {
    created: true,
    name: info.name,
    count: info.count,
    created_at: new Date(info.createdAt).toISOString(),
  };
}

/**
 * Replaces a collection's vectors with a snapshot's. The collection answers 409
 * `OPERATION_IN_PROGRESS` meanwhile; a damaged snapshot is 409 `SNAPSHOT_CORRUPT` and
 * changes nothing.
 */
export async function restoreSnapshot(
  { ctx, cache }: ApiRuntime,
  name: string,
  snapshot: string,
): Promise<z.output<typeof restoreSnapshotResponse>> {
  guardMemory(ctx);
  try {
    const report = await ctx.database().restoreSnapshot(name, snapshot);
    return { restored: true, count: report.restored };
  } catch (err) {
    if (isEngineError(err, 'SEALED_FILE_CORRUPT') || isEngineError(err, 'WRONG_KEY')) {
      throw new ApiError(
        409,
        'SNAPSHOT_CORRUPT',
        `snapshot "${snapshot}" of "${name}" cannot be restored: ${err.message}`,
        'Nothing was changed. Restore another snapshot, or take a new one.',
      );
    }
    throw err;
  } finally {
    cache.dropCollection(name);
  }
}

/** Deletes a snapshot. */
export async function deleteSnapshot(
  { ctx }: ApiRuntime,
  name: string,
  snapshot: string,
): Promise<z.output<typeof deleteSnapshotResponse>> {
  await ctx.database().deleteSnapshot(name, snapshot);
  return { deleted: snapshot };
}
