import { Cron } from 'croner';
import type { Logger } from 'pino';

import type { ServerConfig } from '../config.js';
import type { ScheduledJob } from './backup-service.js';

/** When each scheduled job runs next (ms since the epoch), or null when it is not scheduled. */
export type NextRuns = Record<ScheduledJob, number | null>;

/**
 * Runs the configured cron schedules of full backups, incremental backups and restore drills
 * (croner: 5 fields, or 6 with seconds first; in `timezone` when set). Each tick hands the job
 * to `run` — the backup service, which runs one job at a time. Started once the database is
 * open, stopped before it closes; its timers never keep the process alive.
 *
 * @example
 * ```ts
 * const scheduler = new BackupScheduler(() => policy.schedule(), (job) => service.schedule(job), logger);
 * scheduler.start();
 * scheduler.nextRuns(); // { full: 1767236400000, incremental: null, verify: null }
 * scheduler.stop();
 * ```
 */
export class BackupScheduler {
  readonly #schedule: () => ServerConfig['backup']['schedule'];
  readonly #run: (job: ScheduledJob) => void;
  readonly #logger: Logger;
  readonly #crons = new Map<ScheduledJob, Cron>();

  /** `schedule` is read at each start: the expressions in force then. */
  constructor(
    schedule: () => ServerConfig['backup']['schedule'],
    run: (job: ScheduledJob) => void,
    logger: Logger,
  ) {
    this.#schedule = schedule;
    this.#run = run;
    this.#logger = logger;
  }

  /** Starts the configured schedules (again after a stop); a no-op when they run. */
  start(): void {
    if (this.#crons.size > 0) return;
    const schedule = this.#schedule();
    for (const job of ['full', 'incremental', 'verify'] as const) {
      const pattern = schedule[job];
      if (pattern === undefined) continue;
      const cron = new Cron(
        pattern,
        {
          unref: true,
          ...(schedule.timezone === undefined ? {} : { timezone: schedule.timezone }),
          catch: (err) => this.#logger.error({ err, job }, 'scheduled backup job could not start'),
        },
        () => this.#run(job),
      );
      this.#crons.set(job, cron);
    }
    if (this.#crons.size > 0) {
      this.#logger.info(
        {
          schedule: Object.fromEntries(
            [...this.#crons].map(([job, cron]) => [
              job,
              { cron: cron.getPattern(), next: cron.nextRun()?.toISOString() ?? null },
            ]),
          ),
        },
        'backup schedule started',
      );
    }
  }

  /** Starts again with the expressions in force now (after a change of the policy). */
  restart(): void {
    this.stop();
    this.start();
  }

  /** Stops every schedule; a job under way is not interrupted. */
  stop(): void {
    for (const cron of this.#crons.values()) cron.stop();
    this.#crons.clear();
  }

  nextRuns(): NextRuns {
    const next = (job: ScheduledJob) => this.#crons.get(job)?.nextRun()?.getTime() ?? null;
    return { full: next('full'), incremental: next('incremental'), verify: next('verify') };
  }
}
