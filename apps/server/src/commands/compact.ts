import type { CompactOutcome, NeedleBackend } from './backend.js';
import { CommandError, EXIT_CODES } from './command-error.js';
import { formatBytes, startProgress } from './progress.js';
import type { Progress } from './progress.js';

/** Options of `needle compact`. */
export interface CompactOptions {
  /** Collections to compact; empty with `all`. */
  collections: string[];
  /** Every collection that has deleted vectors. */
  all?: boolean;
  /** Report what would be reclaimed, change nothing. */
  dryRun?: boolean;
  json?: boolean;
  progress: boolean;
  /** Milliseconds between plain progress lines when standard error is not a terminal. */
  progressIntervalMs?: number;
}

/** What `needle compact` did, per collection. */
export interface CompactSummary {
  dryRun: boolean;
  compacted: CompactOutcome[];
  /** With `--all`: collections left alone because they have no deleted vectors. */
  unchanged: string[];
}

/**
 * `needle compact`: rebuilds each collection's index without the slots of deleted vectors
 * and gives the file space of deleted rows back (the collection keeps serving meanwhile
 * when a server runs it). Embedded, the engine's progress is shown phase by phase.
 */
export async function runCompact(
  backend: NeedleBackend,
  options: CompactOptions,
  print: (line: string) => void = console.log,
): Promise<CompactSummary> {
  const summary: CompactSummary = { dryRun: options.dryRun ?? false, compacted: [], unchanged: [] };
  const names = await chooseCollections(backend, options, summary);
  for (const name of names) {
    let progress: Progress | null = null;
    let phase = '';
    let phaseTotal = 0;
    if (!summary.dryRun && backend.kind === 'remote') {
      // A server answers when the compaction is done and sends no progress on the way.
      progress = startProgress({
        label: `compact ${name} (on ${backend.source})`,
        total: null,
        unit: 'items',
        enabled: options.progress,
        plainIntervalMs: options.progressIntervalMs,
      });
    }
    try {
      const outcome = await backend.compact(name, {
        dryRun: summary.dryRun,
        onProgress: (p) => {
          if (p.phase === 'done') {
            // The last phase is over too.
            progress?.update(phaseTotal);
            return;
          }
          if (p.phase !== phase) {
            phaseTotal = p.total;
            phase = p.phase;
            const label = `compact ${name}: ${p.phase}`;
            if (progress) progress.restart(label, p.total);
            else {
              progress = startProgress({
                label,
                total: p.total,
                unit: 'items',
                enabled: options.progress,
                plainIntervalMs: options.progressIntervalMs,
              });
            }
          }
          progress?.update(p.done);
        },
      });
      summary.compacted.push(outcome);
    } finally {
      progress?.stop();
    }
  }
  if (options.json) print(JSON.stringify(summary, null, 2));
  else printSummary(summary, print);
  return summary;
}

async function chooseCollections(
  backend: NeedleBackend,
  options: CompactOptions,
  summary: CompactSummary,
): Promise<string[]> {
  if (options.all && options.collections.length > 0) {
    throw new CommandError(
      'INVALID_INPUT',
      'name collections or pass --all, not both',
      'Run `needle compact --all`, or `needle compact <collection>...`.',
      { exitCode: EXIT_CODES.USAGE },
    );
  }
  if (!options.all) {
    if (options.collections.length === 0) {
      throw new CommandError(
        'INVALID_INPUT',
        'no collection named',
        'Name the collections to compact, or pass --all for every collection with deleted vectors.',
        { exitCode: EXIT_CODES.USAGE },
      );
    }
    for (const name of options.collections) {
      if (!(await backend.describeCollection(name))) {
        throw new CommandError(
          'COLLECTION_NOT_FOUND',
          `collection "${name}" does not exist in ${backend.source}`,
          'Run `needle info` to list the collections.',
        );
      }
    }
    return [...new Set(options.collections)];
  }
  const { collections } = await backend.info();
  const names: string[] = [];
  for (const c of collections) {
    if (c.deletedCount > 0) names.push(c.name);
    else summary.unchanged.push(c.name);
  }
  return names;
}

function printSummary(s: CompactSummary, print: (line: string) => void): void {
  for (const c of s.compacted) {
    const memory =
      c.reclaimedBytes === null ? null : `${formatBytes(c.reclaimedBytes)} of index memory`;
    if (s.dryRun) {
      print(
        `"${c.collection}": compaction would remove ${c.removed.toLocaleString('en')} deleted vectors` +
          (memory === null ? '' : ` and free about ${memory}`) +
          (c.vectors === null ? '' : `; ${c.vectors.toLocaleString('en')} live vectors stay`),
      );
      continue;
    }
    const freed = memory === null ? '' : `, freed ${memory}`;
    const file =
      c.fileBytesBefore === null || c.fileBytesAfter === null
        ? ''
        : `; file ${formatBytes(c.fileBytesBefore)} → ${formatBytes(c.fileBytesAfter)}`;
    const live = c.vectors === null ? '' : `; ${c.vectors.toLocaleString('en')} live vectors`;
    print(
      `compacted "${c.collection}" in ${(c.durationMs / 1000).toFixed(2)} s: removed ${c.removed.toLocaleString('en')} deleted vectors${freed}${file}${live}`,
    );
  }
  if (s.unchanged.length > 0) {
    print(
      `nothing to compact in ${s.unchanged.map((n) => `"${n}"`).join(', ')} (no deleted vectors)`,
    );
  }
  if (s.compacted.length === 0 && s.unchanged.length === 0) print('no collections');
}
