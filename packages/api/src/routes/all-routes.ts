import { defineRoute } from '../http/api-route.js';
import type { ApiRoute } from '../http/api-route.js';
import { openApiDocument } from '../http/openapi.js';
import { z } from 'zod';

import { alertRoutes } from './alert-routes.js';
import { backupRoutes } from './backup-routes.js';
import { collectionRoutes } from './collection-routes.js';
import { notificationRoutes } from './notification-routes.js';
import { searchRoutes } from './search-routes.js';
import { slowQueryRoutes } from './slow-query-routes.js';
import { securityRoutes } from './security-routes.js';
import { snapshotRoutes } from './snapshot-routes.js';
import { systemRoutes } from './system-routes.js';
import { tuningRoutes } from './tuning-routes.js';
import { vectorRoutes } from './vector-routes.js';

const documents = new Map<string, Record<string, unknown>>();

/** `GET /openapi.json`: the document of every route, this one included. */
const openApiRoute: ApiRoute = defineRoute({
  id: 'openapi',
  method: 'GET',
  path: '/openapi.json',
  kind: 'infra',
  operation: 'http',
  summary: 'This API as an OpenAPI 3.1 document',
  tag: 'system',
  status: 200,
  response: z.record(z.string(), z.unknown()),
  action: 'public',
  handle: ({ ctx }) => {
    let doc = documents.get(ctx.version);
    if (!doc) {
      doc = openApiDocument(allRoutes, ctx.version);
      documents.set(ctx.version, doc);
    }
    return doc;
  },
});

/** Every REST route, in the order they are registered and documented. */
export const allRoutes: readonly ApiRoute[] = [
  ...systemRoutes,
  openApiRoute,
  ...collectionRoutes,
  ...vectorRoutes,
  ...searchRoutes,
  ...snapshotRoutes,
  ...securityRoutes,
  ...backupRoutes,
  ...alertRoutes,
  ...slowQueryRoutes,
  ...notificationRoutes,
  ...tuningRoutes,
];
