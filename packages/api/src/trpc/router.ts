import { z } from 'zod';

import {
  compactCollection,
  createCollection,
  dropCollection,
  exportCollection,
  getCollection,
  indexStatus,
  listCollections,
} from '../handlers/collections.js';
import { batchSearch, count, query, radiusSearch, recommend, search } from '../handlers/search.js';
import {
  createSnapshot,
  deleteSnapshot,
  listSnapshots,
  restoreSnapshot,
} from '../handlers/snapshots.js';
import { health, info, readiness, save } from '../handlers/system.js';
import {
  deleteBatch,
  deleteVector,
  getVector,
  insertBatch,
  insertVector,
  listVectors,
  updateMetadata,
  upsertVector,
} from '../handlers/vectors.js';
import type { Operation } from '../context.js';
import { createCollectionBody, exportQuery, listCollectionsQuery } from '../schemas/collections.js';
import {
  batchSearchBody,
  countBody,
  queryBody,
  radiusSearchBody,
  recommendBody,
  searchBody,
} from '../schemas/search.js';
import { createSnapshotBody } from '../schemas/snapshots.js';
import {
  batchInsertBody,
  deleteBatchBody,
  insertVectorBody,
  listVectorsQuery,
  updateMetadataBody,
} from '../schemas/vectors.js';
import { apiInput } from './api-input.js';
import { batchGuard, publicProcedure, router, securedProcedure } from './trpc.js';

const collection = z.object({ collection: z.string() });
const inCollection = <T extends z.ZodRawShape>(schema: z.ZodObject<T>) =>
  schema.extend({ collection: z.string() });

function read(operation: Operation | 'http', route: string) {
  return securedProcedure({ permission: 'read', operation, route });
}
function write(operation: Operation | 'http', route: string) {
  return securedProcedure({ permission: 'write', operation, route });
}
function admin(operation: Operation | 'http', route: string) {
  return securedProcedure({ permission: 'admin', operation, route });
}

/**
 * The tRPC router: the same handlers, schemas, limits, cache and errors as the REST routes,
 * for the console. A collection's name is the `collection` field of the input.
 */
