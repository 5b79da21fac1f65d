import { createWriteStream, existsSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { CommandError } from '../command-error.js';
import type { AuditRecord } from './security-backend.js';

/** What `needle audit export` did. */
export interface AuditExportSummary {
  /** The file written, or `standard output`. */
  destination: string;
  exported: number;
  /** Stopped by the signal; a file being written was removed. */
  interrupted: boolean;
  /** Standard output was closed by its reader (e.g. `| head`); the export stopped there. */
  outputClosed: boolean;
}

/**
 * Writes audit entries as JSONL, one entry per line. A file is written beside its final name
 * and renamed into place when complete, so an interrupted or failed export never leaves a
 * truncated file that looks whole; an existing file is replaced only with `force`.
 */
export async function writeAuditExport(
  entries: AsyncIterable<AuditRecord>,
  options: { out: string; force: boolean; signal?: AbortSignal },
  stdout: Writable = process.stdout,
): Promise<AuditExportSummary> {
  const target = options.out === '-' ? null : resolve(options.out);
  if (target !== null && existsSync(target) && !options.force) {
    throw new CommandError(
      'FILE_EXISTS',
      `${options.out} exists already`,
      'Pass --force to replace it, or name another file with --out.',
    );
  }
  const summary: AuditExportSummary = {
    destination: target ?? 'standard output',
    exported: 0,
    interrupted: false,
    outputClosed: false,
  };
  async function* lines(): AsyncGenerator<string> {
    for await (const entry of entries) {
      if (options.signal?.aborted) {
        summary.interrupted = true;
        return;
      }
      summary.exported += 1;
      yield `${JSON.stringify(entry)}\n`;
    }
  }
  const draft =
    target === null ? null : join(dirname(target), `.${basename(target)}.${process.pid}.partial`);
  let completed = false;
  try {
    if (draft === null) {
      await pipeline(Readable.from(lines()), stdout, { end: false });
    } else {
      await pipeline(Readable.from(lines()), createWriteStream(draft, { flags: 'wx' }));
      if (!summary.interrupted) {
        renameSync(draft, target!);
        completed = true;
      }
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    // Errors of reading the entries pass as they are; only writing is reported here.
    if (typeof e.syscall !== 'string') throw err;
    if (draft === null && e.code === 'EPIPE') {
      summary.outputClosed = true;
      return summary;
    }
    throw new CommandError(
      'WRITE_FAILED',
      `cannot write ${draft === null ? 'standard output' : options.out} (${e.code ?? e.message})`,
      e.code === 'ENOSPC'
        ? 'The disk is full: free some space or write the export elsewhere with --out.'
        : 'Check the path and its permissions, or write elsewhere with --out.',
      { cause: err },
    );
  } finally {
    if (draft !== null && !completed) rmSync(draft, { force: true });
  }
  return summary;
}
