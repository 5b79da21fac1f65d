import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A private scratch directory (mode 0700) for one backup, verification or restore job: staged
 * objects, downloads, the copy being built. It sits under `base` (beside the database by
 * default, so the copy lands on the same volume) and is removed when the job ends, whatever
 * the outcome.
 *
 * `owned`: the base belongs to one database, whose jobs run one at a time; whatever is in it
 * when a job starts was left by a crash and is removed, and so is the base when the job ends.
 */
export async function withWorkDir<T>(
  base: string,
  job: string,
  run: (dir: string) => Promise<T>,
  options: { owned?: boolean } = {},
): Promise<T> {
  const removeBase = options.owned === true || !existsSync(base);
  if (options.owned && existsSync(base)) {
    for (const leftover of readdirSync(base))
      rmSync(join(base, leftover), { recursive: true, force: true });
  }
  mkdirSync(base, { recursive: true, mode: 0o700 });
  const dir = join(base, `${job}-${randomBytes(6).toString('hex')}`);
  mkdirSync(dir, { mode: 0o700 });
  try {
    return await run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (removeBase) {
      try {
        rmdirSync(base);
      } catch {
        // Another job still works there: it removes the base when it ends.
      }
    }
  }
}

/** Where a database's backup jobs put their scratch directories. */
export function defaultWorkBase(dbPath: string): string {
  return `${dbPath}-backup-work`;
}
