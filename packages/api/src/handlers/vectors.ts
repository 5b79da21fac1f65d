import type { z } from 'zod';

import { ApiError } from '../api-error.js';
import { guardBatch, guardMemory } from '../limits/guards.js';
import type {
  batchInsertBody,
  batchInsertResponse,
  deleteBatchBody,
  deleteBatchResponse,
  deleteVectorResponse,
  insertVectorBody,
  insertVectorResponse,
  listVectorsQuery,
  listVectorsResponse,
  updateMetadataBody,
  updateMetadataResponse,
  upsertVectorResponse,
  vectorInput,
  vectorResponse,
} from '../schemas/vectors.js';
import type { ApiRuntime } from './runtime.js';

type VectorInput = z.output<typeof vectorInput>;

function toRecord(v: VectorInput) {
  return {
    id: v.id,
    vector: v.vector,
    metadata: v.metadata ?? null,
    ttlSeconds: v.ttl_seconds ?? null,
  };
}

function since(started: number): number {
  return (performance.now() - started) / 1000;
}

/** Inserts one vector; an existing id is 409 `VECTOR_EXISTS`. */
export async function insertVector(
  { ctx }: ApiRuntime,
  name: string,
  body: z.output<typeof insertVectorBody>,
): Promise<z.output<typeof insertVectorResponse>> {
  guardMemory(ctx);
  const collection = ctx.database().collection(name);
  const started = performance.now();
  await collection.insert(toRecord(body));
  ctx.metrics.observeInsert(name, 'insert', since(started), 1);
  return { inserted: body.id };
}

/**
 * Inserts a batch in one commit. Duplicates fail one by one (listed in `errors`); a
 * malformed vector anywhere rejects the whole batch, naming its id.
 */
export async function insertBatch(
  { ctx }: ApiRuntime,
  name: string,
  body: z.output<typeof batchInsertBody>,
): Promise<z.output<typeof batchInsertResponse>> {
  guardBatch(ctx, body.vectors.length, 'vectors');
  guardMemory(ctx);
  const collection = ctx.database().collection(name);
  const started = performance.now();
  const result = await collection.insertMany(body.vectors.map(toRecord));
  ctx.metrics.observeInsert(name, 'batch_insert', since(started), result.inserted);
  return { inserted: result.inserted, errors: result.errors };
}

/** Inserts or replaces one vector. */
export async function upsertVector(
  { ctx }: ApiRuntime,
  name: string,
  body: z.output<typeof insertVectorBody>,
): Promise<z.output<typeof upsertVectorResponse>> {
  guardMemory(ctx);
  const collection = ctx.database().collection(name);
  const started = performance.now();
  const result = await collection.upsert(toRecord(body));
  ctx.metrics.observeInsert(name, 'upsert', since(started), 1);
  return { id: result.id, updated: result.updated };
}

/** One vector with its metadata; 404 `VECTOR_NOT_FOUND` when there is none. */
export function getVector(
  { ctx }: ApiRuntime,
  name: string,
  id: string,
): z.output<typeof vectorResponse> {
  const record = ctx.database().collection(name).get(id);
  if (!record) throw vectorNotFound(name, id);
  return { id, vector: Array.from(record.vector), metadata: record.metadata };
}

/** Deletes one vector; an unknown id is 404 `VECTOR_NOT_FOUND`. */
export async function deleteVector(
  { ctx }: ApiRuntime,
  name: string,
  id: string,
): Promise<z.output<typeof deleteVectorResponse>> {
  const collection = ctx.database().collection(name);
  const started = performance.now();
  await collection.delete(id);
  ctx.metrics.observeInsert(name, 'delete', since(started), 1);
  return { deleted: id };
}

/** Deletes many vectors in one commit; unknown ids are skipped. */
export async function deleteBatch(
  { ctx }: ApiRuntime,
  name: string,
  body: z.output<typeof deleteBatchBody>,
): Promise<z.output<typeof deleteBatchResponse>> {
  guardBatch(ctx, body.ids.length, 'ids');
  const collection = ctx.database().collection(name);
  const started = performance.now();
  const deleted = await collection.deleteMany(body.ids);
  ctx.metrics.observeInsert(name, 'delete', since(started), deleted);
  return { deleted_count: deleted };
}

/** Merges (JSON merge patch) or replaces a vector's metadata. */
export async function updateMetadata(
  { ctx }: ApiRuntime,
  name: string,
  id: string,
  body: z.output<typeof updateMetadataBody>,
): Promise<z.output<typeof updateMetadataResponse>> {
  guardMemory(ctx);
  const collection = ctx.database().collection(name);
  const started = performance.now();
  await collection.updateMetadata(id, body.metadata, { replace: body.replace });
  ctx.metrics.observeInsert(name, 'update_metadata', since(started), 1);
  return { updated: id };
}

/** Ids in insertion order, a page at a time. */
export function listVectors(
  { ctx }: ApiRuntime,
  name: string,
  query: z.output<typeof listVectorsQuery>,
): z.output<typeof listVectorsResponse> {
  const page = ctx.database().collection(name).list(query);
  return { ids: page.ids, offset: page.offset, limit: page.limit, total: page.total };
}

/** 404 `VECTOR_NOT_FOUND`. */
export function vectorNotFound(collection: string, id: string): ApiError {
  return new ApiError(
    404,
    'VECTOR_NOT_FOUND',
    `no vector ${JSON.stringify(id.length > 200 ? `${id.slice(0, 200)}…` : id)} in collection "${collection}"`,
    'Check the id; GET /v1/collections/{name}/vectors lists the ids that exist.',
  );
}
