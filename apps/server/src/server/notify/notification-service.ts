import { randomUUID } from 'node:crypto';

import { ApiError } from '@needle/api';
import type {
  DeliveryQuery,
  DeliveryRecord,
  NotificationServices,
  NotifierDefinition,
  StoredNotifier,
} from '@needle/api';
import type { Database } from '@needle/engine';
import type { AlertEvent, NOTIFICATION_OUTCOMES } from '@needle/telemetry';
import type { Logger } from 'pino';

import { deliver } from './deliver.js';
import type { DeliveryOutcome, DeliveryPolicy } from './deliver.js';
import { DeliveryLog, dedupKey } from './delivery-log.js';
import type { DeliveryLogRetention } from './delivery-log.js';
import { notifierRequests } from './notifier-requests.js';
import { NotifierStore } from './notifier-store.js';
import { testEvent } from './test-event.js';

/** An `outcome` of `needle_alert_notifications_total`. */
export type NotificationOutcome = (typeof NOTIFICATION_OUTCOMES)[number];

/** The server's notification settings (config `notifications`). */
export interface NotificationSettings {
  /** Where people reach Needle; alerts link back to it. */
  readonly externalUrl: string | undefined;
  /** Prefix turning runbook paths into links. */
  readonly runbookBaseUrl: string | undefined;
  readonly deliveryLog: DeliveryLogRetention;
  /** At shutdown, deliveries under way get this long to finish before they are abandoned. */
  readonly stopGraceMs: number;
  /** Notifiers of the config file, secrets resolved; written to the store at each open. */
  readonly seeds: readonly NotifierDefinition[];
  /**
   * How often firing alerts are checked for sending again to the Alertmanagers (each at its
   * notifier's repeat interval), so Alertmanager does not resolve them by timeout.
   */
  readonly refreshCheckMs: number;
}

/** What a {@link NotificationService} works with. */
export interface NotificationServiceDeps {
  /** The open database; throws `ApiError` 503 `NOT_READY` while it is not. */
  database: () => Database;
  settings: NotificationSettings;
  logger: Logger;
  version: string;
  /** Counts an event handed to a notifier, by outcome. */
  onOutcome: (notifier: string, outcome: NotificationOutcome) => void;
  /** Hears of every notifier configured (at open and on create), to start its counts at 0. */
  onNotifier?: (notifier: string) => void;
  /** For tests: the jitter's source (default `Math.random`). */
  random?: () => number;
}

/** What the last delivery of an alert to a notifier was. */
interface Delivered {
  status: AlertEvent['status'];
  at: number;
}

const SEVERITY_RANK = { warning: 0, critical: 1 } as const;

/**
 * Sends alert events to the configured notifiers (webhook, Alertmanager, Slack). `handle`
 * returns at once; each notifier delivers its events in order, one at a time, with retries
 * and backoff, and every delivery is written to the delivery log and counted. The same
 * event (fingerprint and status) is delivered once per notifier; a still-firing alert sent
 * again is delivered again only after the notifier's repeat interval.
 *
 * @example
 * ```ts
 * const notifications = new NotificationService({ database, settings, logger, version, onOutcome });
 * await notifications.open(db);
 * evaluator.on('event', (event) => notifications.handle(event));
 * await notifications.stop();
 * ```
 */
export class NotificationService implements NotificationServices {
  readonly #deps: NotificationServiceDeps;
  readonly #abort = new AbortController();
  /** Each notifier's queue: the promise of its last queued delivery. */
  readonly #queues = new Map<string, Promise<void>>();
  /** Events queued and not yet delivered, by notifier, fingerprint and status. */
  readonly #queued = new Set<string>();
  /** When a delivery of an alert to a notifier last ended, whatever its outcome. */
  readonly #tried = new Map<string, number>();
  #delivered = new Map<string, Delivered>();
  #log: { db: Database; log: DeliveryLog } | undefined;
  /** Alerts firing now, as the last events said, by fingerprint. */
  readonly #firing = new Map<string, AlertEvent>();
  #refresh: NodeJS.Timeout | undefined;
  #stopping = false;

  constructor(deps: NotificationServiceDeps) {
    this.#deps = deps;
  }

