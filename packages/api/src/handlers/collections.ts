import type { CompactionReport } from '@needle/engine';
import type { z } from 'zod';

import { ApiError } from '../api-error.js';
import { limitError } from '../errors/limit-error.js';
import { guardMemory } from '../limits/guards.js';
import type {
  collectionDetail,
  compactQuery,
  compactResponse,
  createCollectionBody,
  createCollectionResponse,
  deleteCollectionResponse,
  exportQuery,
  exportResponse,
  indexStatusResponse,
  listCollectionsQuery,
  listCollectionsResponse,
} from '../schemas/collections.js';
import type { ApiRuntime } from './runtime.js';

/** Collections sorted by name, a page at a time. */
export function listCollections(
  { ctx }: ApiRuntime,
  query: z.output<typeof listCollectionsQuery>,
): z.output<typeof listCollectionsResponse> {
  const all = ctx.database().listCollections();
  const page = all.slice(query.offset, query.offset + query.limit);
  return {
    collections: page.map((c) => ({
      name: c.name,
      dimensions: c.dimensions,
      count: c.count,
      deleted_count: c.deletedCount,
    })),
    pagination: {
      count: page.length,
      offset: query.offset,
      total: all.length,
      has_more: query.offset + page.length < all.length,
    },
  };
}

/** Creates a collection; distance aliases are resolved by the engine. */
export async function createCollection(
  { ctx, cache }: ApiRuntime,
  body: z.output<typeof createCollectionBody>,
): Promise<z.output<typeof createCollectionResponse>> {
  guardMemory(ctx);
  await ctx.database().createCollection(body.name, {
    dimensions: body.dimensions,
    distance: body.distance,
    index: {
      m: body.m,
      efConstruction: body.ef_construction,
      efSearch: body.ef_search,
      profile: body.profile,
    },
    quantization: body.quantization,
  });
  cache.dropCollection(body.name);
  return { created: body.name };
}

/** One collection's settings and counts. */
export function getCollection(
  { ctx }: ApiRuntime,
  name: string,
): z.output<typeof collectionDetail> {
  const stats = ctx.database().collection(name).stats();
  return {
    name: stats.name,
    dimensions: stats.dimensions,
    distance: stats.distance,
    count: stats.count,
    deleted_count: stats.deletedCount,
    needs_compaction: stats.needsCompaction,
    quantization: stats.quantization,
    index: {
      type: stats.index.kind,
      m: stats.index.m,
      ef_construction: stats.index.efConstruction,
      ef_search: stats.index.efSearch,
    },
  };
}

/** Drops a collection and everything in it. */
export async function dropCollection(
  { ctx, cache }: ApiRuntime,
  name: string,
): Promise<z.output<typeof deleteCollectionResponse>> {
  await ctx.database().dropCollection(name);
  cache.dropCollection(name);
  return { deleted: name };
}

/**
 * Rebuilds a collection's index without its deleted slots; its progress shows on the index
 * status while it runs. With `dry_run`, changes nothing and answers what it would reclaim.
 */
export async function compactCollection(
  { ctx, operations }: ApiRuntime,
  name: string,
  query: z.output<typeof compactQuery> = { dry_run: false },
): Promise<z.output<typeof compactResponse>> {
  const collection = ctx.database().collection(name);
  if (query.dry_run) {
    const plan = await collection.compact({ dryRun: true });
    return answer(name, plan);
  }
  const running = operations.get(name);
  if (running) {
    // The engine refuses it too; refusing first keeps the running one's progress.
    throw new ApiError(
      409,
      'OPERATION_IN_PROGRESS',
      `a ${running.kind} is already running on "${name}"`,
      'Wait for it to finish (GET /collections/{name}/index/status shows its progress), then try again.',
      { details: { collection: name, operation: running.kind } },
    );
  }
  const started = performance.now();
  operations.start(name, 'compaction');
  try {
    const report = await collection.compact({
      onProgress: (p) => operations.progress(name, p),
    });
    ctx.metrics.observeInsert(name, 'compact', (performance.now() - started) / 1000, 0);
    return answer(name, report);
  } finally {
    operations.finish(name);
  }
}

