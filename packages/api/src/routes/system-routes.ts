import { ApiError } from '../api-error.js';
import { errorBody } from '../errors/error-body.js';
import { health, info, readiness, save } from '../handlers/system.js';
import { Answer, defineRoute } from '../http/api-route.js';
import type { ApiRoute } from '../http/api-route.js';
import { healthResponse, infoResponse, readyResponse, saveResponse } from '../schemas/system.js';

const tag = 'system';

function healthRoute(path: string, id: string): ApiRoute {
  return defineRoute({
    id,
    method: 'GET',
    path,
    kind: 'infra',
    operation: 'http',
    summary: 'Liveness: 200 while the process serves',
    tag,
    status: 200,
    response: healthResponse,
    action: 'public',
    handle: (rt) => health(rt),
  });
}

function readyRoute(path: string, id: string): ApiRoute {
  return defineRoute({
    id,
    method: 'GET',
    path,
    kind: 'infra',
    operation: 'http',
    summary: 'Readiness: 200 once storage is open and indexes are loaded, else 503 with progress',
    tag,
    status: 200,
    response: readyResponse,
    action: 'public',
    errors: ['NOT_READY'],
    handle: (rt, { requestId }) => {
      const answer = readiness(rt);
      if (answer.ready) return answer.body;
      rt.ctx.metrics.countError('NOT_READY', 'http');
      const err = new ApiError(
        503,
        'NOT_READY',
        `not ready: ${answer.reason}`,
        'Wait until /ready answers 200; recovery and index rebuilds report their progress here.',
      );
      return new Answer(503, {
        status: 'not_ready',
        reason: answer.reason,
        progress: answer.progress,
        ...errorBody(err, requestId),
      });
    },
  });
}

function infoRoute(path: string, id: string): ApiRoute {
  return defineRoute({
    id,
    method: 'GET',
    path,
    kind: 'infra',
    operation: 'http',
    summary: 'Collections, vectors and version',
    tag,
    action: 'collections.list',
    status: 200,
    response: infoResponse,
    errors: ['NOT_READY'],
    handle: (rt) => info(rt),
  });
}

/** Probes, server facts and the checkpoint. */
export const systemRoutes: readonly ApiRoute[] = [
  healthRoute('/health', 'health'),
  healthRoute('/health/live', 'healthLive'),
  readyRoute('/ready', 'ready'),
  readyRoute('/health/ready', 'healthReady'),
  infoRoute('/', 'root'),
  infoRoute('/info', 'info'),
  defineRoute({
    id: 'save',
    action: 'config.manage',
    method: 'POST',
    path: '/save',
    kind: 'api',
    operation: 'http',
    summary: 'Force a checkpoint: the WAL into the main file, changed indexes saved',
    tag,
    status: 200,
    response: saveResponse,
    errors: ['DISK_FULL'],
    handle: (rt) => save(rt),
  }),
];
