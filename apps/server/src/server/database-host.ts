import { ApiError } from '@needle/api';
import type { Readiness } from '@needle/api';
import { Database } from '@needle/engine';
import type { DatabaseConfig } from '@needle/engine';
import type { Logger } from 'pino';

import { acquireDataDirLock, resolveDataFile } from '../data-dir.js';
import type { ReleaseLock } from '../data-dir.js';

/** Where the hosted database stands. */
export type HostState =
  | { readonly phase: 'idle' }
  | { readonly phase: 'opening'; readonly reason: string; readonly progress?: number }
  | { readonly phase: 'open'; readonly database: Database }
  | {
      readonly phase: 'restoring';
      /** The database being replaced: open until the swap. */
      readonly database: Database;
      readonly reason: string;
      readonly progress?: number;
      /** The files are being swapped: the database is closed or closing. */
      readonly swapping: boolean;
    }
  | { readonly phase: 'failed'; readonly error: unknown }
  | { readonly phase: 'closing' }
  | { readonly phase: 'closed' };

/** What a {@link DatabaseHost} opens, and how it tells about it. */
export interface DatabaseHostOptions {
  dataDir: string;
  database: DatabaseConfig;
  logger: Logger;
  /** Written into the data directory's lock, e.g. `needle serve on 127.0.0.1:8080`. */
  owner: string;
  /** Runs once the database is open, before it is reported ready (access control setup). */
  afterOpen?: (database: Database) => Promise<void>;
  /** Runs before the database closes (flushing what is buffered for it). */
  beforeClose?: () => Promise<void>;
}

/** What an in-place restore tells the host while it runs. */
export interface RestoreUpdate {
  /** What it does now, for `/ready` and `NOT_READY` answers. */
  reason: string;
  /** 0..1 when known. */
  progress?: number;
  /** True from the moment the database is closed to swap the files. */
  swapping?: boolean;
}

/**
 * Owns the server's one database: takes the data directory's lock, opens the database in
 * the background (recovery, index loads and rebuilds report progress), answers readiness,
 * and closes it on shutdown. Until the database is open, {@link database} throws 503
 * `NOT_READY` with the reason and progress, so the listener can serve `/health` and
 * `/ready` from the start.
 */
export class DatabaseHost {
  readonly dataFile: string;
  readonly #options: DatabaseHostOptions;
  #state: HostState = { phase: 'idle' };
  #release: ReleaseLock | undefined;
  #opening: Promise<Database> | undefined;
  #restoring: Promise<unknown> | undefined;

  constructor(options: DatabaseHostOptions) {
    this.#options = options;
    this.dataFile = resolveDataFile(options.dataDir);
  }

  /** The current state (for metrics and tests). */
  get state(): HostState {
    return this.#state;
  }

  /**
   * Takes the data directory's lock; throws `DATA_DIR_LOCKED` when another process holds it.
   * Call before listening, so a second server on the same directory fails at once.
   */
  lock(): void {
    this.#release ??= acquireDataDirLock(this.#options.dataDir, { owner: this.#options.owner });
  }

  /**
   * Opens the database (once); resolves when it is open, rejects with the reason it could
   * not be. Meanwhile {@link readiness} reports what it is doing.
   */
  open(): Promise<Database> {
    this.#opening ??= this.#open();
    return this.#opening;
  }

