import type { CheckpointOutcome, NeedleBackend } from './backend.js';
import { formatBytes } from './progress.js';

/** Options of `needle checkpoint`. */
export interface CheckpointOptions {
  json?: boolean;
}

/** What `needle checkpoint` did. */
export interface CheckpointSummary extends CheckpointOutcome {
  source: string;
}

/**
 * `needle checkpoint`: moves the WAL into the database file and saves every changed
 * collection's index with the change-log position it covers, so the next open loads the
 * indexes instead of rebuilding them. Against a server it is `POST /v1/save`.
 */
export async function runCheckpoint(
  backend: NeedleBackend,
  options: CheckpointOptions,
  print: (line: string) => void = console.log,
): Promise<CheckpointSummary> {
  const summary: CheckpointSummary = { source: backend.source, ...(await backend.checkpoint()) };
  if (options.json) {
    print(JSON.stringify(summary, null, 2));
    return summary;
  }
  const pages =
    summary.pagesCheckpointed === null
      ? ''
      : `: ${summary.pagesCheckpointed.toLocaleString('en')} pages moved from the WAL into the file`;
  print(`checkpoint of ${summary.source} done in ${summary.durationMs.toFixed(1)} ms${pages}`);
  if (summary.storage) {
    const wal =
      summary.walBytesBefore === null
        ? formatBytes(summary.storage.walBytes)
        : `${formatBytes(summary.walBytesBefore)} → ${formatBytes(summary.storage.walBytes)}`;
    print(
      `  WAL ${wal}, file ${formatBytes(summary.storage.fileBytes)}; saved indexes are current`,
    );
  } else {
    print('  the server saved its indexes; run `needle info` for its figures');
  }
  return summary;
}