export const appRouter = router({
  system: router({
    health: publicProcedure.query(({ ctx }) => health(ctx.runtime)),
    ready: publicProcedure.query(({ ctx }) => readiness(ctx.runtime)),
    info: read('http', 'system.info').query(({ ctx }) => info(ctx.runtime)),
    save: admin('http', 'system.save').mutation(({ ctx }) => save(ctx.runtime)),
  }),
  collections: router({
    list: read('list', 'collections.list')
      .input(apiInput(listCollectionsQuery))
      .query(({ ctx, input }) => listCollections(ctx.runtime, input)),
    create: admin('http', 'collections.create')
      .input(apiInput(createCollectionBody, { name: 'INVALID_COLLECTION_NAME' }))
      .mutation(({ ctx, input }) => createCollection(ctx.runtime, input)),
    get: read('get', 'collections.get')
      .input(apiInput(collection))
      .query(({ ctx, input }) => getCollection(ctx.runtime, input.collection)),
    drop: admin('http', 'collections.drop')
      .input(apiInput(collection))
      .mutation(({ ctx, input }) => dropCollection(ctx.runtime, input.collection)),
    compact: admin('compact', 'collections.compact')
      .input(apiInput(collection))
      .mutation(({ ctx, input }) => compactCollection(ctx.runtime, input.collection)),
    indexStatus: read('get', 'collections.indexStatus')
      .input(apiInput(collection))
      .query(({ ctx, input }) => indexStatus(ctx.runtime, input.collection)),
    export: read('export', 'collections.export')
      .input(apiInput(inCollection(exportQuery)))
      .query(({ ctx, input }) => exportCollection(ctx.runtime, input.collection, input)),
  }),
  vectors: router({
    insert: write('insert', 'vectors.insert')
      .input(apiInput(inCollection(insertVectorBody)))
      .mutation(({ ctx, input }) => insertVector(ctx.runtime, input.collection, input)),
    insertBatch: write('batch_insert', 'vectors.insertBatch')
      .use(batchGuard('vectors'))
      .input(apiInput(inCollection(batchInsertBody)))
      .mutation(({ ctx, input }) => insertBatch(ctx.runtime, input.collection, input)),
    upsert: write('upsert', 'vectors.upsert')
      .input(apiInput(inCollection(insertVectorBody)))
      .mutation(({ ctx, input }) => upsertVector(ctx.runtime, input.collection, input)),
    get: read('get', 'vectors.get')
      .input(apiInput(collection.extend({ id: z.string() })))
      .query(({ ctx, input }) => getVector(ctx.runtime, input.collection, input.id)),
    delete: write('delete', 'vectors.delete')
      .input(apiInput(collection.extend({ id: z.string() })))
      .mutation(({ ctx, input }) => deleteVector(ctx.runtime, input.collection, input.id)),
    deleteBatch: write('delete', 'vectors.deleteBatch')
      .use(batchGuard('ids'))
      .input(apiInput(inCollection(deleteBatchBody)))
      .mutation(({ ctx, input }) => deleteBatch(ctx.runtime, input.collection, input)),
    updateMetadata: write('update_metadata', 'vectors.updateMetadata')
      .input(apiInput(inCollection(updateMetadataBody).extend({ id: z.string() })))
      .mutation(({ ctx, input }) => updateMetadata(ctx.runtime, input.collection, input.id, input)),
    list: read('list', 'vectors.list')
      .input(apiInput(inCollection(listVectorsQuery)))
      .query(({ ctx, input }) => listVectors(ctx.runtime, input.collection, input)),
  }),
  search: router({
    search: read('search', 'search.search')
      .input(apiInput(inCollection(searchBody)))
      .query(({ ctx, input }) => search(ctx.runtime, input.collection, input)),
    batch: read('batch_search', 'search.batch')
      .use(batchGuard('vectors'))
      .input(apiInput(inCollection(batchSearchBody)))
      .query(({ ctx, input }) => batchSearch(ctx.runtime, input.collection, input)),
    radius: read('radius_search', 'search.radius')
      .input(apiInput(inCollection(radiusSearchBody)))
      .query(({ ctx, input }) => radiusSearch(ctx.runtime, input.collection, input)),
    query: read('query', 'search.query')
      .input(apiInput(inCollection(queryBody)))
      .query(({ ctx, input }) => query(ctx.runtime, input.collection, input)),
    count: read('count', 'search.count')
      .input(apiInput(inCollection(countBody)))
      .query(({ ctx, input }) => count(ctx.runtime, input.collection, input)),
    recommend: read('recommend', 'search.recommend')
      .input(apiInput(inCollection(recommendBody)))
      .query(({ ctx, input }) => recommend(ctx.runtime, input.collection, input)),
  }),
  snapshots: router({
    list: read('snapshot', 'snapshots.list')
      .input(apiInput(collection))
      .query(({ ctx, input }) => listSnapshots(ctx.runtime, input.collection)),
    create: admin('snapshot', 'snapshots.create')
      .input(apiInput(inCollection(createSnapshotBody)))
      .mutation(({ ctx, input }) => createSnapshot(ctx.runtime, input.collection, input)),
    restore: admin('snapshot', 'snapshots.restore')
      .input(apiInput(collection.extend({ snapshot: z.string() })))
      .mutation(({ ctx, input }) => restoreSnapshot(ctx.runtime, input.collection, input.snapshot)),
    delete: admin('snapshot', 'snapshots.delete')
      .input(apiInput(collection.extend({ snapshot: z.string() })))
      .mutation(({ ctx, input }) => deleteSnapshot(ctx.runtime, input.collection, input.snapshot)),
  }),
});

/** The router's type, all the console imports from the API (`import type`). */
export type AppRouter = typeof appRouter;
