import type { IncomingMessage } from 'node:http';
import { join, resolve } from 'node:path';

import { registerNeedleApi, requestIdOf, runningOperations } from '@needle/api';
import type { ApiContext, SecurityServices } from '@needle/api';
import type { CatalogEntry } from '@needle/engine';
import { fastify } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import type { DestinationStream, Logger } from 'pino';

import { backupSettings } from '../backup/backup-settings.js';
import { AlertService } from './alerts/alert-service.js';
import type { ServerConfig } from '../config.js';
import { createQueryInsights } from '../insights/query-insights.js';
import type { QueryInsights } from '../insights/query-insights.js';
import { BackupPolicy } from './backup-policy.js';
import { BackupScheduler } from './backup-scheduler.js';
import { BackupService } from './backup-service.js';
import { registerConsole } from './console.js';
import { DatabaseHost } from './database-host.js';
import { registerHttpMetrics } from './http-metrics.js';
import { RequestLogController, createServerLogger } from './logger.js';
import { memoryGuard } from './memory-guard.js';
import { NotificationService } from './notify/notification-service.js';
import { notificationSettings } from './notify/notification-settings.js';
import { registerRateLimit } from './rate-limit.js';
import { openSecurity, startAuditRetention } from './security.js';
import {
  checkTransport,
  readTlsMaterial,
  registerCors,
  registerTransportPolicy,
  reloadTls,
} from './transport.js';
import { createServerMetrics } from './server-metrics.js';
import type { ServerMetrics } from './server-metrics.js';
import { serverVersion } from './server-version.js';
import { NOTIFICATION_OUTCOMES } from '@needle/telemetry';

/**
 * Longest path parameter routed (a collection name, a vector id, a tRPC batch's procedure
 * list), within Node's 16 KiB limit on a request's head.
 */
export const MAX_PARAM_LENGTH = 8192;

/** Options of {@link createServer} that are not settings. */
export interface CreateServerOptions {
  /** Log lines go here instead of standard output or `log.file` (tests read them). */
  logStream?: DestinationStream;
  /**
   * Where messages for the person at the terminal go (the bootstrap admin key, the
   * development-mode warning): standard error by default, never the log.
   */
  announce?: (text: string) => void;
}

/** A Needle server: created without listening, started with `start()`, stopped with `close()`. */
export interface NeedleServer {
  readonly app: FastifyInstance;
  readonly logger: Logger;
  readonly database: DatabaseHost;
  readonly backups: BackupService;
  /** Alert notifications: hand the evaluator's events to `notifications.handle(event)`. */
  readonly notifications: NotificationService;
  readonly metrics: ServerMetrics;
  /**
   * The alerts the server evaluates over its own samples (undefined when `alerts.enabled` is
   * false): `alerts.subscribe(listener)` hears every firing and resolved `AlertEvent`.
   */
  readonly alerts: AlertService | undefined;
  /** The recall estimate of live searches and the slow-query store. */
  readonly insights: QueryInsights;
  readonly config: ServerConfig;
  /**
   * Takes the data directory's lock, listens, and then opens the database in the
   * background. Resolves with the listening URL as soon as the listener is up: `/health`
   * answers at once, `/ready` answers 503 with progress until the database is open.
   * Throws `DATA_DIR_LOCKED` when another process holds the data directory.
   */
  start(): Promise<string>;
  /** Settles when the database is open, or rejects with why it could not be opened. */
  opened(): Promise<void>;
  /** Re-reads the TLS certificate and key (SIGHUP); a no-op without TLS. */
  reloadTls(): void;
  /**
   * Graceful shutdown: stops accepting connections and lets requests under way finish, then
   * closes the database (checkpointing it), releases the data directory's lock and flushes
   * the log. Safe to call more than once.
   */
  close(): Promise<void>;
}

/**
 * Builds the Needle server from its config: a fastify listener with the configured limits
 * (connections, body size, per-client rate, memory for writes), structured logs, the
 * Prometheus metrics at `/metrics`, the REST API of `@needle/api` and the admin console at
 * `/console`, over a database that opens after the listener is up.
 *
 * @example
 * ```ts
 * const server = await createServer(loadServerConfig({ flags: { port: 0, data: dir } }));
 * const url = await server.start();
 * await server.opened();
 * await fetch(`${url}/ready`); // 200
 * await server.close();
 * ```
 */
