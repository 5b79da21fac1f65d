import { Option } from 'commander';
import type { Command } from 'commander';

import { positiveInt } from '../parse-options.js';
import { openLineSource } from '../jsonl/read-lines.js';
import { runCheckpoint } from './checkpoint.js';
import { CommandError, describeFailure, EXIT_CODES, EXIT_CODES_HELP } from './command-error.js';
import type { ExitCode } from './command-error.js';
import { runCompact } from './compact.js';
import { runExport } from './export.js';
import { importOutcome, runImport } from './import.js';
import { runInfo } from './info.js';
import { addTargetOptions, withBackend } from './open-backend.js';
import type { TargetOptions } from './open-backend.js';

/**
 * Adds the data commands to the `needle` program: `import`, `export`, `compact`,
 * `checkpoint` and `info`. Each works on a data directory opened in this process (`--data`,
 * locked while it runs) or on a running server (`--url`). Failures print
 * `needle: <message>` and what to do, and set the exit status listed in `--help`.
 *
 * @example
 * ```ts
 * const program = new Command('needle');
 * registerDataCommands(program);
 * await program.parseAsync(process.argv);
 * ```
 */
export function registerDataCommands(program: Command): void {
  const importCommand = addTargetOptions(
    program
      .command('import')
      .description('Import vectors from a JSONL file: one {"id","vector","metadata"?} per line')
      .argument('<collection>', 'collection to import into')
      .argument('[file]', 'JSONL file, or - for standard input', '-')
      .option('--create', 'create the collection when it does not exist')
      .option(
        '--dimensions <n>',
        "dimensions of a created collection (default: the first record's)",
        positiveInt,
      )
      .addOption(
        new Option('--distance <metric>', 'distance of a created collection')
          .choices(['cosine', 'euclidean', 'l2', 'dot', 'dot_product', 'inner_product'])
          .default('cosine'),
      )
      .option('--upsert', 'replace vectors whose id exists instead of skipping them')
      .option('--batch <n>', 'records per write', positiveInt, 1000)
      .addOption(
        new Option('--on-error <mode>', 'skip: report bad lines and go on; stop: stop at the first')
          .choices(['skip', 'stop'])
          .default('skip'),
      )
      .option(
        '--max-errors <n>',
        'how many bad lines the summary lists (all are counted)',
        positiveInt,
        20,
      )
      .option('--json', 'print the summary as JSON'),
  );
  finish(importCommand, [
    'needle import docs vectors.jsonl --create --dimensions 384 --distance cosine',
    'zcat vectors.jsonl.gz | needle import docs - --upsert',
    'needle import docs vectors.jsonl --url http://127.0.0.1:8080 --api-key $KEY',
  ]).action(
    action(async (signal, collection: string, file: string, options: ImportFlags) => {
      if (file === '-' && process.stdin.isTTY) {
        throw new CommandError(
          'INVALID_INPUT',
          'no file named and standard input is a terminal',
          'Name a JSONL file, or pipe one in: `needle import docs - < vectors.jsonl`.',
          { exitCode: EXIT_CODES.USAGE },
        );
      }
      if (options.batch > 10_000) {
        throw new CommandError(
          'INVALID_INPUT',
          `--batch ${options.batch} is above the batch limit of 10,000`,
          'Pass a --batch of at most 10000.',
          { exitCode: EXIT_CODES.USAGE },
        );
      }
      // Opened first: a missing file is reported before the database is touched.
      const source = openLineSource(file);
      const summary = await withBackend(
        options,
        { owner: 'needle import', create: options.create === true },
        (backend) =>
          runImport(
            backend,
            { ...options, collection, file, signal, progressIntervalMs: options.progressInterval },
            console.log,
            source,
          ),
      );
      const { exitCode, error } = importOutcome(summary);
      if (error !== null) process.stderr.write(`${error}\n`);
      return exitCode;
    }),
  );

  finish(
    addTargetOptions(
      program
        .command('export')
        .description(
          'Export a collection as JSONL, in insertion order, to a file or standard output',
        )
        .argument('<collection>', 'collection to export')
        .option('--out <file>', 'file to write, or - for standard output', '-')
        .option('--force', 'replace --out if it exists')
        .option('--page-size <n>', 'records read per page', positiveInt, 1000)
        .option('--json', 'print the summary as JSON'),
    ),
    [
      'needle export docs --out docs.jsonl',
      'needle export docs | gzip > docs.jsonl.gz',
      'needle export docs --url http://127.0.0.1:8080 --out docs.jsonl',
    ],
  ).action(
    action(async (signal, collection: string, options: ExportFlags) => {
      const summary = await withBackend(options, { owner: 'needle export' }, (backend) =>
        runExport(backend, {
          ...options,
          collection,
          signal,
          progressIntervalMs: options.progressInterval,
        }),
      );
      return summary.interrupted ? EXIT_CODES.INTERRUPTED : EXIT_CODES.OK;
    }),
  );

  finish(
    addTargetOptions(
      program
        .command('compact')
        .description(
          'Rebuild indexes without the slots of deleted vectors and give their file space back',
        )
        .argument('[collections...]', 'collections to compact')
        .option('--all', 'every collection that has deleted vectors')
        .option('--dry-run', 'report what would be reclaimed, change nothing')
        .option('--json', 'print the result as JSON'),
    ),
    [
      'needle compact docs',
      'needle compact --all --dry-run',
      'needle compact docs --url http://127.0.0.1:8080',
    ],
  ).action(
    action(async (_signal, collections: string[], options: CompactFlags) => {
      await withBackend(options, { owner: 'needle compact' }, (backend) =>
        runCompact(backend, {
          ...options,
          collections,
          progressIntervalMs: options.progressInterval,
        }),
      );
      return EXIT_CODES.OK;
    }),
  );

  finish(
    addTargetOptions(
      program
        .command('checkpoint')
        .description(
          'Move the WAL into the database file and save the indexes, so the next open loads them',
        )
        .option('--json', 'print the result as JSON'),
    ),
    ['needle checkpoint --data /var/lib/needle', 'needle checkpoint --url http://127.0.0.1:8080'],
  ).action(
    action(async (_signal, options: TargetOptions & { json?: boolean }) => {
      await withBackend(options, { owner: 'needle checkpoint' }, (backend) =>
        runCheckpoint(backend, options),
      );
      return EXIT_CODES.OK;
    }),
  );

  finish(
    addTargetOptions(
      program
        .command('info')
        .description(
          'Show the collections, their vectors, fragmentation and memory, and the storage',
        )
        .option('--json', 'print JSON'),
    ),
    [
      'needle info',
      'needle info --data /var/lib/needle --json',
      'needle info --url http://127.0.0.1:8080',
    ],
  ).action(
    action(async (_signal, options: TargetOptions & { json?: boolean }) => {
      await withBackend(options, { owner: 'needle info' }, (backend) => runInfo(backend, options));
      return EXIT_CODES.OK;
    }),
  );
}

