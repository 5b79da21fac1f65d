import { openLineSource } from '../jsonl/read-lines.js';
import type { LineSource } from '../jsonl/read-lines.js';
import { parseRecordLine } from '../jsonl/parse-record-line.js';
import type { CollectionShape, NeedleBackend, WireRecord } from './backend.js';
import { isRecordError } from './backend.js';
import { CommandError, EXIT_CODES } from './command-error.js';
import type { ExitCode } from './command-error.js';
import { formatBytes, startProgress } from './progress.js';

/** Options of `needle import`. */
export interface ImportOptions {
  collection: string;
  /** A JSONL file, or `-` for standard input. */
  file: string;
  /** Create the collection when it does not exist. */
  create?: boolean;
  /** Dimensions of a created collection; taken from the first record when omitted. */
  dimensions?: number;
  distance: string;
  /** Replace existing ids instead of skipping them. */
  upsert?: boolean;
  /** Records per write. */
  batch: number;
  /** `skip`: report bad lines and go on; `stop`: stop at the first bad line or duplicate. */
  onError: 'skip' | 'stop';
  /** How many failures and duplicates the summary lists (all are counted). */
  maxErrors: number;
  json?: boolean;
  progress: boolean;
  /** Milliseconds between plain progress lines when standard error is not a terminal. */
  progressIntervalMs?: number;
  /** Aborting stops reading; records already written stay written. */
  signal?: AbortSignal;
}

/** A line that was not imported, and why. */
export interface LineProblem {
  line: number;
  id?: string;
  code: string;
  reason: string;
}

/** What `needle import` did. */
export interface ImportSummary {
  collection: string;
  source: string;
  /** Non-blank lines read. */
  lines: number;
  /** Records written (inserted, or upserted). */
  imported: number;
  /** Of `imported`, how many replaced an existing id (`--upsert`). */
  updated: number;
  /** Duplicates left as they were: ids already in the collection or earlier in the file. */
  skipped: number;
  /** Lines that could not be imported. */
  failed: number;
  /** The first `maxErrors` failures. */
  failures: LineProblem[];
  /** The first `maxErrors` duplicates. */
  duplicates: LineProblem[];
  /** Set when `--on-error stop` stopped the import at this line. */
  stoppedAtLine: number | null;
  /** The signal stopped the import before the end of the file. */
  interrupted: boolean;
  createdCollection: boolean;
  durationMs: number;
  vectorsPerSecond: number;
}

interface Pending {
  line: number;
  record: WireRecord;
}

/**
 * `needle import`: streams a JSONL file into a collection in batches. Bad lines are
 * reported with their line numbers and skipped (or stop the import with `--on-error stop`);
 * a batch the engine rejects for one bad record is split until that record is found, so
 * every good record still goes in.
 */
