/**
 * Entry point of the capture thread: makes one backup's payload (a full copy, or an
 * incremental's records) on a read-only connection of its own, so neither the writer thread
 * nor the main thread's readers wait for it.
 */
import { parentPort, workerData } from 'node:worker_threads';

import { toWireError } from '../storage/sqlite/sqlite-errors.js';
import { captureFull } from './capture-full.js';
import { captureIncremental } from './capture-incremental.js';
import type { CaptureJob, CaptureMessage } from './capture-job.js';

const port = parentPort!;
const job = workerData as CaptureJob;
const post = (message: CaptureMessage): void => port.postMessage(message);

try {
  const progress = (phase: string, done: number, total: number | null): void =>
    post({ type: 'progress', phase, done, total });
  const result =
    job.kind === 'full'
      ? await captureFull(job, progress)
      : await captureIncremental(job, progress);
  post({ type: 'done', result });
} catch (err) {
  post({ type: 'failed', error: toWireError(err) });
}
