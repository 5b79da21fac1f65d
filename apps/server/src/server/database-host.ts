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

  async #open(): Promise<Database> {
    this.lock();
    const { logger } = this.#options;
    this.#state = { phase: 'opening', reason: 'opening the database' };
    logger.info({ file: this.dataFile }, 'opening the database');
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
   * Closes the database (waiting for an open under way to finish first: an open cannot be
   * interrupted), checkpointing it, then releases the data directory's lock.
   */
  async close(): Promise<void> {
    if (this.#state.phase === 'closed') return;
    this.#state = { phase: 'closing' };
    try {
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