export async function runImport(
  backend: NeedleBackend,
  options: ImportOptions,
  print: (line: string) => void = console.log,
  source: LineSource = openLineSource(options.file),
): Promise<ImportSummary> {
  const started = performance.now();
  const summary: ImportSummary = {
    collection: options.collection,
    source: source.name,
    lines: 0,
    imported: 0,
    updated: 0,
    skipped: 0,
    failed: 0,
    failures: [],
    duplicates: [],
    stoppedAtLine: null,
    interrupted: false,
    createdCollection: false,
    durationMs: 0,
    vectorsPerSecond: 0,
  };
  const resolved = await resolveShape(backend, options);
  let shape: CollectionShape | null = resolved;
  summary.createdCollection = resolved?.created ?? false;

  const fail = (problem: LineProblem) => {
    summary.failed += 1;
    if (summary.failures.length < options.maxErrors) summary.failures.push(problem);
    if (options.onError === 'stop') summary.stoppedAtLine ??= problem.line;
  };
  const duplicate = (problem: LineProblem) => {
    summary.skipped += 1;
    if (summary.duplicates.length < options.maxErrors) summary.duplicates.push(problem);
    if (options.onError === 'stop') summary.stoppedAtLine ??= problem.line;
  };

  const submit = async (items: Pending[]): Promise<void> => {
    if (items.length === 0 || summary.stoppedAtLine !== null) return;
    const records = items.map((p) => p.record);
    try {
      if (options.upsert) {
        const { updated } = await backend.upsertBatch(options.collection, records);
        summary.imported += records.length;
        summary.updated += updated;
        return;
      }
      const result = await backend.insertBatch(options.collection, records);
      summary.imported += result.inserted;
      for (const e of assignLines(items, result.errors)) {
        if (e.code === 'VECTOR_EXISTS')
          duplicate({ ...e, reason: `id ${JSON.stringify(e.id)} already exists` });
        else fail(e);
      }
    } catch (err) {
      if (!isRecordError(err)) throw err;
      if (items.length === 1) {
        fail({
          line: items[0]!.line,
          id: items[0]!.record.id,
          code: err.code,
          reason: err.message,
        });
        return;
      }
      const half = Math.ceil(items.length / 2);
      await submit(items.slice(0, half));
      await submit(items.slice(half));
    }
  };

  const progress = startProgress({
    label: `import ${options.collection}`,
    total: source.size,
    unit: 'bytes',
    enabled: options.progress,
    plainIntervalMs: options.progressIntervalMs,
  });
  const detail = () => {
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? Math.round(summary.imported / seconds) : 0;
    return `${summary.imported.toLocaleString('en')} vectors, ${rate.toLocaleString('en')} vec/s, ${summary.failed} failed`;
  };

  let pending: Pending[] = [];
  let pendingBytes = 0;
  let bytesRead = 0;
  // Ends the read loop even while it waits for input on a pipe.
  const stopReading = () => source.close();
  options.signal?.addEventListener('abort', stopReading, { once: true });
  try {
    for await (const { number, text, bytesRead: read } of source.lines) {
      bytesRead = read;
      if (text.trim() === '') continue;
      summary.lines += 1;
      const parsed = parseRecordLine(text, shape?.dimensions ?? null);
      if (!parsed.ok) {
        if (options.onError === 'stop') {
          // Everything before the first bad line goes in; nothing after it.
          await submit(pending);
          pending = [];
          pendingBytes = 0;
        }
        fail({ line: number, code: 'INVALID_LINE', reason: parsed.reason });
      } else {
        if (!shape) {
          shape = await createCollection(backend, options, parsed.record.vector.length);
          summary.createdCollection = true;
        }
        pending.push({ line: number, record: parsed.record });
        pendingBytes += text.length;
        if (pending.length >= options.batch || pendingBytes >= backend.maxBatchBytes) {
          await submit(pending);
          pending = [];
          pendingBytes = 0;
          progress.update(bytesRead, detail());
        }
      }
      if (summary.stoppedAtLine !== null || options.signal?.aborted) break;
    }
    summary.interrupted = options.signal?.aborted ?? false;
    await submit(pending);
    const finished = summary.stoppedAtLine === null && !summary.interrupted;
    progress.update(finished ? (source.size ?? bytesRead) : bytesRead, detail());
  } finally {
    options.signal?.removeEventListener('abort', stopReading);
    source.close();
    progress.stop();
  }

  summary.durationMs = performance.now() - started;
  summary.vectorsPerSecond =
    summary.durationMs > 0 ? Math.round((summary.imported * 1000) / summary.durationMs) : 0;
  if (options.json) print(JSON.stringify(summary, null, 2));
  else printSummary(summary, bytesRead, print);
  return summary;
}

/**
 * The exit status of an import, and what to say on standard error when not every line went
 * in: stopped at a bad line (`--on-error stop`) is a failure; bad or duplicate lines
 * skipped make it partial.
 */
export function importOutcome(summary: ImportSummary): {
  exitCode: ExitCode;
  error: string | null;
} {
  if (summary.interrupted) {
    return {
      exitCode: EXIT_CODES.INTERRUPTED,
      error: `needle: interrupted; ${summary.imported.toLocaleString('en')} vectors were imported before\n  Run the import again with --upsert to finish it.`,
    };
  }
  if (summary.stoppedAtLine !== null) {
    const problem =
      summary.failures.find((f) => f.line === summary.stoppedAtLine) ??
      summary.duplicates.find((d) => d.line === summary.stoppedAtLine);
    return {
      exitCode: EXIT_CODES.FAILED,
      error:
        `needle: line ${summary.stoppedAtLine} of ${summary.source}: ${problem?.reason ?? 'not imported'}\n` +
        `  The import stopped there (--on-error stop); ${summary.imported.toLocaleString('en')} vectors were imported before. ` +
        'Fix the line and run the import again with --upsert, or pass --on-error skip to import the other lines.',
    };
  }
  const missed = summary.failed + summary.skipped;
  if (missed === 0) return { exitCode: EXIT_CODES.OK, error: null };
  return {
    exitCode: EXIT_CODES.PARTIAL,
    error:
      `needle: ${missed.toLocaleString('en')} of ${summary.lines.toLocaleString('en')} lines were not imported (listed above)\n` +
      '  Fix them and import those lines again; --upsert replaces ids that exist.',
  };
}