export async function createServer(
  config: ServerConfig,
  options: CreateServerOptions = {},
): Promise<NeedleServer> {
  const { logger, close: closeLog } = await createServerLogger(
    config.log,
    options.logStream ? { stream: options.logStream } : {},
  );
  // Read first: a notifier of the config file whose secret cannot be read stops the start.
  const notifySettings = notificationSettings(config);
  let security: SecurityServices | undefined;
  let stopRetention = (): void => undefined;
  const database = new DatabaseHost({
    dataDir: config.dataDir,
    database: {
      ...config.database,
      limits: { maxBatchSize: config.maxBatchSize, ...(config.database.limits as object) },
    },
    logger,
    owner: `needle serve on ${config.host}:${config.port}`,
    afterOpen: async (db) => {
      security = await openSecurity(db, config.auth, {
        logger,
        onFailure: (reason) => metrics.metrics.authFailures.inc({ reason }),
        announce: options.announce ?? ((text) => process.stderr.write(`${text}\n`)),
      });
      stopRetention = startAuditRetention(security, config.auth, logger);
      // Notifications must not keep the database from serving: a failure is logged.
      await notifications
        .open(db)
        .catch((err: unknown) =>
          logger.error(
            { code: (err as { code?: string }).code, reason: (err as Error).message },
            'alert notifications could not be opened',
          ),
        );
      try {
        backupPolicy.load(db);
      } catch (err) {
        logger.error(
          { code: (err as { code?: string }).code, reason: (err as Error).message },
          "backup policy changes could not be read: the config's schedule and retention apply",
        );
      }
      scheduler.start();
      alerts?.opened(db);
    },
    beforeClose: async () => {
      scheduler.stop();
      await alerts?.flush();
      stopRetention();
      await security?.audit.flush();
      await security?.access.settled();
    },
  });

  const backupPolicy = new BackupPolicy(config.backup, () => database.database());
  const backups: BackupService = new BackupService({
    host: database,
    settings: backupSettings(config),
    logger,
    restoreDir: join(resolve(config.dataDir), 'restored'),
    onBackupFailure: (type) => metrics.metrics.backupFailures.inc({ type }),
    onVerifyFailure: () => metrics.metrics.backupVerifyFailures.inc(),
    audit: async (entry) => {
      await security?.audit.record({ ...entry, allowed: true });
    },
    nextRuns: () => scheduler.nextRuns(),
    policy: backupPolicy,
    reschedule: () => scheduler.restart(),
  });
  const notifications = new NotificationService({
    database: () => database.database(),
    settings: notifySettings,
    logger,
    version: serverVersion(),
    onOutcome: (notifier, outcome) => metrics.metrics.alertNotifications.inc({ notifier, outcome }),
    onNotifier: (notifier) => {
      for (const outcome of NOTIFICATION_OUTCOMES)
        metrics.metrics.alertNotifications.inc({ notifier, outcome }, 0);
    },
  });
  const scheduler = new BackupScheduler(
    () => backupPolicy.schedule(),
    (job) => backups.schedule(job),
    logger,
  );

  let openConnections = 0;
  // The backup catalog is read once per scrape (the /metrics handler clears it), not once per
  // backup metric, and never served stale to the next scrape.
  let backupFigures: { entries: CatalogEntry[] | undefined } | undefined;
  // The API's context is built below, with the metrics it reports to.
  const api: { context?: ApiContext } = {};
  const metrics = createServerMetrics({
    database: () => (database.state.phase === 'open' ? database.state.database : undefined),
    dataFile: database.dataFile,
    memoryLimitBytes: config.memoryLimitBytes,
    openConnections: () => openConnections,
    backups: () => {
      if (!backupFigures) {
        let entries: CatalogEntry[] | undefined;
        try {
          entries = database.state.phase === 'open' ? backups.list().entries : undefined;
        } catch {
          entries = undefined;
        }
        backupFigures = { entries };
      }
      return { entries: backupFigures.entries, running: backups.running };
    },
    alertsFiring: () => alerts?.firingCounts() ?? [],
    recallEstimates: () => insights.recallEstimates(),
    operations: () => (api.context ? runningOperations(api.context) : []),
  });
  const openDatabase = () =>
    database.state.phase === 'open' ? database.state.database : undefined;
  const insights = createQueryInsights({ config, database: openDatabase, metrics, logger });

  const alerts = config.alerts.enabled
    ? new AlertService({
        config: config.alerts,
        scrape: () => {
          backupFigures = undefined;
          return metrics.registry.getMetricsAsJSON();
        },
        database: () => database.database(),
        databaseOpen: () => database.state.phase === 'open',
        logger,
        prometheus: config.prometheus,
      })
    : undefined;
  if (alerts) {
    // Firing and resolved alerts go to the notifiers; pending ones are not announced.
    alerts.subscribe((event) => notifications.handle(event));
    logger.debug(
      { bound_bytes: alerts.memoryBoundBytes, rounds: alerts.ring.capacity },
      'alert sample ring',
    );
  }

  // Typed as fastify's base logger: with pino's own type the instance's generics no longer
  // match the FastifyInstance that plugins are written against.
  const loggerInstance: FastifyBaseLogger = logger;
  checkTransport(config);
  const app = fastify({
    ...(config.tls ? { https: readTlsMaterial(config.tls) } : {}),
    loggerInstance,
    logController: new RequestLogController(),
    bodyLimit: config.maxBodyBytes,
    trustProxy: config.trustProxy,
    requestIdHeader: false,
    genReqId: logRequestId,
    return503OnClosing: true,
    // A path parameter may be longer than fastify's default of 100 characters: a collection
    // name has up to 256, and a batched tRPC call names every procedure it holds
    // (`/trpc/collections.get,collections.indexStatus,...`). Longer answers 414.
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
  });
  app.server.maxConnections = config.maxConnections;
  app.server.on('connection', (socket: NodeJS.EventEmitter) => {
    openConnections += 1;
    socket.once('close', () => (openConnections -= 1));
  });
  app.server.on('drop', () => {
    metrics.api.limitRejected('connections');
    logger.warn(
      { limit: 'connections', threshold: config.maxConnections },
      'a connection was refused: the max-connections limit is reached',
    );
  });

  registerHttpMetrics(app, metrics);
  registerTransportPolicy(app, config);
  await registerCors(app, config.cors.origins);
  await registerRateLimit(app, config.rateLimit, metrics.api);

  const ctx: ApiContext = {
    database: () => database.database(),
    limits: {
      maxBatchSize: config.maxBatchSize,
      queryTimeoutMs: config.queryTimeoutMs,
      maxExportPage: config.maxExportPage,
      queryCacheEntries: config.queryCacheEntries,
    },
    metrics: metrics.api,
    readiness: () => database.readiness(),
    memoryGuard: memoryGuard(config.memoryLimitBytes),
    version: serverVersion(),
    security: () => {
      // Throws 503 NOT_READY (or CLOSED) until the database and its access control are up;
      // during an in-place restore they stay up until the files are swapped.
      database.accessDatabase();
      return security!;
    },
    backups: () => backups,
    ...(alerts ? { alerts: () => alerts } : {}),
    searchObserver: insights.observer,
    slowQueries: () => {
      // 503 NOT_READY while the database is not open.
      database.database();
      return insights.slowQueries;
    },
    notifications: () => notifications,
  };
  api.context = ctx;
  await registerNeedleApi(app, ctx);

  app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => {
    backupFigures = undefined;
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
  await registerConsole(app, config.console, logger);

  let opening: Promise<unknown> | undefined;
  let closing: Promise<void> | undefined;

  return {
    app,
    logger,
    database,
    backups,
    notifications,
    metrics,
    alerts,
    insights,
    config,
    async start() {
      database.lock();
      try {
        await app.listen({ host: config.host, port: config.port });
      } catch (err) {
        await database.close();
        throw err;
      }
      alerts?.start();
      const url = listeningUrl(app);
      logger.info({ url, data_dir: config.dataDir, version: ctx.version }, 'listening');
      opening = database.open();
      // Failures are logged by the host and surface through opened() and /ready.
      opening.catch(() => undefined);
      return url;
    },
    async opened() {
      if (!opening) throw new Error('the server has not been started');
      await opening;
    },
    reloadTls() {
      if (!config.tls) return;
      reloadTls(app, config.tls);
      logger.info({ cert: config.tls.certFile }, 'TLS certificate reloaded');
    },
    close() {
      closing ??= (async () => {
        try {
          await app.close();
          await alerts?.stop();
          if (backups.running) logger.info('waiting for the running backup job to end');
          await backups.stop();
          await insights.stop();
          if (notifications.pending > 0)
            logger.info({ pending: notifications.pending }, 'waiting for alert notifications');
          await notifications.stop();
          await database.close();
          logger.info('stopped');
        } finally {
          await closeLog();
        }
      })();
      return closing;
    },
  };
}

/**
 * The id of a request in the log: the API's own (its `X-Request-Id` when usable, else a
 * UUID), so log lines, the response header and error bodies carry one id. The API keys it by
 * the raw request, which is all there is when fastify asks for the id.
 */
function logRequestId(raw: IncomingMessage): string {
  return requestIdOf({ raw, headers: raw.headers } as unknown as FastifyRequest);
}

function listeningUrl(app: FastifyInstance): string {
  const address = app.server.address();
  if (address === null || typeof address === 'string') return String(address);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const scheme = app.initialConfig.https ? 'https' : 'http';
  return `${scheme}://${host}:${address.port}`;
}
