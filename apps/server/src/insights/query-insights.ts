import type { SearchObserver } from '@needle/api';
import type { Database } from '@needle/engine';
import { RECALL_DROP_REASONS } from '@needle/telemetry';
import type { Logger } from 'pino';

import type { ServerConfig } from '../config.js';
import type { ServerMetrics } from '../server/server-metrics.js';
import { BackgroundBudget } from './background-budget.js';
import { RecallMonitor } from './recall-monitor.js';
import { SlowQueryStore } from './slow-query-store.js';

/** The server's view of its searches: the recall estimate and the slow-query store. */
export interface QueryInsights {
  /** Hears of every search (`ApiContext.searchObserver`). */
  readonly observer: SearchObserver;
  readonly slowQueries: SlowQueryStore;
  readonly recall: RecallMonitor;
  readonly budget: BackgroundBudget;
  /**
   * Recall estimates by collection for the scrape; first forgets collections that were
   * dropped (their window and every series of theirs go).
   */
  recallEstimates(): Map<string, number>;
  /** Stops the background work (queued jobs are dropped) and waits for records being written. */
  stop(): Promise<void>;
}

/**
 * Builds the recall monitor and the slow-query store over one background budget
 * (`recall.maxCpuShare`, `recall.maxQueue`), counting what they do in the server's metrics.
 */
export function createQueryInsights(deps: {
  config: Pick<ServerConfig, 'recall' | 'slowQuery'>;
  /** The database when it is open, else undefined. */
  database: () => Database | undefined;
  metrics: ServerMetrics;
  logger: Logger;
}): QueryInsights {
  const { config, metrics, logger } = deps;
  const m = metrics.metrics;
  /** Collections with series in the counters, to remove them when the collection goes. */
  const labelled = new Set<string>();
  const budget = new BackgroundBudget({
    maxCpuShare: config.recall.maxCpuShare,
    maxQueue: config.recall.maxQueue,
    onError: (err) => logger.warn({ err }, 'a background query job failed'),
  });
  /**
   * A collection's counters start at zero on its first observed search (Prometheus's advice
   * for known label values): a rate over "no slow queries yet" is 0, not absent.
   */
  const label = (collection: string): void => {
    if (labelled.has(collection)) return;
    labelled.add(collection);
    m.recallSamples.inc({ collection }, 0);
    for (const reason of RECALL_DROP_REASONS) m.recallDropped.inc({ collection, reason }, 0);
    m.slowQueries.inc({ collection }, 0);
  };
  const recall = new RecallMonitor(config.recall, budget, {
    sampled: (collection) => {
      label(collection);
      m.recallSamples.inc({ collection });
    },
    dropped: (collection, reason) => {
      label(collection);
      m.recallDropped.inc({ collection, reason });
    },
  });
  const slowQueries = new SlowQueryStore({
    database: () => {
      const db = deps.database();
      if (!db) throw new Error('the database is not open');
      return db;
    },
    settings: config.slowQuery,
    budget,
    logger,
    onRecorded: (collection) => {
      label(collection);
      m.slowQueries.inc({ collection });
    },
  });

  const forgetDropped = (db: Database): void => {
    for (const [name, collection] of recall.collections()) {
      if (!db.hasCollection(name) || db.collection(name) !== collection) recall.forget(name);
    }
    for (const name of labelled) {
      if (db.hasCollection(name)) continue;
      labelled.delete(name);
      m.recallSamples.remove({ collection: name });
      for (const reason of RECALL_DROP_REASONS)
        m.recallDropped.remove({ collection: name, reason });
      m.slowQueries.remove({ collection: name });
    }
  };

  return {
    observer: {
      observeSearch(search) {
        label(search.name);
        recall.observe(search);
        slowQueries.observe(search);
      },
    },
    slowQueries,
    recall,
    budget,
    recallEstimates() {
      const db = deps.database();
      if (db) forgetDropped(db);
      return new Map([...recall.estimates()].map(([name, e]) => [name, e.recall]));
    },
    async stop() {
      await budget.stop();
      await slowQueries.flush();
    },
  };
}
