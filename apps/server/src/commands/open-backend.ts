import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { Option } from 'commander';
import type { Command } from 'commander';
import type { DatabaseConfig } from '@needle/engine';

import { loadServerConfig } from '../config.js';
import { DATA_FILE_NAME } from '../data-dir.js';
import { positiveInt } from '../parse-options.js';
import type { NeedleBackend } from './backend.js';
import { CommandError, EXIT_CODES } from './command-error.js';
import { EmbeddedBackend } from './embedded-backend.js';
import { startProgress } from './progress.js';
import type { Progress } from './progress.js';
import { RemoteBackend } from './remote-backend.js';

/** Where a command finds its data: a data directory opened here, or a running server. */
export interface TargetOptions {
  /** Data directory; else `NEEDLE_DATA_DIR`, else the config file's, else `./data`. */
  data?: string;
  /** A server config file whose data directory and database settings are used. */
  config?: string;
  url?: string;
  apiKey?: string;
  keyEnv?: string;
  keyFile?: string;
  kdf: 'none' | 'scrypt' | 'argon2id';
  /** False with `--no-progress`. */
  progress: boolean;
  /** Milliseconds between progress lines when standard error is not a terminal. */
  progressInterval: number;
}

/** Adds the flags of {@link TargetOptions} to a command. */
export function addTargetOptions(command: Command): Command {
  return command
    .option(
      '--data <dir>',
      "data directory of the embedded database (default: NEEDLE_DATA_DIR, the config file's, or ./data)",
    )
    .option(
      '--config <file>',
      'server config file (JSON): its data directory and database settings, encryption included',
    )
    .option('--url <url>', 'talk to a running server instead, e.g. http://127.0.0.1:8080')
    .addOption(
      new Option('--api-key <key>', 'API key for --url, sent as X-API-Key').env('NEEDLE_API_KEY'),
    )
    .option('--key-env <name>', 'environment variable holding the encryption key of the data')
    .option('--key-file <path>', 'file holding the encryption key of the data')
    .addOption(
      new Option('--kdf <kdf>', 'the key is a passphrase stretched with this KDF')
        .choices(['none', 'scrypt', 'argon2id'])
        .default('none'),
    )
    .option('--no-progress', 'print no progress')
    .option(
      '--progress-interval <ms>',
      'milliseconds between progress lines when standard error is not a terminal',
      positiveInt,
      5000,
    );
}

/**
 * Opens the backend the flags name. Remote with `--url`; else embedded: the data directory
 * is locked (a running server holding it is refused with a hint to use `--url`) and its
 * database opened, index rebuilds shown as they go. Only `create` may start a database
 * in a directory that has none.
 */
export async function openBackend(
  options: TargetOptions,
  purpose: { owner: string; create?: boolean },
): Promise<NeedleBackend> {
  if (options.url !== undefined) {
    const local = (['data', 'config', 'keyEnv', 'keyFile'] as const).filter(
      (k) => options[k] !== undefined,
    );
    if (local.length > 0) {
      throw new CommandError(
        'INVALID_INPUT',
        `${local.map(flagOf).join(', ')} ${local.length === 1 ? 'applies' : 'apply'} to a data directory, not to --url`,
        'With --url the server uses its own data and key; drop the other flags.',
        { exitCode: EXIT_CODES.USAGE },
      );
    }
    return new RemoteBackend({ url: options.url, apiKey: options.apiKey });
  }
  const server = loadServerConfig({ flags: { config: options.config, data: options.data } });
  const dataDir = server.dataDir;
  const config: DatabaseConfig = { ...(server.database as DatabaseConfig), ...encryption(options) };
  if (!purpose.create && !existsSync(join(resolve(dataDir), DATA_FILE_NAME))) {
    throw new CommandError(
      'DATA_NOT_FOUND',
      `no Needle database in ${dataDir} (no ${DATA_FILE_NAME} there)`,
      'Name the data directory with --data <dir> (or --url for a running server); `needle import --create` starts a database.',
    );
  }
  let progress: Progress | undefined;
  let phase = '';
  try {
    return await EmbeddedBackend.open({
      dataDir,
      owner: purpose.owner,
      config,
      onOpenProgress: (collection, p) => {
        if (p.phase === 'done') return;
        const label = `opening ${collection}: ${p.phase}`;
        if (label !== phase) {
          phase = label;
          if (progress) progress.restart(label, p.total);
          else {
            progress = startProgress({
              label,
              total: p.total,
              unit: 'items',
              enabled: options.progress,
              plainIntervalMs: options.progressInterval,
            });
          }
        }
        progress?.update(p.done);
      },
    });
  } finally {
    progress?.stop();
  }
}

/** Runs `work` on the backend the flags name and closes it afterwards. */
export async function withBackend<T>(
  options: TargetOptions,
  purpose: { owner: string; create?: boolean },
  work: (backend: NeedleBackend) => Promise<T>,
): Promise<T> {
  const backend = await openBackend(options, purpose);
  try {
    return await work(backend);
  } finally {
    await backend.close();
  }
}

function encryption(options: TargetOptions): DatabaseConfig {
  if (options.keyEnv !== undefined && options.keyFile !== undefined) {
    throw new CommandError(
      'INVALID_INPUT',
      '--key-env and --key-file are alternatives',
      'Name one source of the encryption key.',
      { exitCode: EXIT_CODES.USAGE },
    );
  }
  if (options.keyEnv !== undefined) {
    return { encryption: { keySource: { type: 'env', name: options.keyEnv }, kdf: options.kdf } };
  }
  if (options.keyFile !== undefined) {
    return { encryption: { keySource: { type: 'file', path: options.keyFile }, kdf: options.kdf } };
  }
  return {};
}

function flagOf(key: 'data' | 'config' | 'keyEnv' | 'keyFile'): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}
