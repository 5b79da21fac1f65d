import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Database } from '@needle/engine';
import type { DatabaseConfig } from '@needle/engine';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';

import { ApiError, registerNeedleApi } from '../../src/index.js';
import type {
  ApiContext,
  ApiLimits,
  ApiMetrics,
  MemoryRefusal,
  Readiness,
  SecurityServices,
} from '../../src/index.js';

/** An ApiMetrics that keeps what it was told, so tests can read it back. */
export class RecordingMetrics implements ApiMetrics {
  readonly searches: { collection: string; operation: string }[] = [];
  readonly inserts: { collection: string; operation: string; vectors: number }[] = [];
  readonly errors: { code: string; operation: string }[] = [];
  readonly cache: { collection: string; hit: boolean }[] = [];
  readonly limits: string[] = [];

  observeSearch(collection: string, operation: string): void {
    this.searches.push({ collection, operation });
  }
  observeInsert(collection: string, operation: string, _seconds: number, vectors: number): void {
    this.inserts.push({ collection, operation, vectors });
  }
  countError(code: string, operation: string): void {
    this.errors.push({ code, operation });
  }
  cacheLookup(collection: string, hit: boolean): void {
    this.cache.push({ collection, hit });
  }
  limitRejected(limit: string): void {
    this.limits.push(limit);
  }
}

/** Switches the test flips: readiness, memory pressure, the database being there at all. */
export interface Switches {
  readiness: Readiness;
  memory: MemoryRefusal | undefined;
  databaseOpen: boolean;
}

export interface TestServer {
  readonly base: string;
  readonly app: FastifyInstance;
  readonly db: Database;
  readonly metrics: RecordingMetrics;
  readonly switches: Switches;
  readonly dir: string;
  /** Sends a request; `body` is sent as JSON unless it is a string. */
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; headers: Headers; text: string }>;
  close(): Promise<void>;
}

/**
 * A real server on port 0 over a real database file in a temp dir, with `registerNeedleApi`
 * as `apps/server` uses it.
 */
export async function startServer(
  options: {
    limits?: Partial<ApiLimits>;
    bodyLimit?: number;
    db?: DatabaseConfig;
    setup?: (app: FastifyInstance) => void;
    authorize?: ApiContext['authorize'];
    /** Turns access control on over the test database. */
    security?: (db: Database) => SecurityServices;
  } = {},
): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'needle-api-'));
  const db = await Database.open(join(dir, 'test.needle'), options.db);
  const metrics = new RecordingMetrics();
  const switches: Switches = { readiness: { ready: true }, memory: undefined, databaseOpen: true };
  const ctx: ApiContext = {
    database: () => {
      if (!switches.databaseOpen)
        throw new ApiError(
          503,
          'NOT_READY',
          'the database is opening',
          'Retry once /ready answers 200.',
        );
      return db;
    },
    limits: {
      maxBatchSize: 10_000,
      queryTimeoutMs: 30_000,
      maxExportPage: 100_000,
      queryCacheEntries: 1000,
      ...options.limits,
    },
    metrics,
    readiness: () => switches.readiness,
    memoryGuard: () => switches.memory,
    version: '9.9.9-test',
    ...(options.authorize ? { authorize: options.authorize } : {}),
  };
  if (options.security) {
    const services = options.security(db);
    Object.assign(ctx, { security: () => services });
  }
  const app = Fastify({ bodyLimit: options.bodyLimit ?? 10 * 1024 * 1024, logger: false });
  await registerNeedleApi(app, ctx);
  options.setup?.(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const base = `http://127.0.0.1:${address.port}`;
  return {
    base,
    app,
    db,
    metrics,
    switches,
    dir,
    async call(method, path, body, headers = {}) {
      const init: RequestInit = { method, headers };
      if (body !== undefined) {
        init.body = typeof body === 'string' ? body : JSON.stringify(body);
        init.headers = { 'content-type': 'application/json', ...headers };
      }
      const response = await fetch(base + path, init);
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return { status: response.status, body: parsed, headers: response.headers, text };
    },
    async close() {
      await app.close();
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A deterministic vector of `dims` numbers for index `i`. */
export function vectorOf(i: number, dims = 8): number[] {
  return Array.from(
    { length: dims },
    (_, d) => Math.round((Math.sin(i * 0.7 + d * 1.3) + (d === i % dims ? 1.5 : 0)) * 1000) / 1000,
  );
}
