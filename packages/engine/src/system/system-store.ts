import type { z } from 'zod';

import { EngineError } from '../errors.js';
import type { Storage, SystemLogQuery } from '../storage/storage.js';

/**
 * The database's own durable state, beside the collections and in the same file: named
 * record sets (principals, roles, backup catalogue, alert rules) and append-only logs (audit
 * trail, alert history, slow queries). Values are JSON checked by a zod schema on the way in
 * and on the way out, so a subsystem never sees a record it cannot read.
 */
export class SystemStore {
  readonly #storage: Storage;
  readonly #assertOpen: () => void;

  constructor(storage: Storage, assertOpen: () => void) {
    this.#storage = storage;
    this.#assertOpen = assertOpen;
  }

  /** The record set `namespace`, its values checked by `schema`. */
  records<T>(namespace: string, schema: z.ZodType<T>): SystemRecords<T> {
    return new SystemRecords<T>(this.#storage, this.#assertOpen, checkName(namespace), schema);
  }

  /** The append-only log `name`, its entries checked by `schema`. */
  log<T>(name: string, schema: z.ZodType<T>): SystemLog<T> {
    return new SystemLog<T>(this.#storage, this.#assertOpen, checkName(name), schema);
  }
}

/** One stored record of a {@link SystemRecords} set. */
export interface StoredSystemRecord<T> {
  key: string;
  value: T;
  /** When it was last written, ms since the epoch. */
  updatedAt: number;
}

/** A durable key → value set; every write is committed before its promise resolves. */
export class SystemRecords<T> {
  constructor(
    private readonly storage: Storage,
    private readonly assertOpen: () => void,
    readonly namespace: string,
    private readonly schema: z.ZodType<T>,
  ) {}

  get(key: string): T | undefined {
    this.assertOpen();
    const json = this.storage.getSystemRecord(this.namespace, key);
    return json === undefined ? undefined : this.#decode(json, key);
  }

  list(): StoredSystemRecord<T>[] {
    this.assertOpen();
    return this.storage
      .listSystemRecords(this.namespace)
      .map((r) => ({ key: r.key, value: this.#decode(r.value, r.key), updatedAt: r.updatedAt }));
  }

  async put(key: string, value: T): Promise<void> {
    this.assertOpen();
    const checked = this.schema.safeParse(value);
    if (!checked.success) {
      throw new EngineError(
        'INVALID_INPUT',
        `invalid ${this.namespace} record "${key}": ${checked.error.issues[0]?.message ?? 'invalid value'}`,
        { help: `Fix the ${this.namespace} record before saving it.`, cause: checked.error },
      );
    }
    await this.storage.putSystemRecord(this.namespace, checkKey(key), JSON.stringify(checked.data));
  }

  /** Deletes `key`; resolves false when there was no such record. */
  async delete(key: string): Promise<boolean> {
    this.assertOpen();
    if (this.storage.getSystemRecord(this.namespace, key) === undefined) return false;
    await this.storage.putSystemRecord(this.namespace, key, null);
    return true;
  }

  #decode(json: string, key: string): T {
    const parsed = this.schema.safeParse(parseJson(json));
    if (parsed.success) return parsed.data;
    throw new EngineError(
      'INTERNAL_ERROR',
      `stored ${this.namespace} record "${key}" does not match its schema`,
      {
        help: 'The record was written by an incompatible version; rewrite or delete it.',
        details: { namespace: this.namespace, key },
        cause: parsed.error,
      },
    );
  }
}

/** One entry of a {@link SystemLog}. */
export interface SystemLogRecord<T> {
  seq: number;
  /** When it was appended, ms since the epoch. */
  at: number;
  entry: T;
}

/** Which entries to drop from a log; every bound given must hold for an entry to stay. */
export interface PruneRule {
  /** Drop entries appended more than this many milliseconds ago. */
  olderThanMs?: number;
  /** Keep only the newest this many entries. */
  keepLast?: number;
  /** Drop entries with a lower seq. */
  beforeSeq?: number;
}

/** A durable append-only log, read by seq, time range or entry fields. */
export class SystemLog<T> {
  constructor(
    private readonly storage: Storage,
    private readonly assertOpen: () => void,
    readonly name: string,
    private readonly schema: z.ZodType<T>,
  ) {}

  /** Appends entries in one commit; resolves with their seqs once durable. */
  async append(...entries: T[]): Promise<number[]> {
    this.assertOpen();
    const encoded = entries.map((entry) => {
      const checked = this.schema.safeParse(entry);
      if (checked.success) return JSON.stringify(checked.data);
      throw new EngineError(
        'INVALID_INPUT',
        `invalid ${this.name} log entry: ${checked.error.issues[0]?.message ?? 'invalid value'}`,
        {
          help: `Fix the entry before appending it to the ${this.name} log.`,
          cause: checked.error,
        },
      );
    });
    return this.storage.appendSystemLog(this.name, encoded);
  }

  /** Entries matching `query`, oldest first unless `descending`. */
  read(query: SystemLogQuery = {}): SystemLogRecord<T>[] {
    this.assertOpen();
    return this.storage.readSystemLog(this.name, query).map((e) => ({
      seq: e.seq,
      at: e.at,
      entry: this.#decode(e.entry, e.seq),
    }));
  }

  /** Drops entries by age and count; resolves with how many went. */
  async prune(rule: PruneRule, now = Date.now()): Promise<number> {
    this.assertOpen();
    let floor = rule.beforeSeq ?? 0;
    if (rule.olderThanMs !== undefined) {
      const [oldest] = this.storage.readSystemLog(this.name, {
        sinceAt: now - rule.olderThanMs,
        limit: 1,
      });
      floor = Math.max(floor, oldest ? oldest.seq : Number.MAX_SAFE_INTEGER);
    }
    if (rule.keepLast !== undefined) {
      const newest = this.storage.readSystemLog(this.name, {
        descending: true,
        limit: Math.max(1, rule.keepLast),
      });
      if (rule.keepLast === 0) floor = Number.MAX_SAFE_INTEGER;
      else if (newest.length === rule.keepLast) floor = Math.max(floor, newest.at(-1)!.seq);
    }
    if (floor === 0) return 0;
    return this.storage.pruneSystemLog(this.name, floor);
  }

  #decode(json: string, seq: number): T {
    const parsed = this.schema.safeParse(parseJson(json));
    if (parsed.success) return parsed.data;
    throw new EngineError(
      'INTERNAL_ERROR',
      `entry ${seq} of the ${this.name} log does not match its schema`,
      {
        help: 'The entry was written by an incompatible version; prune the log past it.',
        details: { log: this.name, seq },
        cause: parsed.error,
      },
    );
  }
}

const NAME = /^[a-z][a-z0-9_.-]{0,63}$/;

function checkName(name: string): string {
  if (NAME.test(name)) return name;
  throw new EngineError('INVALID_INPUT', `"${name}" is not a valid system namespace`, {
    help: 'Use 1–64 lower-case letters, digits, ".", "_" or "-", starting with a letter.',
  });
}

function checkKey(key: string): string {
  if (key.length > 0 && key.length <= 1024) return key;
  throw new EngineError('INVALID_INPUT', 'a system record key must be 1–1024 characters', {
    help: 'Give the record a non-empty key of at most 1024 characters.',
  });
}

/** Stored JSON, or a marker no schema accepts when it is not JSON (a damaged value). */
function parseJson(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return Symbol('not JSON');
  }
}
