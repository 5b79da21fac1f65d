import {
  createSnapshot,
  deleteSnapshot,
  listSnapshots,
  restoreSnapshot,
} from '../handlers/snapshots.js';
import { defineRoute } from '../http/api-route.js';
import type { ApiRoute } from '../http/api-route.js';
import { collectionParams } from '../schemas/common.js';
import {
  createSnapshotBody,
  createSnapshotResponse,
  deleteSnapshotResponse,
  listSnapshotsResponse,
  restoreSnapshotResponse,
  snapshotParams,
} from '../schemas/snapshots.js';

const tag = 'snapshots';

/** Routes under `/collections/{name}/snapshots`. */
export const snapshotRoutes: readonly ApiRoute[] = [
  defineRoute({
    id: 'listSnapshots',
    action: 'read',
    method: 'GET',
    path: '/collections/:name/snapshots',
    kind: 'api',
    operation: 'snapshot',
    summary: 'The snapshots of a collection, oldest first',
    tag,
    params: collectionParams,
    status: 200,
    response: listSnapshotsResponse,
    errors: ['COLLECTION_NOT_FOUND'],
    handle: (rt, { params }) => listSnapshots(rt, params.name),
  }),
  defineRoute({
    id: 'createSnapshot',
    action: 'collections.manage',
    method: 'POST',
    path: '/collections/:name/snapshots',
    kind: 'api',
    operation: 'snapshot',
    summary: "Snapshot the collection's vectors (sealed; encrypted with the database key)",
    tag,
    params: collectionParams,
    body: createSnapshotBody,
    status: 201,
    response: createSnapshotResponse,
    errors: ['COLLECTION_NOT_FOUND', 'SNAPSHOT_EXISTS', 'DISK_FULL'],
    handle: (rt, { params, body }) => createSnapshot(rt, params.name, body),
  }),
  defineRoute({
    id: 'restoreSnapshot',
    action: 'collections.manage',
    method: 'POST',
    path: '/collections/:name/snapshots/:snapshot/restore',
    kind: 'api',
    operation: 'snapshot',
    summary: "Replace the collection's vectors with the snapshot's, in one commit",
    tag,
    params: snapshotParams,
    status: 200,
    response: restoreSnapshotResponse,
    errors: [
      'COLLECTION_NOT_FOUND',
      'SNAPSHOT_NOT_FOUND',
      'SNAPSHOT_CORRUPT',
      'OPERATION_IN_PROGRESS',
      'DIMENSION_MISMATCH',
      'MEMORY_LIMIT',
    ],
    handle: (rt, { params }) => restoreSnapshot(rt, params.name, params.snapshot),
  }),
  defineRoute({
    id: 'deleteSnapshot',
    action: 'collections.manage',
    method: 'DELETE',
    path: '/collections/:name/snapshots/:snapshot',
    kind: 'api',
    operation: 'snapshot',
    summary: 'Delete a snapshot',
    tag,
    params: snapshotParams,
    status: 200,
    response: deleteSnapshotResponse,
    errors: ['COLLECTION_NOT_FOUND', 'SNAPSHOT_NOT_FOUND'],
    handle: (rt, { params }) => deleteSnapshot(rt, params.name, params.snapshot),
  }),
];
