import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import fastifyStatic from '@fastify/static';
import { ApiError } from '@needle/api';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

import type { ServerConfig } from '../config.js';

/** Where the console is served. */
export const CONSOLE_PATH = '/console';

/** The console's icon in its build (Next's `app/icon.svg`). */
const CONSOLE_ICON = 'icon.svg';

/**
 * The console's static build in this checkout (`apps/console/out`), the same number of
 * directories up from `src/server/` and `dist/server/`.
 */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../../console/out', import.meta.url));

/**
 * The console's content security policy. Next's static export bootstraps each page with
 * inline scripts, hence `'unsafe-inline'` for scripts and styles; everything else, the API
 * calls included, stays on this origin (docs/adr/0023-console-static-export.md).
 */
const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves the admin console's static build at `/console/`, so the console and the API share
 * one origin (no CORS, one port); `/` stays the API's server info. Hashed assets under `_next/`
 * are cached for a year, pages are revalidated; an unknown page answers the console's own
 * 404 page, and `/favicon.ico` redirects to the console's icon. Without a build, `/console`
 * answers 404 `NOT_FOUND` saying how to build it.
 */
export async function registerConsole(
  app: FastifyInstance,
  settings: ServerConfig['console'],
  logger: Logger,
): Promise<void> {
  if (!settings.enabled) return;
  const root = resolve(settings.dir ?? DEFAULT_CONSOLE_DIR);
  if (!existsSync(join(root, 'index.html'))) {
    logger.warn({ console_dir: root }, 'the console is not built: /console answers 404');
    const notBuilt = async (): Promise<never> => {
      throw new ApiError(
        404,
        'NOT_FOUND',
        `the admin console is not built (no index.html in ${root})`,
        'Build it with `npm run build -w @needle/console` (`npm start` does), or point console.dir (NEEDLE_CONSOLE_DIR) at a build.',
      );
    };
    app.get(CONSOLE_PATH, notBuilt);
    app.get(`${CONSOLE_PATH}/*`, notBuilt);
    return;
  }

  // Browsers ask the origin for /favicon.ico whenever a page has not (yet) named its icon,
  // e.g. between client-side navigations; answer with the console's own icon.
  if (existsSync(join(root, CONSOLE_ICON)))
    app.get('/favicon.ico', async (_request, reply) =>
      reply.redirect(`${CONSOLE_PATH}/${CONSOLE_ICON}`, 302),
    );

  await app.register(
    async (scope) => {
      // Set before the API's onSend hook, which adds its own `default-src 'none'` policy and
      // `no-store` to any response that has none.
      scope.addHook('onRequest', async (request, reply) => {
        reply.header('content-security-policy', CONSOLE_CSP);
        reply.header(
          'cache-control',
          request.url.startsWith(`${CONSOLE_PATH}/_next/static/`)
            ? 'public, max-age=31536000, immutable'
            : 'no-cache',
        );
      });
      await scope.register(fastifyStatic, {
        root,
        prefix: '/',
        redirect: true,
        cacheControl: false,
        logLevel: 'warn',
      });
      scope.setNotFoundHandler((_request, reply) =>
        reply.code(404).type('text/html; charset=utf-8').sendFile('404.html'),
      );
    },
    { prefix: CONSOLE_PATH },
  );
}
