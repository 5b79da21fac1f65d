import type { Database, SystemLog, SystemRecords } from '@needle/engine';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { z } from 'zod';

/** One audited access, as the caller reports it. */
export interface AuditEvent {
  /** Who: `key:<id>`, `jwt:<sub>`, `operator`, `anonymous`. */
  principal: string;
  /** What: a permission action (`search`, `keys.manage`) or an auth event (`authenticate`). */
  action: string;
  collection?: string | null;
  /** From where: the client address. */
  source?: string | null;
  allowed: boolean;
  requestId?: string | null;
  /** Why it was denied, or what changed (`reason`, `role`, `key`). */
  detail?: Record<string, string | number | boolean | null>;
}

const entrySchema = z.object({
  at: z.number(),
  principal: z.string(),
  action: z.string(),
  collection: z.string().nullable(),
  source: z.string().nullable(),
  allowed: z.boolean(),
  requestId: z.string().nullable(),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  /** Hash of the previous entry (the anchor's `prev` for the first one kept). */
  prev: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof entrySchema>;

const stateSchema = z.object({
  /** The newest entry written: a deleted tail shows as a head that is missing. */
  headSeq: z.number(),
  headHash: z.string(),
  /** The oldest entry kept after pruning (past the head when none is) and the hash it chains from. */
  anchorSeq: z.number(),
  anchorPrev: z.string(),
});

const GENESIS = '0'.repeat(64);

/** The outcome of {@link AuditLog.verify}. */
export type AuditVerification =
  | { ok: true; entries: number; headSeq: number | null }
  | { ok: false; entries: number; seq: number | null; problem: string };

export interface AuditQuery {
  since?: number;
  until?: number;
  principal?: string;
  action?: string;
  collection?: string;
  limit?: number;
  /** Only entries with a lower seq: the cursor of a newest-first listing. */
  beforeSeq?: number;
  /** Newest first. */
  descending?: boolean;
}

/**
 * The audit trail, in the database file. Every entry carries the SHA-256 of the one before
 * it, so an edited, inserted or deleted entry breaks the chain and {@link verify} finds it; a
 * head record catches a deleted tail. Events recorded close together are written in one
 * commit, in order.
 */
export class AuditLog {
  readonly #log: SystemLog<AuditEntry>;
  readonly #state: SystemRecords<z.infer<typeof stateSchema>>;
  readonly #now: () => number;
  #headHash: string;
  #pending: { entry: Omit<AuditEntry, 'prev' | 'hash'>; done: Deferred }[] = [];
  #flushing: Promise<void> = Promise.resolve();

  constructor(db: Database, options: { now?: () => number } = {}) {
    this.#log = db.system.log('audit', entrySchema);
    this.#state = db.system.records('audit-state', stateSchema);
    this.#now = options.now ?? Date.now;
    this.#headHash = this.#newestHash() ?? this.#state.get('chain')?.headHash ?? GENESIS;
  }

  /** Records an event; resolves once it is durable. */
  record(event: AuditEvent): Promise<void> {
    const done = deferred();
    this.#pending.push({
      entry: {
        at: this.#now(),
        principal: event.principal,
        action: event.action,
        collection: event.collection ?? null,
        source: event.source ?? null,
        allowed: event.allowed,
        requestId: event.requestId ?? null,
        ...(event.detail ? { detail: event.detail } : {}),
      },
      done,
    });
    if (this.#pending.length === 1) {
      this.#flushing = this.#flushing
        .then(() => new Promise((r) => setImmediate(r)))
        .then(() => this.#flush());
    }
    return done.promise;
  }

  /** Waits until every recorded event is durable. */
  async flush(): Promise<void> {
    await this.#flushing;
  }

  async #flush(): Promise<void> {
    const batch = this.#pending.splice(0);
    if (batch.length === 0) return;
    let prev = this.#headHash;
    const entries = batch.map(({ entry }) => {
      const hash = chainHash(prev, entry);
      const full: AuditEntry = { ...entry, prev, hash };
      prev = hash;
      return full;
    });
    try {
      const seqs = await this.#log.append(...entries);
      this.#headHash = prev;
      const state = this.#state.get('chain');
      await this.#state.put('chain', {
        headSeq: seqs.at(-1)!,
        headHash: prev,
        anchorSeq: state?.anchorSeq ?? seqs[0]!,
        anchorPrev: state?.anchorPrev ?? entries[0]!.prev,
      });
      for (const { done } of batch) done.resolve();
    } catch (err) {
      for (const { done } of batch) done.reject(err);
    }
  }

  /** Entries matching the query, oldest first unless `descending`. */
  query(q: AuditQuery = {}): (AuditEntry & { seq: number })[] {
    const match: Record<string, string> = {};
    if (q.principal !== undefined) match.principal = q.principal;
    if (q.action !== undefined) match.action = q.action;
    if (q.collection !== undefined) match.collection = q.collection;
    return this.#log
      .read({
        match,
        ...(q.since !== undefined ? { sinceAt: q.since } : {}),
        ...(q.until !== undefined ? { untilAt: q.until } : {}),
        ...(q.limit !== undefined ? { limit: q.limit } : {}),
        ...(q.beforeSeq !== undefined ? { beforeSeq: q.beforeSeq } : {}),
        ...(q.descending ? { descending: true } : {}),
      })
      .map((r) => ({ seq: r.seq, ...r.entry }));
  }

  /** Every entry as JSON lines, oldest first, read in pages. */
  *exportJsonl(q: Omit<AuditQuery, 'limit' | 'descending'> = {}): Generator<string> {
    for (const entry of this.#pages()) {
      if (q.since !== undefined && entry.at < q.since) continue;
      if (q.until !== undefined && entry.at >= q.until) continue;
      if (q.principal !== undefined && entry.principal !== q.principal) continue;
      if (q.action !== undefined && entry.action !== q.action) continue;
      if (q.collection !== undefined && entry.collection !== q.collection) continue;
      yield `${JSON.stringify(entry)}\n`;
    }
  }

  /** Walks the whole chain and reports the first entry that does not hold. */
  verify(): AuditVerification {
    try {
      return this.#verify();
    } catch (err) {
      // An entry that is not JSON or not an audit entry any more: tampered with.
      const seq = (err as { details?: { seq?: unknown } }).details?.seq;
      return {
        ok: false,
        entries: 0,
        seq: typeof seq === 'number' ? seq : null,
        problem: `${typeof seq === 'number' ? `entry ${seq}` : 'an entry'} cannot be read as an audit entry: it was altered after it was written`,
      };
    }
  }

  /** The hash of the newest entry; undefined when there is none or it cannot be read. */
  #newestHash(): string | undefined {
    try {
      return this.#log.read({ descending: true, limit: 1 })[0]?.entry.hash;
    } catch {
      // A damaged newest entry: writing goes on from the recorded head; verify reports it.
      return undefined;
    }
  }

  #verify(): AuditVerification {
    const state = this.#state.get('chain');
    let prev = state?.anchorPrev ?? GENESIS;
    let count = 0;
    let lastSeq: number | null = null;
    for (const entry of this.#pages()) {
      const { seq, ...stored } = entry;
      if (stored.prev !== prev) {
        return {
          ok: false,
          entries: count,
          seq,
          problem: `entry ${seq} does not follow the entry before it: an entry was deleted or inserted`,
        };
      }
      const { prev: _prev, hash, ...content } = stored;
      if (chainHash(prev, content) !== hash) {
        return {
          ok: false,
          entries: count,
          seq,
          problem: `entry ${seq} was altered after it was written`,
        };
      }
      prev = hash;
      lastSeq = seq;
      count += 1;
    }
    if (state) {
      // Everything pruned: the anchor then chains from the head itself.
      const emptied = lastSeq === null && state.anchorPrev === state.headHash;
      if (!emptied && (lastSeq === null || lastSeq < state.headSeq)) {
        return {
          ok: false,
          entries: count,
          seq: lastSeq,
          problem: `the newest entry should be ${state.headSeq}, but the log ends at ${lastSeq ?? 'nothing'}: entries were deleted`,
        };
      }
      if (lastSeq === state.headSeq && prev !== state.headHash) {
        return {
          ok: false,
          entries: count,
          seq: lastSeq,
          problem: `entry ${lastSeq} does not match the recorded head of the chain`,
        };
      }
    }
    return { ok: true, entries: count, headSeq: lastSeq };
  }

  /**
   * Drops entries older than the retention, keeping the chain verifiable: the first entry
   * kept becomes the anchor. Resolves with how many entries went.
   */
  async prune(retentionMs: number): Promise<number> {
    await this.flush();
    const cutoff = this.#now() - retentionMs;
    const [first] = this.#log.read({ sinceAt: cutoff, limit: 1 });
    const state = this.#state.get('chain');
    if (!state) return 0;
    const anchor = first
      ? { anchorSeq: first.seq, anchorPrev: first.entry.prev }
      : { anchorSeq: state.headSeq + 1, anchorPrev: state.headHash };
    if (anchor.anchorSeq <= state.anchorSeq) return 0;
    await this.#state.put('chain', { ...state, ...anchor });
    if (!first) {
      // Nothing is kept: the next entry written starts the chain at the head hash.
      return this.#log.prune({ keepLast: 0 });
    }
    return this.#log.prune({ beforeSeq: first.seq });
  }

  *#pages(): Generator<AuditEntry & { seq: number }> {
    let after = 0;
    for (;;) {
      const page = this.#log.read({ afterSeq: after, limit: 1000 });
      for (const r of page) yield { seq: r.seq, ...r.entry };
      if (page.length < 1000) return;
      after = page.at(-1)!.seq;
    }
  }
}

/** SHA-256 of the previous hash and the entry's content in a canonical JSON form. */
function chainHash(prev: string, content: Omit<AuditEntry, 'prev' | 'hash'>): string {
  return bytesToHex(sha256(new TextEncoder().encode(`${prev}\n${canonicalJson(content)}`)));
}

function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
