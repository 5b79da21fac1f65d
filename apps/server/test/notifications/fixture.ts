import { createHash } from 'node:crypto';
import { join } from 'node:path';

import { notifierDefinition } from '@needle/api';
import type { NotifierDefinition } from '@needle/api';
import { Database } from '@needle/engine';
import type { AlertEvent } from '@needle/telemetry';
import { pino } from 'pino';

import { NotificationService } from '../../src/server/notify/notification-service.js';
import type {
  NotificationOutcome,
  NotificationSettings,
} from '../../src/server/notify/notification-service.js';
import { LogCapture, tempDir } from '../helpers.js';

/** A firing (or resolved) alert event as the evaluator would emit it. */
export function alertEvent(
  overrides: Partial<AlertEvent> & { collection?: string } = {},
): AlertEvent {
  const { collection = 'docs', ...rest } = overrides;
  const severity = rest.severity ?? 'warning';
  const labels = rest.labels ?? { alertname: 'NeedleSearchLatencyHigh', severity, collection };
  return {
    status: 'firing',
    rule: 'NeedleSearchLatencyHigh',
    severity,
    labels,
    value: 0.23,
    threshold: 0.1,
    summary: 'Search latency p99 is high',
    description: 'The 99th percentile of search-like requests over 5 minutes, per collection.',
    runbook: 'docs/runbooks/alerts.md#search-latency',
    startsAt: '2026-12-01T10:00:00.000Z',
    fingerprint: createHash('sha256')
      .update(JSON.stringify(Object.entries(labels).sort()))
      .digest('hex')
      .slice(0, 16),
    ...rest,
  };
}

/** A notifier definition with defaults filled in, delivery fast enough for tests. */
export function notifier(input: Record<string, unknown>): NotifierDefinition {
  return notifierDefinition.parse({ backoff_ms: 20, max_backoff_ms: 2000, ...input });
}

/** A NotificationService over a real database file in a temp dir, its log captured. */
export interface ServiceFixture {
  readonly service: NotificationService;
  readonly db: Database;
  readonly log: LogCapture;
  readonly outcomes: { notifier: string; outcome: NotificationOutcome }[];
  /** Stops the service, closes the database, removes the directory. */
  close(): Promise<void>;
}

export async function serviceFixture(
  settings: Partial<NotificationSettings> = {},
): Promise<ServiceFixture> {
  const dir = tempDir('needle-notify-');
  const db = await Database.open(join(dir.path, 'test.needle'));
  const log = new LogCapture();
  const outcomes: ServiceFixture['outcomes'] = [];
  const service = new NotificationService({
    database: () => db,
    settings: {
      externalUrl: 'https://needle.example.com',
      runbookBaseUrl: 'https://git.example.com/needle/blob/main',
      deliveryLog: { maxAgeDays: 30, maxEntries: 10_000 },
      stopGraceMs: 5000,
      seeds: [],
      refreshCheckMs: 50,
      ...settings,
    },
    logger: pino({ level: 'debug' }, log),
    version: '9.9.9-test',
    onOutcome: (n, outcome) => outcomes.push({ notifier: n, outcome }),
    random: () => 0.5,
  });
  await service.open(db);
  return {
    service,
    db,
    log,
    outcomes,
    async close() {
      await service.stop();
      await db.close();
      dir.remove();
    },
  };
}

/** Polls until the delivery log holds `count` entries (of the notifier), newest first. */
export async function deliveriesOf(
  service: NotificationService,
  count: number,
  notifierName?: string,
): Promise<ReturnType<NotificationService['deliveries']>['deliveries']> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { deliveries } = service.deliveries({
      offset: 0,
      limit: 1000,
      ...(notifierName === undefined ? {} : { notifier: notifierName }),
    });
    if (deliveries.length >= count) return deliveries;
    if (Date.now() > deadline) {
      throw new Error(`only ${deliveries.length} of ${count} deliveries were logged`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}
