import { deliverySchema } from '@needle/api';
import type { DeliveryQuery, DeliveryRecord } from '@needle/api';
import type { Database, SystemLog } from '@needle/engine';
import type { z } from 'zod';

import { pruneRuleOf } from '../../log-retention.js';
import type { LogRetention } from '../../log-retention.js';

/** The system log holding the deliveries. */
export const DELIVERY_LOG = 'alert-notifications';

/** One delivery as stored: the API's delivery without what the log adds (`seq`, `at`). */
const entrySchema = deliverySchema.omit({ seq: true, at: true });

/** A delivery to append. */
export type DeliveryEntry = z.output<typeof entrySchema>;

/** How long the log keeps deliveries. */
export type DeliveryLogRetention = LogRetention;

/** Appends between two prunes. */
const PRUNE_EVERY = 100;

/**
 * The durable log of deliveries (`db.system.log`), read newest first by notifier, outcome
 * and status, and pruned by age and count. It is also where the deduplication state comes
 * from after a restart: the last delivered status of each alert per notifier.
 */
export class DeliveryLog {
  readonly #log: SystemLog<DeliveryEntry>;
  readonly #retention: DeliveryLogRetention;
  #sincePrune = 0;

  constructor(db: Database, retention: DeliveryLogRetention) {
    this.#log = db.system.log(DELIVERY_LOG, entrySchema);
    this.#retention = retention;
  }

  /** Appends a delivery (durable when it resolves) and prunes now and then. */
  async append(entry: DeliveryEntry): Promise<DeliveryRecord> {
    const [seq] = await this.#log.append(entry);
    if (++this.#sincePrune >= PRUNE_EVERY) await this.prune();
    return { seq: seq!, at: new Date().toISOString(), ...entry };
  }

  /** Drops deliveries past the retention; resolves with how many went. */
  async prune(now = Date.now()): Promise<number> {
    this.#sincePrune = 0;
    const rule = pruneRuleOf(this.#retention);
    return rule ? this.#log.prune(rule, now) : 0;
  }

  /** Deliveries matching the query, newest first, and whether older ones follow. */
  read(query: DeliveryQuery): { deliveries: DeliveryRecord[]; hasMore: boolean } {
    const match: Record<string, string> = {};
    if (query.notifier !== undefined) match.notifier = query.notifier;
    if (query.outcome !== undefined) match.outcome = query.outcome;
    if (query.status !== undefined) match.status = query.status;
    const rows = this.#log.read({
      match,
      descending: true,
      limit: query.offset + query.limit + 1,
    });
    const page = rows.slice(query.offset, query.offset + query.limit);
    return {
      deliveries: page.map((r) => ({ seq: r.seq, at: new Date(r.at).toISOString(), ...r.entry })),
      hasMore: rows.length > query.offset + query.limit,
    };
  }

  /**
   * The last delivered (non-test) status of each alert per notifier, with when: what the
   * deduplication starts from after a restart.
   */
  lastDelivered(): Map<string, { status: 'firing' | 'resolved'; at: number }> {
    const last = new Map<string, { status: 'firing' | 'resolved'; at: number }>();
    for (const r of this.#log.read({ match: { outcome: 'delivered', test: false } })) {
      last.set(dedupKey(r.entry.notifier, r.entry.fingerprint), {
        status: r.entry.status,
        at: r.at,
      });
    }
    return last;
  }
}

/** The key of an alert at a notifier. */
export function dedupKey(notifier: string, fingerprint: string): string {
  return `${notifier}\u0000${fingerprint}`;
}
