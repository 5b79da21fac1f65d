import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';

import type { BackupBackend, ProgressHandler } from './backup/backup-backend.js';
import { addBackupOptions } from './backup/backup-flags.js';
import type { BackupFlags } from './backup/backup-flags.js';
import { EmbeddedBackups } from './backup/embedded-backups.js';
import { printListing } from './backup/print-backups.js';
import { RemoteBackups } from './backup/remote-backups.js';
import { CommandError, EXIT_CODES } from './command-error.js';
import { phasedProgress } from './backup/phased-progress.js';
import { formatBytes } from './progress.js';
import { action, finish } from './register-data-commands.js';
import { exitCodesHelp } from './security/command-kit.js';
import { parseIsoTime } from './security/time-options.js';

type CreateFlags = BackupFlags & { full?: boolean; incremental?: boolean };
type RestoreFlags = BackupFlags & {
  to?: string;
  inPlace?: boolean;
  at?: { seq?: number; time?: number };
  until?: { seq?: number; time?: number };
};

/**
 * Adds `needle backup` (with `list` and `verify`) and `needle restore` to the program. Like the
 * data commands they work on a data directory in this process (`--data`, locked while the
 * database is open; with the server's backup settings) or on a running server (`--url`, over
 * `/v1/admin/backups`), and show the progress of each phase.
 *
 * @example
 * ```ts
 * const program = new Command('needle');
 * registerBackupCommands(program);
 * await program.parseAsync(process.argv);
 * ```
 */
export function registerBackupCommands(program: Command): void {
  // `backup` takes the same flags as its subcommands: with positional options, those after
  // `needle backup list` are the subcommand's, not the parent's (the program has none).
  program.enablePositionalOptions();
  const backup = finish(
    addBackupOptions(
      program
        .command('backup')
        .description(
          'Back up the database: incremental when there is a chain to build on, else full; `list` and `verify` the backups',
        )
        .option('--full', 'a full backup (a new chain)')
        .option(
          '--incremental',
          'an incremental backup (fails when there is no chain to build on)',
        ),
    ),
    [
      'needle backup --full',
      'needle backup',
      'needle backup --url http://127.0.0.1:8080 --api-key $KEY',
      'needle backup list',
      'needle backup verify',
    ],
    exitCodesHelp(),
  ).action(
    action(async (_signal, options: CreateFlags) => {
      if (options.full && options.incremental) {
        throw usage(
          '--full and --incremental are alternatives',
          'Pass one of them, or neither for an automatic choice.',
        );
      }
      const type = options.full ? 'full' : options.incremental ? 'incremental' : 'auto';
      const done = await withBackups(options, 'needle backup', 'backup', (b, progress) =>
        b.create(type, progress),
      );
      if (options.json) console.log(JSON.stringify(done, null, 2));
      else
        console.log(
          `backed up ${done.backup_id} (${done.type}${done.parent_id ? ` on ${done.parent_id}` : ''}, ${formatBytes(done.bytes)}, up to seq ${done.seq_to}, ${seconds(done.duration_ms)})`,
        );
      return EXIT_CODES.OK;
    }),
  );

  finish(
    addBackupOptions(
      backup
        .command('list')
        .description(
          'List the backups: chains, sizes, age and last verification (from the target alone when the data directory holds no database)',
        ),
    ),
    [
      'needle backup list',
      'needle backup list --json',
      'needle backup list --url http://127.0.0.1:8080',
    ],
    exitCodesHelp(),
  ).action(
    action(async (_signal, options: BackupFlags) => {
      const listing = await withBackups(options, 'needle backup list', 'list', (b) => b.list());
      if (options.json) console.log(JSON.stringify(listing, null, 2));
      else for (const line of printListing(listing)) console.log(line);
      return EXIT_CODES.OK;
    }),
  );

  finish(
    addBackupOptions(
      backup
        .command('verify')
        .description(
          'Restore a backup (default the newest) with its chain into scratch space, check every checksum, the counts and sample searches, and time it',
        )
        .argument('[id]', 'the backup, as `needle backup list` shows it'),
    ),
    ['needle backup verify', 'needle backup verify 20250101T120000000Z-i-3a9c51d2 --json'],
    exitCodesHelp({ check: 'the backup is not restorable (the reason is printed)' }),
  ).action(
    action(async (_signal, id: string | undefined, options: BackupFlags) => {
      const done = await withBackups(options, 'needle backup verify', 'verify', (b, progress) =>
        b.verify(id, progress),
      );
      if (options.json) console.log(JSON.stringify(done, null, 2));
      if (!done.ok) {
        process.stderr.write(
          `needle: backup ${done.backup_id} is not restorable: ${done.code ?? 'FAILED'}: ${done.message ?? ''}\n  Restore an older chain or from another copy of the backups, and take a new full backup; see docs/runbooks/backup-and-restore.md.\n`,
        );
        return EXIT_CODES.CHECK_FAILED;
      }
      if (!options.json) {
        const searches = done.searches
          ? `, ${done.searches.passed}/${done.searches.run} sample searches passed`
          : '';
        console.log(
          `backup ${done.backup_id} is restorable: chain of ${done.chain?.length ?? 1} restored and checked in ${seconds(done.restore_ms)}${searches}`,
        );
      }
      return EXIT_CODES.OK;
    }),
  );

  finish(
    addBackupOptions(
      program
        .command('restore')
        .description(
          'Restore a backup (by id, at or before --at, or the newest), or the exact state at a seq or time inside a chain (--until), into a new file or data directory, or in place',
        )
        .argument('[id]', 'the backup, as `needle backup list` shows it')
        .option(
          '--to <path>',
          "restore into this new file (.needle) or data directory; with --url, a name under the server's restore directory",
        )
        .option(
          '--in-place',
          'replace the database (the server is not ready until it is back); writes after the backup are lost',
        )
        .option(
          '--at <seq|time>',
          'the newest backup at or before this change-log seq or ISO time',
          parsePoint,
        )
        .option(
          '--until <seq|time>',
          'point-in-time recovery: the exact state after this change-log seq, or after the last change at or before this ISO time, anywhere inside a chain (with an id: inside its chain)',
          parsePoint,
        ),
    ),
    [
      'needle restore 20250101T120000000Z-i-3a9c51d2 --to /srv/needle-restored',
      'needle restore --at 2025-01-01T12:00:00Z --to restored.needle',
      'needle restore --until 2025-01-01T12:34:56.789Z --to before-the-mistake.needle',
      'needle restore --until 48210 --in-place',
      'needle restore --in-place --url http://127.0.0.1:8080 --api-key $KEY',
    ],
    exitCodesHelp(),
  ).action(
    action(async (_signal, id: string | undefined, options: RestoreFlags) => {
      if ((options.to === undefined) === (options.inPlace !== true)) {
        throw usage(
          'give either --to <path> or --in-place',
          'Restore into a new file or data directory with --to, or replace the database with --in-place.',
        );
      }
      if (id !== undefined && options.at !== undefined) {
        throw usage(
          'a backup id and --at are alternatives',
          'Name the backup, or the point in time to restore.',
        );
      }
      if (options.at !== undefined && options.until !== undefined) {
        throw usage(
          '--at and --until are alternatives',
          '--at restores the newest backup at or before a point; --until restores that exact point.',
        );
      }
      const done = await withBackups(options, 'needle restore', 'restore', (b, progress) =>
        b.restore(
          {
            ...(id === undefined ? {} : { backupId: id }),
            ...(options.at === undefined ? {} : { at: options.at }),
            ...(options.until === undefined ? {} : { until: options.until }),
            ...(options.to === undefined ? {} : { to: options.to }),
            inPlace: options.inPlace === true,
          },
          progress,
        ),
      );
      if (options.json) {
        console.log(JSON.stringify(done, null, 2));
        return EXIT_CODES.OK;
      }
      const vectors = done.collections.reduce((sum, c) => sum + c.vectors, 0);
      const what = done.point_in_time
        ? `seq ${done.seq} (${done.created_at}) from backup ${done.backup_id} (`
        : `backup ${done.backup_id} (seq ${done.seq}, `;
      console.log(
        `restored ${what}chain of ${done.chain.length}, ${done.collections.length} collections, ${vectors.toLocaleString('en')} vectors) into ${done.path} in ${seconds(done.restore_ms)}`,
      );
      if (done.previous) console.log(`the replaced database is kept in ${done.previous}`);
      return EXIT_CODES.OK;
    }),
  );
}