  /**
   * After the database opens (and again after an in-place restore): writes the config
   * file's notifiers, prunes the delivery log and reads back what was delivered last.
   */
  async open(db: Database): Promise<void> {
    const store = new NotifierStore(db);
    for (const seed of this.#deps.settings.seeds) await store.seed(seed);
    const log = new DeliveryLog(db, this.#deps.settings.deliveryLog);
    await log.prune();
    this.#delivered = log.lastDelivered();
    this.#log = { db, log };
    for (const notifier of store.list()) this.#deps.onNotifier?.(notifier.name);
    if (!this.#refresh && !this.#stopping) {
      this.#refresh = setInterval(
        () => this.#refreshAlertmanagers(),
        this.#deps.settings.refreshCheckMs,
      );
      this.#refresh.unref();
    }
  }

  /**
   * Sends the alerts still firing again to the Alertmanager notifiers whose repeat interval
   * has passed (deduplication decides): Alertmanager resolves an alert that is not refreshed.
   */
  #refreshAlertmanagers(): void {
    if (this.#firing.size === 0 || this.#stopping) return;
    let notifiers: StoredNotifier[];
    try {
      notifiers = this.#store()
        .list()
        .filter((n) => n.kind === 'alertmanager');
    } catch {
      return;
    }
    for (const event of this.#firing.values()) {
      for (const notifier of notifiers) {
        if (wants(notifier, event)) this.#enqueue(notifier, event, { quiet: true });
      }
    }
  }

  /**
   * Hands an alert event to every enabled notifier that wants it (by severity, and resolved
   * events only where `send_resolved`). Returns at once; never throws.
   */
  handle(event: AlertEvent): void {
    if (this.#stopping) {
      this.#deps.logger.warn(
        { rule: event.rule, fingerprint: event.fingerprint, status: event.status },
        'alert event not sent: the server is stopping',
      );
      return;
    }
    if (event.status === 'firing') this.#firing.set(event.fingerprint, event);
    else this.#firing.delete(event.fingerprint);
    let notifiers: StoredNotifier[];
    try {
      notifiers = this.#store().list();
    } catch (err) {
      this.#deps.logger.warn(
        { rule: event.rule, status: event.status, code: (err as { code?: string }).code },
        'alert event not sent: the database is not open',
      );
      return;
    }
    for (const notifier of notifiers) {
      if (wants(notifier, event)) this.#enqueue(notifier, event);
    }
  }

  /** Queues a delivery unless it is a duplicate (`quiet`: a refresh check, not counted). */
  #enqueue(notifier: StoredNotifier, event: AlertEvent, { quiet = false } = {}): void {
    const key = dedupKey(notifier.name, event.fingerprint);
    const queuedKey = `${key}\u0000${event.status}`;
    const last = this.#delivered.get(key);
    const now = Date.now();
    const sameStatus = last?.status === event.status;
    const repeatDue =
      event.status === 'firing' &&
      last !== undefined &&
      now - last.at >= notifier.repeat_interval_ms;
    if (quiet && now - (this.#tried.get(key) ?? 0) < notifier.repeat_interval_ms) {
      // A refresh that failed is tried again at the repeat interval, not at every check.
      return;
    }
    if (this.#queued.has(queuedKey) || (sameStatus && !repeatDue)) {
      if (quiet) return;
      this.#deps.onOutcome(notifier.name, 'deduplicated');
      this.#deps.logger.debug(
        {
          notifier: notifier.name,
          rule: event.rule,
          fingerprint: event.fingerprint,
          status: event.status,
        },
        'alert event delivered already: not sent again',
      );
      return;
    }
    this.#queued.add(queuedKey);
    const previous = this.#queues.get(notifier.name) ?? Promise.resolve();
    const next = previous
      .then(async () => {
        const record = await this.#deliver(notifier, event, {
          test: false,
          repeat: sameStatus && repeatDue,
        });
        this.#tried.set(key, Date.now());
        if (record?.outcome === 'delivered') {
          this.#delivered.set(key, { status: event.status, at: Date.now() });
        }
      })
      .catch((err: unknown) => {
        this.#deps.logger.error(
          { notifier: notifier.name, err_name: (err as Error).name },
          'alert notification failed unexpectedly',
        );
      })
      .finally(() => this.#queued.delete(queuedKey));
    this.#queues.set(notifier.name, next);
    void next.finally(() => {
      if (this.#queues.get(notifier.name) === next) this.#queues.delete(notifier.name);
    });
  }

  /** Delivers one event to one notifier, logs and counts it; never throws. */
  async #deliver(
    notifier: NotifierDefinition,
    event: AlertEvent,
    flags: { test: boolean; repeat: boolean },
    policy: DeliveryPolicy = policyOf(notifier),
  ): Promise<DeliveryRecord | undefined> {
    const { logger, settings, version } = this.#deps;
    const deliveryId = randomUUID();
    let outcome: DeliveryOutcome;
    try {
      outcome = await deliver(
        () =>
          notifierRequests(notifier, event, {
            now: new Date(),
            deliveryId,
            test: flags.test,
            version,
            externalUrl: settings.externalUrl,
            runbookBaseUrl: settings.runbookBaseUrl,
          }),
        policy,
        this.#abort.signal,
        this.#deps.random,
      );
    } catch (err) {
      // Building the requests failed: a bug, not the receiver's doing; the message may not be
      // safe to log (it could quote a header), so only its kind is kept.
      logger.error(
        { notifier: notifier.name, err_name: (err as Error).name },
        'notification could not be built',
      );
      outcome = {
        outcome: 'failed',
        attempts: 0,
        httpStatus: null,
        error: 'the notification could not be built',
        durationMs: 0,
      };
    }
    this.#deps.onOutcome(notifier.name, outcome.outcome);
    const entry = {
      notifier: notifier.name,
      kind: notifier.kind,
      fingerprint: event.fingerprint,
      rule: event.rule,
      severity: event.severity,
      status: event.status,
      test: flags.test,
      repeat: flags.repeat,
      outcome: outcome.outcome,
      attempts: outcome.attempts,
      http_status: outcome.httpStatus,
      error: outcome.error,
      duration_ms: outcome.durationMs,
    };
    if (outcome.outcome === 'delivered') logger.info(entry, 'alert notification delivered');
    else logger.warn(entry, `alert notification ${outcome.outcome}`);
    try {
      return await this.#logOf().append(entry);
    } catch (err) {
      logger.warn(
        { notifier: notifier.name, code: (err as { code?: string }).code },
        'the delivery could not be written to the delivery log',
      );
      return { seq: 0, at: new Date().toISOString(), ...entry };
    }
  }

  async sendTest(name: string): Promise<DeliveryRecord> {
    const notifier = this.get(name);
    if (!notifier) throw notFound(name);
    if (this.#stopping) {
      throw new ApiError(503, 'CLOSED', 'the server is stopping', 'Retry once it is back.');
    }
    const once: DeliveryPolicy = { ...policyOf(notifier), maxAttempts: 1 };
    const record = await this.#deliver(notifier, testEvent(), { test: true, repeat: false }, once);
    return record!;
  }

  deliveries(query: DeliveryQuery): { deliveries: DeliveryRecord[]; hasMore: boolean } {
    return this.#logOf().read(query);
  }

  list(): StoredNotifier[] {
    return this.#store().list();
  }

  get(name: string): StoredNotifier | undefined {
    return this.#store().get(name);
  }

  async create(definition: NotifierDefinition): Promise<StoredNotifier> {
    const created = await this.#store().create(definition);
    this.#deps.onNotifier?.(created.name);
    this.#deps.logger.info({ notifier: created.name, kind: created.kind }, 'notifier created');
    return created;
  }

  async replace(definition: NotifierDefinition): Promise<StoredNotifier> {
    const replaced = await this.#store().replace(definition);
    this.#deps.logger.info({ notifier: replaced.name, kind: replaced.kind }, 'notifier changed');
    return replaced;
  }

  async delete(name: string): Promise<boolean> {
    const deleted = await this.#store().delete(name);
    if (deleted) {
      for (const map of [this.#delivered, this.#tried]) {
        for (const key of [...map.keys()]) {
          if (key.startsWith(dedupKey(name, ''))) map.delete(key);
        }
      }
      this.#deps.logger.info({ notifier: name }, 'notifier deleted');
    }
    return deleted;
  }

  /** Deliveries queued or under way. */
  get pending(): number {
    return this.#queued.size;
  }

  /**
   * For shutdown: takes no more events, gives the deliveries under way `stopGraceMs` to end,
   * then abandons the rest (each logged as `abandoned`) and settles once all have.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearInterval(this.#refresh);
    const all = () => Promise.all([...this.#queues.values()]);
    if (this.#queues.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.#deps.settings.stopGraceMs);
      });
      await Promise.race([all(), grace]);
      clearTimeout(timer);
    }
    this.#abort.abort();
    await all();
  }

  #store(): NotifierStore {
    return new NotifierStore(this.#deps.database());
  }

  #logOf(): DeliveryLog {
    const db = this.#deps.database();
    if (this.#log?.db !== db) {
      this.#log = { db, log: new DeliveryLog(db, this.#deps.settings.deliveryLog) };
    }
    return this.#log.log;
  }
}

/** Whether a notifier takes an event: enabled, severity high enough, resolved if it wants those. */
function wants(notifier: StoredNotifier, event: AlertEvent): boolean {
  if (!notifier.enabled) return false;
  if (event.status === 'resolved' && !notifier.send_resolved) return false;
  return SEVERITY_RANK[event.severity] >= SEVERITY_RANK[notifier.min_severity];
}

function policyOf(n: NotifierDefinition): DeliveryPolicy {
  return {
    maxAttempts: n.max_attempts,
    backoffMs: n.backoff_ms,
    maxBackoffMs: n.max_backoff_ms,
    timeoutMs: n.timeout_ms,
  };
}

function notFound(name: string): ApiError {
  return new ApiError(
    404,
    'NOTIFIER_NOT_FOUND',
    `no notifier is named "${name}"`,
    'GET /v1/admin/notifiers lists the notifiers.',
  );
}
