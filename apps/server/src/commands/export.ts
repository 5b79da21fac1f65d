import { once } from 'node:events';
import { createWriteStream, existsSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

import { formatRecordLine } from '../jsonl/format-record-line.js';
import type { NeedleBackend } from './backend.js';
import { CommandError, EXIT_CODES } from './command-error.js';
import { formatBytes, startProgress } from './progress.js';
import type { Progress } from './progress.js';

/** Options of `needle export`. */
export interface ExportOptions {
  collection: string;
  /** A file, or `-` for standard output. */
  out: string;
  /** Replace an existing file. */
  force?: boolean;
  /** Records per page read. */
  pageSize: number;
  json?: boolean;
  progress: boolean;
  /** Milliseconds between plain progress lines when standard error is not a terminal. */
  progressIntervalMs?: number;
  /** Aborting stops after the current page; a file being written is removed. */
  signal?: AbortSignal;
}

/** What `needle export` did. */
export interface ExportSummary {
  collection: string;
  /** The file written, or `standard output`. */
  destination: string;
  exported: number;
  bytes: number;
  durationMs: number;
  vectorsPerSecond: number;
  /** Stopped by the signal; no file was left behind. */
  interrupted: boolean;
  /** Standard output was closed by its reader (e.g. `| head`); the export stopped there. */
  outputClosed: boolean;
}

/**
 * `needle export`: writes a collection as JSONL, one `{"id","vector","metadata"}` line per
 * vector in insertion order, reading it a page at a time. A file is written beside its
 * final name and renamed into place when complete, so an interrupted export never leaves
 * a truncated file that looks whole. The summary goes to standard output, or to standard
 * error when the records do.
 */
export async function runExport(
  backend: NeedleBackend,
  options: ExportOptions,
  print: (line: string) => void = console.log,
  stdout: Writable = process.stdout,
): Promise<ExportSummary> {
  const started = performance.now();
  const toStdout = options.out === '-';
  const target = toStdout ? null : resolve(options.out);
  if (target !== null && existsSync(target) && !options.force) {
    throw new CommandError(
      'FILE_EXISTS',
      `${options.out} exists already`,
      'Pass --force to replace it, or name another file with --out.',
    );
  }
  if (!(await backend.describeCollection(options.collection))) {
    throw new CommandError(
      'COLLECTION_NOT_FOUND',
      `collection "${options.collection}" does not exist in ${backend.source}`,
      'Run `needle info` to list the collections.',
    );
  }
  const summary: ExportSummary = {
    collection: options.collection,
    destination: target ?? 'standard output',
    exported: 0,
    bytes: 0,
    durationMs: 0,
    vectorsPerSecond: 0,
    interrupted: false,
    outputClosed: false,
  };
  const draft =
    target === null ? null : join(dirname(target), `.${basename(target)}.${process.pid}.partial`);
  const out = draft === null ? stdout : createWriteStream(draft, { flags: 'wx' });
  let failure: NodeJS.ErrnoException | null = null;
  const onError = (err: NodeJS.ErrnoException) => {
    failure ??= err;
  };
  out.on('error', onError);
  if (draft !== null) {
    await once(out, 'open').catch(onError);
    if (failure !== null) {
      out.off('error', onError);
      throwIfFailed(failure, false, summary, options.out);
    }
  }

  let progress: Progress | null = null;
  let completed = false;
  try {
    for await (const page of backend.exportPages(options.collection, options.pageSize)) {
      // Started on the first page, which knows the total.
      progress ??= startProgress({
        label: `export ${options.collection}`,
        total: page.total,
        unit: 'items',
        enabled: options.progress,
        plainIntervalMs: options.progressIntervalMs,
      });
      let chunk = '';
      for (const record of page.records) chunk += formatRecordLine(record);
      if (failure === null && chunk !== '' && !out.write(chunk)) {
        // `once` rejects when the stream fails instead.
        await once(out, 'drain').catch(onError);
      }
      if (failure !== null) break;
      summary.exported += page.records.length;
      summary.bytes += Buffer.byteLength(chunk, 'utf8');
      progress.update(summary.exported, formatBytes(summary.bytes));
      if (options.signal?.aborted) {
        summary.interrupted = true;
        break;
      }
    }
    if (draft !== null && failure === null) {
      out.end();
      await finished(out).catch(onError);
    }
    throwIfFailed(failure, toStdout, summary, options.out);
    if (draft !== null && target !== null && !summary.interrupted) {
      renameSync(draft, target);
      completed = true;
    }
  } finally {
    progress?.stop();
    out.off('error', onError);
    if (draft !== null && !completed) {
      out.destroy();
      rmSync(draft, { force: true });
    }
  }

  summary.durationMs = performance.now() - started;
  summary.vectorsPerSecond =
    summary.durationMs > 0 ? Math.round((summary.exported * 1000) / summary.durationMs) : 0;
  // With the records on standard output, the summary must not mix into them.
  const report = toStdout ? (line: string) => process.stderr.write(`${line}\n`) : print;
  if (options.json) report(JSON.stringify(summary, null, 2));
  else if (!summary.outputClosed) printSummary(summary, report);
  return summary;
}

/** The exit status of an export. */
export function exportExitCode(summary: ExportSummary): number {
  return summary.interrupted ? EXIT_CODES.INTERRUPTED : EXIT_CODES.OK;
}

function throwIfFailed(
  failure: NodeJS.ErrnoException | null,
  toStdout: boolean,
  summary: ExportSummary,
  out: string,
): void {
  if (failure === null) return;
  if (toStdout && failure.code === 'EPIPE') {
    summary.outputClosed = true;
    return;
  }
  throw new CommandError(
    'WRITE_FAILED',
    `cannot write ${toStdout ? 'standard output' : out} (${failure.code ?? failure.message})`,
    failure.code === 'ENOSPC'
      ? 'The disk is full: free some space or write the export elsewhere with --out.'
      : 'Check the path and its permissions, or write elsewhere with --out.',
  );
}

function printSummary(s: ExportSummary, print: (line: string) => void): void {
  const seconds = (s.durationMs / 1000).toFixed(2);
  const verb = s.interrupted ? 'interrupted after exporting' : 'exported';
  print(
    `${verb} ${s.exported.toLocaleString('en')} vectors from "${s.collection}" to ${s.destination} ` +
      `(${formatBytes(s.bytes)}) in ${seconds} s, ${s.vectorsPerSecond.toLocaleString('en')} vec/s`,
  );
  if (s.interrupted && s.destination !== 'standard output') {
    print('  the partial file was removed; nothing was written to the destination');
  }
}
