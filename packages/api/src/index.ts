/**
 * `@needle/api` — request schemas, REST handlers and the tRPC router. The only place where
 * HTTP meets the engine; `apps/server` wires it to a listener.
 */
export { ApiError } from './api-error.js';
export type { ErrorBody } from './api-error.js';
export type {
  ApiContext,
  ApiLimits,
  ApiMetrics,
  MemoryRefusal,
  Operation,
  Readiness,
} from './context.js';
