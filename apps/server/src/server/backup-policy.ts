import { ApiError } from '@needle/api';
import type { BackupPolicyChange, BackupPolicySettings } from '@needle/api';
import type { Database, RetentionPolicy } from '@needle/engine';
import { Cron } from 'croner';
import { z } from 'zod';

import { retentionPolicy } from '../backup/backup-settings.js';
import type { ServerConfig } from '../config.js';

/** The system record set holding the runtime changes of the backup policy. */
export const BACKUP_POLICY_NAMESPACE = 'backup-policy';
const KEY = 'overrides';

const JOBS = ['full', 'incremental', 'verify'] as const;

const storedSchema = z.object({
  cron: z
    .object({
      full: z.string().nullable().optional(),
      incremental: z.string().nullable().optional(),
      verify: z.string().nullable().optional(),
      timezone: z.string().nullable().optional(),
    })
    .default({}),
  retention: z
    .object({
      maxAgeDays: z.number().optional(),
      maxCount: z.number().optional(),
      minCount: z.number().optional(),
    })
    .default({}),
  maxChainLength: z.number().optional(),
  updatedBy: z.string().optional(),
});
type Stored = z.output<typeof storedSchema>;

type Schedule = ServerConfig['backup']['schedule'];
type Retention = ServerConfig['backup']['retention'];

/**
 * The backup schedule and retention in force: the config's, with the changes an admin made
 * through the API over them (kept in the database's system records, so they hold across
 * restarts; a reset drops them). `load()` reads the records when the database opens (and
 * after an in-place restore); reads come from memory.
 *
 * @example
 * ```ts
 * const policy = new BackupPolicy(config.backup, () => host.database());
 * policy.load(db);
 * await policy.set({ cron: { incremental: '*\/5 * * * *' } }, 'admin');
 * policy.schedule(); // { full: '0 3 * * *', incremental: '*\/5 * * * *' }
 * ```
 */
export class BackupPolicy {
  readonly #config: ServerConfig['backup'];
  readonly #database: () => Database;
  #stored: Stored = storedSchema.parse({});

  constructor(config: ServerConfig['backup'], database: () => Database) {
    this.#config = config;
    this.#database = database;
  }

  #records(db = this.#database()) {
    return db.system.records(BACKUP_POLICY_NAMESPACE, storedSchema);
  }

  /** Reads the changes kept in a database just opened. */
  load(db: Database): void {
    this.#stored = this.#records(db).get(KEY) ?? storedSchema.parse({});
  }

  /** The cron expressions in force (a job left out is not scheduled). */
  schedule(): Schedule {
    return scheduleOf(this.#config.schedule, this.#stored);
  }

  #retention(stored = this.#stored): Retention {
    return { ...this.#config.retention, ...definedOnly(stored.retention) };
  }

  /** The retention in force as the engine takes it, or null when it keeps everything. */
  retention(): RetentionPolicy | null {
    return retentionPolicy(this.#retention());
  }

  maxChainLength(): number {
    return this.#stored.maxChainLength ?? this.#config.maxChainLength;
  }

  /** The settings in force as the status shows them. */
  settings(): BackupPolicySettings {
    const schedule = this.schedule();
    const retention = this.retention();
    const overridden = [
      ...Object.keys(this.#stored.cron)
        .filter((k) => this.#stored.cron[k as keyof Stored['cron']] !== undefined)
        .map((k) => `cron.${k}`),
      ...Object.entries(definedOnly(this.#stored.retention)).map(([k]) => `retention.${snake(k)}`),
      ...(this.#stored.maxChainLength === undefined ? [] : ['max_chain_length']),
    ];
    return {
      cron: {
        full: schedule.full ?? null,
        incremental: schedule.incremental ?? null,
        verify: schedule.verify ?? null,
        timezone: schedule.timezone ?? null,
      },
      retention: retention && {
        maxAgeDays: retention.maxAgeMs === undefined ? null : retention.maxAgeMs / 86_400_000,
        maxCount: retention.maxCount ?? null,
        minCount: retention.minCount ?? 1,
      },
      maxChainLength: this.maxChainLength(),
      overridden,
    };
  }

  /**
   * Merges a change into the kept ones, after checking it: each cron expression parses (in the
   * time zone in force), the time zone is known, the retention keeps at least one backup.
   * 400 `INVALID_BACKUP_SETTINGS` naming the field otherwise; nothing is changed then.
   */
  async set(change: BackupPolicyChange, updatedBy: string): Promise<void> {
    const next: Stored = {
      cron: { ...this.#stored.cron, ...change.cron },
      retention: { ...this.#stored.retention, ...definedOnly(change.retention ?? {}) },
      ...((change.maxChainLength ?? this.#stored.maxChainLength) === undefined
        ? {}
        : { maxChainLength: change.maxChainLength ?? this.#stored.maxChainLength }),
      updatedBy,
    };
    checkSchedule(scheduleOf(this.#config.schedule, next));
    const retention = this.#retention(next);
    if (retention.maxCount > 0 && retention.maxCount < retention.minCount) {
      throw invalid(
        'retention.max_count',
        `max_count (${retention.maxCount}) is below min_count (${retention.minCount})`,
        'Give a max_count of at least min_count, or 0 for no count limit.',
      );
    }
    await this.#records().put(KEY, next);
    this.#stored = next;
  }

  /** Drops every change: the config's values apply again. */
  async reset(): Promise<void> {
    await this.#records().delete(KEY);
    this.#stored = storedSchema.parse({});
  }
}

function scheduleOf(config: Schedule, stored: Stored): Schedule {
  const out: { -readonly [K in keyof Schedule]: Schedule[K] } = {};
  for (const field of [...JOBS, 'timezone'] as const) {
    const o = stored.cron[field];
    const value = o === undefined ? config[field] : (o ?? undefined);
    if (value !== undefined) out[field] = value;
  }
  return out;
}

function checkSchedule(schedule: Schedule): void {
  const timezone = schedule.timezone;
  if (timezone !== undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: timezone });
    } catch {
      throw invalid(
        'cron.timezone',
        `"${timezone}" is not a known time zone`,
        "Give an IANA time zone name, e.g. Europe/Berlin or UTC, or null for the server's.",
      );
    }
  }
  for (const job of JOBS) {
    const pattern = schedule[job];
    if (pattern === undefined) continue;
    try {
      new Cron(pattern, { paused: true, ...(timezone === undefined ? {} : { timezone }) }).stop();
    } catch (err) {
      throw invalid(
        `cron.${job}`,
        `cron.${job} is not a cron expression: ${(err as Error).message.replace(/^CronPattern: /, '')}`,
        'Give 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first, e.g. "*/15 * * * *"; null turns the job off.',
      );
    }
  }
}

function invalid(field: string, message: string, help: string): ApiError {
  return new ApiError(400, 'INVALID_BACKUP_SETTINGS', message, help, { details: { field } });
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