type ImportFlags = TargetOptions & {
  create?: boolean;
  dimensions?: number;
  distance: string;
  upsert?: boolean;
  batch: number;
  onError: 'skip' | 'stop';
  maxErrors: number;
  json?: boolean;
};

type ExportFlags = TargetOptions & {
  out: string;
  force?: boolean;
  pageSize: number;
  json?: boolean;
};

type CompactFlags = TargetOptions & { all?: boolean; dryRun?: boolean; json?: boolean };

/**
 * Gives a command its help epilogue (examples, exit statuses) and its error handling:
 * a usage error prints `needle: <message>` and the help, and exits with status 2.
 */
export function finish(
  command: Command,
  examples: string[],
  exitCodesHelp = EXIT_CODES_HELP,
): Command {
  return command
    .addHelpText(
      'after',
      `\nExamples:\n${examples.map((e) => `  $ ${e}`).join('\n')}\n${exitCodesHelp}\n`,
    )
    .showHelpAfterError()
    .configureOutput({
      outputError: (text, write) => write(text.replace(/^error: /, 'needle: ')),
    })
    .exitOverride((err) => {
      process.exit(err.exitCode === 0 ? 0 : EXIT_CODES.USAGE);
    });
}

/**
 * Wraps a command's work: its result is the exit status; a failure prints
 * `needle: <message>` and its help, never a stack trace. The first Ctrl-C asks the work
 * to stop at the next safe point (the signal); a second one exits at once.
 */
export function action<A extends unknown[]>(
  work: (signal: AbortSignal, ...args: A) => Promise<ExitCode>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    // Kept after the work: the error of a last write can arrive after it.
    if (!process.stdout.listeners('error').includes(onStdoutError)) {
      process.stdout.on('error', onStdoutError);
    }
    const interrupt = new AbortController();
    const onSigint = () => {
      if (interrupt.signal.aborted) process.exit(EXIT_CODES.INTERRUPTED);
      interrupt.abort();
      process.stderr.write(
        '\nneedle: stopping after the current batch (Ctrl-C again to stop at once)\n',
      );
    };
    process.on('SIGINT', onSigint);
    try {
      process.exitCode = await work(interrupt.signal, ...args);
    } catch (err) {
      const { text, exitCode } = describeFailure(err);
      process.stderr.write(`${text}\n`);
      process.exitCode = exitCode;
    } finally {
      process.off('SIGINT', onSigint);
    }
  };
}

let stdoutFailed = false;

/**
 * A reader that stops reading standard output (`needle info | head`) is not a failure of
 * the command: the rest of its output is dropped and the command finishes (closing the
 * database cleanly). Other write errors are reported once.
 */
function onStdoutError(err: NodeJS.ErrnoException): void {
  if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') return;
  if (stdoutFailed) return;
  stdoutFailed = true;
  process.stderr.write(`needle: cannot write standard output (${err.code ?? err.message})\n`);
  process.exitCode = EXIT_CODES.FAILED;
}
