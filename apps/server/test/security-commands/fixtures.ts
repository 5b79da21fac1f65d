import { userInfo } from 'node:os';

import Sqlite from 'better-sqlite3-multiple-ciphers';
import { Database } from '@needle/engine';

import { resolveDataFile } from '../../src/data-dir.js';
import { runNeedle } from '../data-commands/run-needle.js';
import type { NeedleOptions, NeedleRun } from '../data-commands/run-needle.js';

/** The principal the command line records its changes under, in this test process. */
export const CLI_PRINCIPAL = `cli:${userInfo().username}`;

/** Creates an empty database in `dataDir`, as a first `needle serve` would. */
export async function createDatabase(dataDir: string): Promise<void> {
  const db = await Database.open(resolveDataFile(dataDir));
  await db.close();
}

/** Runs SQL on a closed database file directly, as someone with write access to it could. */
export function tamper(dataDir: string, sql: string): number {
  const raw = new Sqlite(resolveDataFile(dataDir));
  try {
    return raw.prepare(sql).run().changes;
  } finally {
    raw.close();
  }
}

/** Runs `needle <args>` and parses its standard output as JSON (the run must succeed). */
export async function needleJson<T>(
  args: string[],
  options: NeedleOptions = {},
): Promise<{ run: NeedleRun; json: T }> {
  const run = await runNeedle([...args, '--json'], options);
  if (run.code !== 0) {
    throw new Error(`needle ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
  }
  return { run, json: JSON.parse(run.stdout) as T };
}

/** A created key as `needle keys create --json` prints it. */
export interface CreatedKey {
  id: string;
  prefix: string;
  name: string;
  roles: string[];
  expires_at: string | null;
  key: string;
}

/** An audit entry as `needle audit list --json` and `audit export` print it. */
export interface AuditLine {
  seq: number;
  at: string;
  principal: string;
  action: string;
  allowed: boolean;
  source: string | null;
  detail?: Record<string, unknown>;
  hash: string;
}
