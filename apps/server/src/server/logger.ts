import { LogController } from 'fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { pino } from 'pino';
import type { DestinationStream, Logger, LoggerOptions } from 'pino';
import pinoRoll from 'pino-roll';

import type { ServerConfig } from '../config.js';

/** Text that replaces a secret in a log line. */
export const REDACTED = '[redacted]';

/**
 * Paths whose values never reach a log line: credentials (API keys, bearer tokens, cookies,
 * passwords, encryption keys and key sources) and request content (vectors, metadata,
 * bodies). Request lines are built from a few chosen fields anyway; this is the guard for
 * anything logged with a whole object.
 */
export const REDACT_PATHS: readonly string[] = [
  ...[
    'authorization',
    'cookie',
    '["set-cookie"]',
    '["x-api-key"]',
    '["proxy-authorization"]',
  ].flatMap((h) => {
    const member = h.startsWith('[') ? h : `.${h}`;
    return [`headers${member}`, `*.headers${member}`];
  }),
  ...[
    'apiKey',
    'api_key',
    'password',
    'passphrase',
    'secret',
    'token',
    'key',
    'keySource',
    'encryption',
    'vector',
    'vectors',
    'metadata',
    'body',
  ].flatMap((field) => [field, `*.${field}`]),
];

/** Query-string parameters whose values are masked in a logged URL. */
const SECRET_QUERY = /^(api[_-]?key|key|token|access[_-]?token|secret|password|auth)$/i;

/** The probes and the scrape: answered at debug level so they do not flood the log. */
const QUIET_ROUTES = new Set(['/health', '/health/live', '/health/ready', '/ready', '/metrics']);

/** A logger and the way to flush and close its destination. */
export interface ServerLogger {
  readonly logger: Logger;
  /** Flushes and closes the destination. */
  readonly close: () => Promise<void>;
}

/** Where log lines go: a stream (tests), a rotated file (`log.file`), else standard output. */
export interface LoggerDestination {
  stream?: DestinationStream;
}

/**
 * The server's pino logger: JSON lines with a level, the time, pid and host, `request_id` on
 * request lines, and {@link REDACT_PATHS} censored. With `log.file` set, lines go to that
 * file through pino-roll, which starts a new file by time (`rotateFrequency`) and size
 * (`rotateSize`) and keeps `keepFiles` old ones.
 *
 * @example
 * ```ts
 * const { logger, close } = await createServerLogger(config.log);
 * logger.info({ port }, 'listening');
 * await close();
 * ```
 */
export async function createServerLogger(
  log: ServerConfig['log'],
  destination: LoggerDestination = {},
): Promise<ServerLogger> {
  const options: LoggerOptions = {
    level: log.level,
    redact: { paths: [...REDACT_PATHS], censor: REDACTED },
    serializers: { err: pino.stdSerializers.err },
  };
  if (destination.stream) {
    return { logger: pino(options, destination.stream), close: () => Promise.resolve() };
  }
  if (log.file === undefined) {
    const stdout = pino.destination({ dest: 1, sync: false });
    return {
      logger: pino(options, stdout),
      close: () => {
        stdout.flushSync();
        return Promise.resolve();
      },
    };
  }
  const file = await pinoRoll({
    file: log.file,
    frequency: log.rotateFrequency,
    size: log.rotateSize,
    limit: { count: log.keepFiles },
    mkdir: true,
  });
  // The file opens in the background (after this tick: its open is an I/O callback); a
  // path that cannot be written would otherwise lose every line without a word. Starting
  // waits for it, and fails naming the path.
  await new Promise<void>((resolve, reject) => {
    const failed = (err: Error): void =>
      reject(new Error(`cannot write the log file ${log.file}: ${err.message}`, { cause: err }));
    file.once('error', failed);
    file.once('ready', () => {
      file.off('error', failed);
      resolve();
    });
  });
  // A later failure (a full disk) must not end the server: it is said on standard error.
  file.on('error', (err: Error) => {
    process.stderr.write(`needle: writing the log file ${log.file} failed: ${err.message}\n`);
  });
  return {
    logger: pino(options, file),
    close: () =>
      new Promise<void>((resolve) => {
        file.once('close', () => resolve());
        file.end();
      }),
  };
}

/**
 * Fastify's request lines, made into one line per request: `request completed` with the
 * request id, method, route, masked URL, status and duration (`request errored` at error
 * level for a failure). Probes and scrapes log at debug level; the arrival of a request only
 * at trace level. Headers and bodies are never part of these lines.
 */
export class RequestLogController extends LogController {
  constructor() {
    super({ requestIdLogLabel: 'request_id' });
  }

  override incomingRequest(request: FastifyRequest): void {
    request.log.trace({ method: request.method, url: maskUrl(request.url) }, 'incoming request');
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const line = {
      method: request.method,
      route: request.routeOptions.url ?? null,
      url: maskUrl(request.url),
      status: reply.statusCode,
      duration_ms: Math.round(reply.elapsedTime * 1000) / 1000,
      remote: request.ip,
    };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else if (QUIET_ROUTES.has(line.route ?? '')) reply.log.debug(line, 'request completed');
    else reply.log.info(line, 'request completed');
  }

  override routeNotFound(request: FastifyRequest): void {
    request.log.debug({ method: request.method, url: maskUrl(request.url) }, 'route not found');
  }
}

/** A URL with the values of secret-looking query parameters replaced by {@link REDACTED}. */
export function maskUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  let masked = false;
  for (const name of [...params.keys()]) {
    if (SECRET_QUERY.test(name)) {
      params.set(name, REDACTED);
      masked = true;
    }
  }
  return masked ? `${url.slice(0, q)}?${params.toString()}` : url;
}