  async #open(what = 'the database'): Promise<Database> {
    this.lock();
    const { logger } = this.#options;
    this.#state = { phase: 'opening', reason: `opening ${what}` };
    logger.info({ file: this.dataFile }, `opening ${what}`);
    let lastLogged = -1;
    try {
      const database = await Database.open(this.dataFile, this.#options.database, {
        onProgress: (collection, p) => {
          const progress = p.total > 0 ? p.done / p.total : 1;
          const reason = `${describePhase(p.phase)} of collection "${collection}"`;
          if (this.#state.phase !== 'opening') return;
          this.#state = { phase: 'opening', reason, progress };
          // A line per tenth, so a long rebuild shows in the log without flooding it.
          const tenth = Math.floor(progress * 10);
          if (tenth !== lastLogged) {
            lastLogged = tenth;
            logger.info({ collection, phase: p.phase, done: p.done, total: p.total }, reason);
          }
        },
      });
      if (this.#state.phase === 'opening' && this.#options.afterOpen) {
        try {
          await this.#options.afterOpen(database);
        } catch (err) {
          await database.close().catch(() => undefined);
          throw err;
        }
      }
      if (this.#state.phase !== 'opening') {
        // Shutdown began while opening: the database is closed by close().
        return database;
      }
      this.#state = { phase: 'open', database };
      logger.info(
        {
          duration_ms: Math.round(database.openReport.durationMs),
          collections: database.openReport.collections,
        },
        'the database is open',
      );
      return database;
    } catch (err) {
      this.#state = { phase: 'failed', error: err };
      logger.error({ err }, 'the database could not be opened');
      throw err;
    }
  }

  /** Readiness for `/ready`. */
  readiness(): Readiness {
    const state = this.#state;
    switch (state.phase) {
      case 'open':
        return { ready: true };
      case 'idle':
        return { ready: false, reason: 'starting' };
      case 'opening':
      case 'restoring':
        return state.progress === undefined
          ? { ready: false, reason: state.reason }
          : { ready: false, reason: state.reason, progress: state.progress };
      case 'failed':
        return {
          ready: false,
          reason: `the database could not be opened: ${messageOf(state.error)}`,
        };
      case 'closing':
      case 'closed':
        return { ready: false, reason: 'shutting down' };
    }
  }

  /** The open database; 503 `NOT_READY` (or `CLOSED` during shutdown) otherwise. */
  database(): Database {
    const state = this.#state;
    if (state.phase === 'open') return state.database;
    return this.#refuse();
  }

  /**
   * The database for access control and the backup catalog: the open one, and during an
   * in-place restore the one being replaced until its files are swapped (so the restore can be
   * followed while data requests are refused). 503 otherwise.
   */
  accessDatabase(): Database {
    const state = this.#state;
    if (state.phase === 'open') return state.database;
    if (state.phase === 'restoring' && !state.swapping) return state.database;
    return this.#refuse();
  }

  #refuse(): never {
    const state = this.#state;
    if (state.phase === 'closing' || state.phase === 'closed') {
      throw new ApiError(
        503,
        'CLOSED',
        'the server is shutting down',
        'Retry against another instance, or once the server has restarted.',
      );
    }
    const readiness = this.readiness();
    const reason = readiness.ready ? 'starting' : readiness.reason;
    const progress = readiness.ready ? undefined : readiness.progress;
    throw new ApiError(
      503,
      'NOT_READY',
      `the database is not ready: ${reason}`,
      'Retry once GET /ready answers 200; it reports what the server is doing and how far along it is.',
      {
        details: { reason, ...(progress === undefined ? {} : { progress }) },
        headers: { 'retry-after': '1' },
      },
    );
  }

  /**
   * Replaces the served database in place (a restore). From the start the host is not ready:
   * `/ready` and data requests answer 503 `NOT_READY` with `work`'s reason and progress, while
   * access control and the catalog still use the database until the swap. `work` gets the
   * open database and a reporter; it resolves once the engine has swapped the files (closing
   * the database, `swapping: true`). The host then opens the path again (`afterOpen` runs
   * again). A failure before the swap leaves the database open and serving; one after it
   * opens whatever the path holds.
   */
  async replace<T>(
    work: (database: Database, report: (update: RestoreUpdate) => void) => Promise<T>,
  ): Promise<T> {
    const state = this.#state;
    if (state.phase !== 'open') return this.#refuse();
    const database = state.database;
    this.#state = {
      phase: 'restoring',
      database,
      reason: 'restoring a backup',
      progress: 0,
      swapping: false,
    };
    this.#options.logger.warn(
      { file: this.dataFile },
      'restoring a backup in place: not ready until it is done',
    );
    const run = async (): Promise<T> => {
      let result: T;
      try {
        result = await work(database, (update) => {
          const now = this.#state;
          if (now.phase !== 'restoring') return;
          this.#state = {
            phase: 'restoring',
            database,
            reason: update.reason,
            ...(update.progress === undefined ? {} : { progress: update.progress }),
            swapping: now.swapping || update.swapping === true,
          };
        });
      } catch (err) {
        const now = this.#state;
        if (now.phase === 'restoring' && !now.swapping) {
          this.#state = { phase: 'open', database };
          throw err;
        }
        await this.#reopen().catch(() => undefined);
        throw err;
      }
      await this.#reopen();
      return result;
    };
    const running = run();
    this.#restoring = running.catch(() => undefined);
    return running;
  }

  /** Opens the path again after an in-place restore closed the database to swap its files. */
  async #reopen(): Promise<void> {
    await this.#options.beforeClose?.().catch(() => undefined);
    if (this.#state.phase === 'closing' || this.#state.phase === 'closed') return;
    this.#opening = this.#open('the restored database');
    await this.#opening;
  }

  /**
   * Closes the database (waiting for an open or an in-place restore under way to finish
   * first: neither can be interrupted), checkpointing it, then releases the data directory's
   * lock.
   */
  async close(): Promise<void> {
    if (this.#state.phase === 'closed') return;
    this.#state = { phase: 'closing' };
    try {
      await this.#restoring;
      const database = await this.#opening?.catch(() => undefined);
      if (database) await this.#options.beforeClose?.().catch(() => undefined);
      await database?.close();
    } finally {
      this.#state = { phase: 'closed' };
      this.#release?.();
      this.#release = undefined;
    }
  }
}

function describePhase(phase: string): string {
  switch (phase) {
    case 'rebuild':
      return 'rebuilding the index';
    case 'catch-up':
      return 'catching up the index';
    default:
      return phase;
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
