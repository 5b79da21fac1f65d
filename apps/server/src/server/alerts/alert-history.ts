import { ApiError } from '@needle/api';
import type { AlertHistoryEntry, AlertHistoryPage } from '@needle/api';
import type { Database } from '@needle/engine';
import { z } from 'zod';

import { pruneRuleOf } from '../../log-retention.js';
import type { LogRetention } from '../../log-retention.js';
import type { AlertTransition } from './alert-evaluator.js';

/** The system log holding alert transitions. */
export const HISTORY_LOG = 'alert-history';

const entrySchema = z.object({
  rule: z.string(),
  severity: z.enum(['warning', 'critical']),
  transition: z.enum(['pending', 'firing', 'resolved', 'inactive']),
  labels: z.record(z.string(), z.string()),
  fingerprint: z.string(),
  value: z.number().nullable(),
  threshold: z.number(),
  activeAt: z.number(),
  firingSince: z.number().nullable(),
});

/** One stored transition. */
export type HistoryRecord = z.output<typeof entrySchema>;

/** How long and how much history is kept. */
export type HistoryRetention = LogRetention;

/** Entries read past the cursor's instant, for transitions recorded in the same millisecond. */
const SAME_INSTANT_SLACK = 256;

/**
 * Alert transitions in the database's system log `alert-history`, newest first by a cursor,
 * pruned by age and count.
 */
export class AlertHistory {
  readonly #database: () => Database;
  readonly #retention: HistoryRetention;

  constructor(database: () => Database, retention: HistoryRetention) {
    this.#database = database;
    this.#retention = retention;
  }

  #log(db = this.#database()) {
    return db.system.log(HISTORY_LOG, entrySchema);
  }

  /** Appends transitions in one commit. */
  async append(transitions: readonly AlertTransition[]): Promise<void> {
    await this.#log().append(
      ...transitions.map((t) => ({
        rule: t.alert.rule.name,
        severity: t.alert.severity,
        transition: t.to,
        labels: { ...t.alert.labels },
        fingerprint: t.alert.fingerprint,
        value: Number.isFinite(t.alert.value) ? t.alert.value : null,
        threshold: t.alert.threshold,
        activeAt: t.alert.activeAt,
        firingSince: t.alert.firingSince ?? null,
      })),
    );
  }

  /** Drops entries past the retention; resolves with how many went. */
  async prune(now = Date.now()): Promise<number> {
    const rule = pruneRuleOf(this.#retention);
    return rule ? this.#log().prune(rule, now) : 0;
  }

  /** The alerts whose newest transition is `firing`: they were firing when the server stopped. */
  stillFiring(db: Database): HistoryRecord[] {
    const newest = new Map<string, HistoryRecord>();
    const limit = this.#retention.maxEntries > 0 ? this.#retention.maxEntries : undefined;
    for (const { entry } of this.#log(db).read({ descending: true, ...(limit ? { limit } : {}) })) {
      if (!newest.has(entry.fingerprint)) newest.set(entry.fingerprint, entry);
    }
    return [...newest.values()].filter((e) => e.transition === 'firing');
  }

  /**
   * A page of transitions, newest first, of every rule or of `rule`; `cursor` is the previous
   * page's `next`.
   */
  page(limit: number, cursor?: string, rule?: string): AlertHistoryPage {
    const from = cursor === undefined ? undefined : parseCursor(cursor);
    const log = this.#log();
    // The log reads by time, not by seq: entries of the cursor's instant that came before it
    // on the previous page are read again and skipped, reading more while they fill the read.
    let readLimit = limit + 1 + (from ? SAME_INSTANT_SLACK : 0);
    let raw: ReturnType<typeof log.read>;
    let older: typeof raw;
    for (;;) {
      raw = log.read({
        descending: true,
        limit: readLimit,
        ...(from ? { untilAt: from.at + 1 } : {}),
        ...(rule === undefined ? {} : { match: { rule } }),
      });
      older = from ? raw.filter((r) => r.seq < from.seq) : raw;
      if (older.length > limit || raw.length < readLimit) break;
      readLimit *= 2;
    }
    const page = older.slice(0, limit);
    const more = older.length > limit;
    const last = page.at(-1);
    return {
      entries: page.map((r): AlertHistoryEntry => ({
        seq: r.seq,
        at: r.at,
        rule: r.entry.rule,
        severity: r.entry.severity,
        transition: r.entry.transition,
        labels: r.entry.labels,
        fingerprint: r.entry.fingerprint,
        value: r.entry.value,
        threshold: r.entry.threshold,
      })),
      next: more && last ? `${String(last.at)}-${String(last.seq)}` : null,
    };
  }
}

function parseCursor(cursor: string): { at: number; seq: number } {
  const m = /^(\d{1,16})-(\d{1,16})$/.exec(cursor);
  if (!m) {
    throw new ApiError(
      400,
      'INVALID_CURSOR',
      `"${cursor}" is not a cursor of the alert history`,
      'Give the `next` of the previous page as `cursor`, or leave it out for the newest entries.',
    );
  }
  return { at: Number(m[1]), seq: Number(m[2]) };
}
