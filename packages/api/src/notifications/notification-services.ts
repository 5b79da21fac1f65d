import type { z } from 'zod';

import type {
  deliveriesQuery,
  deliverySchema,
  notifierDefinition,
} from '../schemas/notifications.js';

/** A notifier's settings, secrets included, as created through the API or the config file. */
export type NotifierDefinition = z.output<typeof notifierDefinition>;

/** A notifier as it is stored: its settings, where it came from and when it changed. */
export type StoredNotifier = NotifierDefinition & {
  /** `config`: from the server's config file (written again at each start). */
  readonly source: 'api' | 'config';
  /** Ms since the epoch. */
  readonly createdAt: number;
  readonly updatedAt: number;
};

/** One delivery of one alert event to one notifier, as the delivery log keeps it. */
export type DeliveryRecord = z.output<typeof deliverySchema>;

/** Which deliveries to list, newest first. */
export type DeliveryQuery = z.output<typeof deliveriesQuery>;

/**
 * The alert notifications of the server: the notifiers (webhook, Alertmanager, Slack) with
 * their secrets, the deliveries and their log. The host runs the deliveries (retries,
 * backoff, deduplication); the API only configures and inspects them. Errors are `ApiError`s
 * (`NOTIFIER_NOT_FOUND`, `NOTIFIER_EXISTS`, `NOT_READY`).
 */
export interface NotificationServices {
  /** Every notifier, by name. */
  list(): StoredNotifier[];
  get(name: string): StoredNotifier | undefined;
  /** Adds a notifier; 409 `NOTIFIER_EXISTS` when the name is taken. */
  create(definition: NotifierDefinition): Promise<StoredNotifier>;
  /** Replaces a notifier's settings; 404 `NOTIFIER_NOT_FOUND` when there is none. */
  replace(definition: NotifierDefinition): Promise<StoredNotifier>;
  /** Removes a notifier; false when there was none. */
  delete(name: string): Promise<boolean>;
  /**
   * Sends a test notification now, once (no retries, no deduplication, even when the
   * notifier is disabled), logs it and resolves with the delivery.
   */
  sendTest(name: string): Promise<DeliveryRecord>;
  /** Deliveries matching the query, newest first, and whether older ones follow. */
  deliveries(query: DeliveryQuery): { deliveries: DeliveryRecord[]; hasMore: boolean };
}