/** Opens the backups the flags name, shows the progress of `work` and closes them after it. */
async function withBackups<T>(
  options: BackupFlags,
  owner: string,
  verb: string,
  work: (backend: BackupBackend, progress: ProgressHandler) => Promise<T>,
): Promise<T> {
  let backend: BackupBackend;
  if (options.url !== undefined) {
    const local = (['data', 'config', 'keyEnv', 'keyFile', 'backupDir'] as const).filter(
      (k) => options[k] !== undefined,
    );
    if (local.length > 0) {
      throw usage(
        `${local.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')} ${local.length === 1 ? 'applies' : 'apply'} to a data directory, not to --url`,
        'With --url the server uses its own data, keys and backup settings; drop the other flags.',
      );
    }
    backend = new RemoteBackups({ url: options.url, apiKey: options.apiKey });
  } else {
    backend = new EmbeddedBackups(options, owner);
  }
  const progress = phasedProgress(options, verb);
  try {
    return await work(backend, progress.update);
  } finally {
    progress.stop();
    await backend.close();
  }
}

function usage(message: string, help: string): CommandError {
  return new CommandError('INVALID_INPUT', message, help, { exitCode: EXIT_CODES.USAGE });
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** `--at`: a change-log seq (digits) or an ISO time. */
function parsePoint(value: string): { seq?: number; time?: number } {
  if (/^\d+$/.test(value.trim())) return { seq: Number(value.trim()) };
  try {
    return { time: parseIsoTime(value) };
  } catch {
    throw new InvalidArgumentError(
      'expected a change-log seq (e.g. 1200) or an ISO time (e.g. 2025-06-01T12:00:00Z)',
    );
  }
}