function answer(name: string, report: CompactionReport): z.output<typeof compactResponse> {
  return {
    compacted: name,
    removed: report.removed,
    dry_run: report.dryRun,
    reclaimed_bytes: Math.round(report.reclaimedBytes),
    vectors: report.vectors,
  };
}

/**
 * The index's size, fragmentation and whether compaction is due, the compaction running now
 * with its progress, and what the last one did.
 */
export function indexStatus(
  { ctx, operations }: ApiRuntime,
  name: string,
): z.output<typeof indexStatusResponse> {
  const collection = ctx.database().collection(name);
  const stats = collection.stats();
  const running = operations.get(name);
  const last = collection.lastCompaction;
  return {
    collection: name,
    index: {
      type: stats.index.kind,
      vectors: stats.count,
      deleted: stats.deletedCount,
      fragmentation_ratio: stats.fragmentationRatio,
      needs_compaction: stats.needsCompaction,
      memory_bytes: stats.memoryBytes,
      index_memory_bytes: stats.indexMemoryBytes,
    },
    compaction_recommended: stats.needsCompaction,
    operation: running && {
      kind: running.kind,
      phase: running.phase,
      done: running.done,
      total: running.total,
      ratio: running.ratio,
      started_at: new Date(running.startedAt).toISOString(),
      eta_seconds: running.etaSeconds === null ? null : Math.ceil(running.etaSeconds),
    },
    last_compaction: last && {
      removed: last.removed,
      reclaimed_bytes: Math.round(last.reclaimedBytes),
      duration_ms: last.durationMs,
      vectors: last.vectors,
      completed_at: new Date(last.completedAt).toISOString(),
    },
  };
}

/**
 * The vectors of a collection with their metadata, in insertion order. Without `limit` the
 * whole collection is answered, which is refused (413 `EXPORT_TOO_LARGE`) above the export
 * page limit; a `limit` above it is refused with 400 `INVALID_LIMIT`.
 */
export function exportCollection(
  { ctx }: ApiRuntime,
  name: string,
  query: z.output<typeof exportQuery>,
): z.output<typeof exportResponse> {
  const collection = ctx.database().collection(name);
  const max = ctx.limits.maxExportPage;
  const total = collection.size;
  if (query.limit === undefined && total - Math.min(query.offset, total) > max) {
    ctx.metrics.limitRejected('export_page');
    throw limitError(
      413,
      'EXPORT_TOO_LARGE',
      `the collection holds ${total} vectors, more than one export of at most ${max}`,
      `Page through it with ?offset=0&limit=${max}, then the next offsets.`,
      {
        limit: 'export_page',
        scope: 'request',
        current: total,
        threshold: max,
        retryAfterSeconds: null,
      },
    );
  }
  const limit = query.limit ?? max;
  if (limit > max) {
    throw limitError(
      400,
      'INVALID_LIMIT',
      `limit ${limit} exceeds the export page limit of ${max}`,
      `Ask for at most ${max} vectors per page.`,
      {
        limit: 'export_page',
        scope: 'request',
        current: limit,
        threshold: max,
        retryAfterSeconds: null,
      },
    );
  }
  const started = performance.now();
  const vectors: z.output<typeof exportResponse>['vectors'] = [];
  for (let offset = query.offset; vectors.length < limit;) {
    const page = collection.list({ offset, limit: Math.min(1000, limit - vectors.length) });
    for (const id of page.ids) {
      const record = collection.get(id);
      if (record)
        vectors.push({ id, vector: Array.from(record.vector), metadata: record.metadata });
    }
    offset += page.ids.length;
    if (page.ids.length === 0 || offset >= page.total) break;
  }
  ctx.metrics.observeSearch(name, 'export', (performance.now() - started) / 1000);
  return {
    collection: name,
    dimensions: collection.stats().dimensions,
    count: vectors.length,
    total,
    offset: query.offset,
    has_more: query.offset + vectors.length < total,
    vectors,
  };
}
