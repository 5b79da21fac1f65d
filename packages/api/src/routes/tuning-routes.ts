import { tune } from '../handlers/tuning.js';
import { defineRoute } from '../http/api-route.js';
import type { ApiRoute } from '../http/api-route.js';
import { tuneBody, tuneResponse } from '../schemas/tuning.js';

/**
 * `POST /tune`: the capacity planner. It reads no data, so whoever may list collections may
 * use it (every built-in role).
 */
export const tuningRoutes: readonly ApiRoute[] = [
  defineRoute({
    id: 'tune',
    action: 'collections.list',
    method: 'POST',
    path: '/tune',
    kind: 'api',
    operation: 'http',
    summary:
      'Plan an index: type, HNSW settings, quantization, memory and disk, and a month-by-month growth projection against a memory budget',
    tag: 'collections',
    body: tuneBody,
    status: 200,
    response: tuneResponse,
    errors: ['INVALID_INPUT'],
    handle: (_rt, { body }) => tune(body),
  }),
];
