import { randomUUID } from 'node:crypto';

import type { FastifyRequest } from 'fastify';

const ids = new WeakMap<object, string>();
/** Printable ASCII without spaces, at most 128 characters: safe to echo in a header. */
const ACCEPTABLE = /^[\x21-\x7e]{1,128}$/;

/**
 * The request's id: its `X-Request-Id` when it sent a usable one, else a fresh UUID. Stable
 * for the life of the request, so the response header, the error body and the logs agree.
 */
export function requestIdOf(request: FastifyRequest): string {
  let id = ids.get(request.raw);
  if (id === undefined) {
    const header = request.headers['x-request-id'];
    id = typeof header === 'string' && ACCEPTABLE.test(header) ? header : randomUUID();
    ids.set(request.raw, id);
  }
  return id;
}
