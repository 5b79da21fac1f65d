import type { DeliveryQuery, DeliveryRecord } from '@needle/api';
import type { Database, SystemLog } from '@needle/engine';
import { z } from 'zod';

/** The system log holding the deliveries. */
export const DELIVERY_LOG = 'alert-notifications';

/** One delivery as stored (the log adds `seq` and `at`). */
const entrySchema = z.object({
  notifier: z.string(),
  kind: z.enum(['webhook', 'alertmanager', 'slack']),
  fingerprint: z.string(),
  rule: z.string(),
  severity: z.string(),
  status: z.enum(['firing', 'resolved']),
  test: z.boolean(),
  repeat: z.boolean(),
  outcome: z.enum(['delivered', 'failed', 'abandoned']),
  attempts: z.number().int(),
  http_status: z.number().int().nullable(),
  error: z.string().nullable(),
  duration_ms: z.number(),
});

/** A delivery to append. */
export type DeliveryEntry = z.output<typeof entrySchema>;

/** How long the log keeps deliveries. */
export interface DeliveryLogRetention {
  /** Deliveries older than this many days are pruned (0: no age limit). */
  readonly maxAgeDays: number;
  /** Only the newest this many are kept (0: no count limit). */
  readonly maxEntries: number;
}

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
    const { maxAgeDays, maxEntries } = this.#retention;
    if (maxAgeDays <= 0 && maxEntries <= 0) return 0;
    return this.#log.prune(
      {
        ...(maxAgeDays > 0 ? { olderThanMs: maxAgeDays * 86_400_000 } : {}),
        ...(maxEntries > 0 ? { keepLast: maxEntries } : {}),
      },
      now,
    );
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
