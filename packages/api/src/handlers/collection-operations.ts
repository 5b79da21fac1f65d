/** A long operation on one collection, as the index status reports it while it runs. */
export interface RunningOperation {
  /** What is running: only compaction reports progress today. */
  readonly kind: 'compaction';
  /** The engine's phase: `rebuild`, then `vacuum`, then `done`. */
  readonly phase: string;
  /** Steps done and to do in this phase (vectors for `rebuild`). */
  readonly done: number;
  readonly total: number;
  /** How far the whole operation is, 0..1 (see {@link overallRatio}). */
  readonly ratio: number;
  /** When it started, in milliseconds since the epoch. */
  readonly startedAt: number;
  /** Seconds still to go at the rate so far; null until there is a rate to go by. */
  readonly etaSeconds: number | null;
}

/**
 * Share of a compaction each phase stands for: the index rebuild is nearly all of the work,
 * the file's vacuum the rest. A vacuum reports no steps, so its share is counted when it ends.
 */
const REBUILD_SHARE = 0.95;

/** How far a compaction is, from the phase the engine reports and the steps done in it. */
export function overallRatio(phase: string, done: number, total: number): number {
  const part = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  switch (phase) {
    case 'rebuild':
      return part * REBUILD_SHARE;
    case 'vacuum':
      return REBUILD_SHARE;
    case 'done':
      return 1;
    default:
      return part;
  }
}

/**
 * The operations running on each collection of one API runtime, with their latest progress.
 * An operation is there from `start` until `finish`, whatever its outcome.
 */
export class CollectionOperations {
  readonly #running = new Map<string, RunningOperation>();

  /** Records that `kind` started on `collection`; the entry shows 0 until progress arrives. */
  start(collection: string, kind: RunningOperation['kind'], now = Date.now()): void {
    this.#running.set(collection, {
      kind,
      phase: 'starting',
      done: 0,
      total: 0,
      ratio: 0,
      startedAt: now,
      etaSeconds: null,
    });
  }

  /** Takes a progress report of the operation running on `collection`. */
  progress(
    collection: string,
    report: { phase: string; done: number; total: number },
    now = Date.now(),
  ): void {
    const current = this.#running.get(collection);
    if (!current) return;
    const ratio = overallRatio(report.phase, report.done, report.total);
    const elapsed = (now - current.startedAt) / 1000;
    this.#running.set(collection, {
      ...current,
      phase: report.phase,
      done: report.done,
      total: report.total,
      ratio,
      etaSeconds: ratio > 0 && ratio < 1 ? (elapsed / ratio) * (1 - ratio) : ratio >= 1 ? 0 : null,
    });
  }

  /** Forgets the operation of `collection` (it finished or failed). */
  finish(collection: string): void {
    this.#running.delete(collection);
  }

  /** The operation running on `collection`, or null. */
  get(collection: string): RunningOperation | null {
    return this.#running.get(collection) ?? null;
  }

  /** Every running operation, by collection (for the progress metric). */
  entries(): IterableIterator<[string, RunningOperation]> {
    return this.#running.entries();
  }
}