/**
 * The collection to import into: checked (or created, with `--create --dimensions`), or
 * null when `--create` makes it on the first record.
 */
async function resolveShape(
  backend: NeedleBackend,
  options: ImportOptions,
): Promise<(CollectionShape & { created: boolean }) | null> {
  const shape = await backend.describeCollection(options.collection);
  if (shape) {
    if (options.dimensions !== undefined && options.dimensions !== shape.dimensions) {
      throw new CommandError(
        'DIMENSION_MISMATCH',
        `collection "${options.collection}" has ${shape.dimensions} dimensions, --dimensions says ${options.dimensions}`,
        'Drop --dimensions to import into the existing collection, or pick another --collection.',
      );
    }
    return { ...shape, created: false };
  }
  if (!options.create) {
    throw new CommandError(
      'COLLECTION_NOT_FOUND',
      `collection "${options.collection}" does not exist in ${backend.source}`,
      'Pass --create (with --dimensions and --distance, or let the first record set the dimensions).',
    );
  }
  if (options.dimensions === undefined) return null;
  return { ...(await createCollection(backend, options, options.dimensions)), created: true };
}

async function createCollection(
  backend: NeedleBackend,
  options: ImportOptions,
  dimensions: number,
): Promise<CollectionShape> {
  await backend.createCollection(options.collection, { dimensions, distance: options.distance });
  return { name: options.collection, dimensions, distance: options.distance };
}

/**
 * Gives each per-record error of a batch its line. An id that appears m times with k
 * errors failed on its last k occurrences (the first one was written, unless the id
 * existed before).
 */
function assignLines(
  items: Pending[],
  errors: { id: string; error: string; code: string }[],
): LineProblem[] {
  const linesOf = new Map<string, number[]>();
  for (const { line, record } of items) {
    const lines = linesOf.get(record.id);
    if (lines) lines.push(line);
    else linesOf.set(record.id, [line]);
  }
  const failedOf = new Map<string, number>();
  for (const e of errors) failedOf.set(e.id, (failedOf.get(e.id) ?? 0) + 1);
  const used = new Map<string, number>();
  const problems = errors.map((e) => {
    const lines = linesOf.get(e.id) ?? [];
    const k = used.get(e.id) ?? 0;
    used.set(e.id, k + 1);
    const line = lines[lines.length - (failedOf.get(e.id) ?? 1) + k] ?? 0;
    return { line, id: e.id, code: e.code, reason: e.error };
  });
  return problems.sort((a, b) => a.line - b.line);
}

function printSummary(s: ImportSummary, bytes: number, print: (line: string) => void): void {
  const seconds = (s.durationMs / 1000).toFixed(2);
  const created = s.createdCollection ? ' (created)' : '';
  print(
    `imported ${s.imported.toLocaleString('en')} vectors into "${s.collection}"${created} from ${s.source} ` +
      `(${formatBytes(bytes)}) in ${seconds} s, ${s.vectorsPerSecond.toLocaleString('en')} vec/s`,
  );
  if (s.updated > 0) print(`  ${s.updated.toLocaleString('en')} of them replaced existing ids`);
  if (s.skipped > 0) {
    print(
      `skipped ${plural(s.skipped, 'duplicate id')} (kept as they were; --upsert replaces them):`,
    );
    for (const d of s.duplicates) print(`  line ${d.line}: ${d.reason}`);
    if (s.skipped > s.duplicates.length) print(`  ... and ${s.skipped - s.duplicates.length} more`);
  }
  if (s.failed > 0) {
    print(`${plural(s.failed, 'line')} not imported:`);
    for (const f of s.failures) print(`  line ${f.line}: ${f.reason}`);
    if (s.failed > s.failures.length) print(`  ... and ${s.failed - s.failures.length} more`);
  }
  if (s.stoppedAtLine !== null) {
    print(`stopped at line ${s.stoppedAtLine} (--on-error stop)`);
  }
  if (s.interrupted) print('interrupted before the end of the file');
}

function plural(n: number, noun: string): string {
  return `${n.toLocaleString('en')} ${noun}${n === 1 ? '' : 's'}`;
}
