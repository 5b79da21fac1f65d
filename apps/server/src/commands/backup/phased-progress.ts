import { startProgress } from '../progress.js';
import type { Progress } from '../progress.js';
import type { ProgressHandler } from './backup-backend.js';

/** Phases whose amounts are bytes; the others count items (collections, records, searches). */
const BYTE_PHASES = new Set(['copy', 'seal', 'upload', 'download', 'decrypt']);

/**
 * Shows a backup job phase by phase: a bar per phase on a terminal, plain lines otherwise
 * (see `startProgress`), on standard error.
 */
export function phasedProgress(
  options: { progress: boolean; progressInterval: number },
  verb: string,
): { update: ProgressHandler; stop(): void } {
  let phase = '';
  let phaseTotal: number | null = null;
  let display: Progress | undefined;
  return {
    update(next, done, total) {
      if (next === 'done') return;
      if (next !== phase || total !== phaseTotal) {
        phase = next;
        phaseTotal = total;
        display?.stop();
        display = startProgress({
          label: `${verb}: ${next}`,
          total,
          unit: BYTE_PHASES.has(next) ? 'bytes' : 'items',
          enabled: options.progress,
          plainIntervalMs: options.progressInterval,
        });
      }
      display?.update(done);
    },
    stop() {
      display?.stop();
      display = undefined;
    },
  };
}
