import { statSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

import { mapStorageError } from '../storage/sqlite/sqlite-errors.js';
import { fromWireError } from '../storage/sqlite/sqlite-errors.js';
import { spawnModuleWorker } from '../storage/sqlite/spawn-module-worker.js';
import type { CaptureJob, CaptureMessage, CaptureResult } from './capture-job.js';

// `.ts` when running from source, `.js` when built: the worker is this module's sibling.
const WORKER_URL = new URL(
  `./capture-worker${extname(fileURLToPath(import.meta.url))}`,
  import.meta.url,
);

/** How often the growth of a full backup's copy is reported. */
const COPY_POLL_MS = 250;

/**
 * Runs a capture on its own thread and resolves with what it made. `onProgress` hears the
 * thread's reports, and, while `VACUUM INTO` runs (one long call that reports nothing), the
 * size of the copy so far.
 */
export function runCapture(
  job: CaptureJob,
  onProgress: (phase: string, done: number, total: number | null) => void,
): Promise<CaptureResult> {
  const worker = spawnModuleWorker(WORKER_URL, job);
  let copyTotal: number | null = null;
  const poll = setInterval(() => {
    if (copyTotal === null) return;
    try {
      onProgress('copy', statSync(job.copyPath).size, copyTotal);
    } catch {
      // Not created yet, or already removed.
    }
  }, COPY_POLL_MS);
  return new Promise<CaptureResult>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearInterval(poll);
      fn();
    };
    worker.on('message', (message: CaptureMessage) => {
      switch (message.type) {
        case 'progress':
          copyTotal = message.phase === 'copy' ? message.total : null;
          onProgress(message.phase, message.done, message.total);
          return;
        case 'done':
          settle(() => resolve(message.result));
          return;
        case 'failed':
          settle(() =>
            reject(mapStorageError(fromWireError(message.error), `backup ${job.backupId}`)),
          );
          return;
      }
    });
    worker.on('error', (err) =>
      settle(() => reject(mapStorageError(err, `backup ${job.backupId}`))),
    );
    worker.on('exit', (code) =>
      settle(() =>
        reject(
          mapStorageError(
            new Error(`the capture thread exited (code ${code})`),
            `backup ${job.backupId}`,
          ),
        ),
      ),
    );
  });
}
