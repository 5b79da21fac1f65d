import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

/** Name of the database file inside a data directory. */
export const DATA_FILE_NAME = 'needle.needle';

/** Name of the lock file inside a data directory. */
export const LOCK_FILE_NAME = 'needle.lock';

/** Who holds a data directory, as written in its lock file. */
export interface LockHolder {
  pid: number;
  hostname: string;
  /** What the holder is, e.g. `needle serve on http://127.0.0.1:8080`. */
  owner: string;
  /** ISO time the lock was taken. */
  since: string;
}

/** Releases a data-directory lock; calling it again does nothing. */
export type ReleaseLock = () => void;

/**
 * The data directory is held by another live process (or by this one, through another
 * acquire). `code` is `DATA_DIR_LOCKED`; `holder` says who holds it.
 */
export class DataDirLockedError extends Error {
  readonly code = 'DATA_DIR_LOCKED';
  readonly help: string;
  readonly holder: LockHolder;

  constructor(dataDir: string, holder: LockHolder) {
    const who = holder.owner ? ` (${holder.owner})` : '';
    const where = holder.hostname === hostname() ? '' : ` on host ${holder.hostname}`;
    super(
      `the data directory ${dataDir} is in use by process ${holder.pid}${where}${who} since ${holder.since}`,
    );
    this.name = 'DataDirLockedError';
    this.holder = holder;
    this.help =
      'Talk to the running server instead with --url http://host:port, or stop process ' +
      `${holder.pid} first. Only one process may open a data directory at a time.`;
  }
}

/**
 * The database file of a data directory, `<dataDir>/needle.needle`, as an absolute path.
 * Creates the directory when it is missing.
 *
 * @example
 * ```ts
 * const db = await Database.open(resolveDataFile('./data'));
 * ```
 */
export function resolveDataFile(dataDir: string): string {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  return join(dir, DATA_FILE_NAME);
}

/**
 * Takes the exclusive lock of a data directory (creating the directory when missing), so
 * that one process at a time opens its database. The lock is a file holding the holder's
 * pid; a lock left behind by a process that no longer runs is taken over. A live holder —
 * another process, or this one through an earlier acquire — makes it throw
 * {@link DataDirLockedError}. The lock is released by the returned function, and on process
 * exit if it was not.
 *
 * @example
 * ```ts
 * const release = acquireDataDirLock('./data', { owner: 'needle serve on http://127.0.0.1:8080' });
 * try {
 *   const db = await Database.open(resolveDataFile('./data'));
 *   // ...
 * } finally {
 *   release();
 * }
 * ```
 */
export function acquireDataDirLock(dataDir: string, options: { owner?: string } = {}): ReleaseLock {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const lockPath = join(dir, LOCK_FILE_NAME);
  const holder: LockHolder = {
    pid: process.pid,
    hostname: hostname(),
    owner: options.owner ?? '',
    since: new Date().toISOString(),
  };
  const text = `${JSON.stringify({ ...holder, token: randomBytes(8).toString('hex') })}\n`;
  // Written aside then hard-linked into place: the link fails atomically when a lock
  // exists, and a lock file is never seen half-written.
  const draft = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(draft, text, { mode: 0o644 });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(draft, lockPath);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 5) throw err;
      }
      const current = readHolder(lockPath);
      if (current === 'gone') continue;
      if (current !== 'unreadable' && holderIsAlive(current)) {
        throw new DataDirLockedError(dir, current);
      }
      takeOverStale(lockPath, current);
    }
  } finally {
    unlinkSync(draft);
  }

  let released = false;
  const release: ReleaseLock = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    try {
      // Only our own lock is removed, never one that was taken over from us.
      if (readFileSync(lockPath, 'utf8') === text) unlinkSync(lockPath);
    } catch {
      // Already gone.
    }
  };
  process.on('exit', release);
  return release;
}

/** Who holds the lock of a data directory now, or null when nobody does. */
export function readDataDirLock(dataDir: string): LockHolder | null {
  const current = readHolder(join(resolve(dataDir), LOCK_FILE_NAME));
  if (current === 'gone' || current === 'unreadable' || !holderIsAlive(current)) return null;
  return current;
}

function readHolder(lockPath: string): LockHolder | 'gone' | 'unreadable' {
  let raw: string;
  try {
    raw = readFileSync(lockPath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw err;
  }
  // A plain pid, as other tools write lock files.
  const plain = Number(raw.trim());
  if (Number.isInteger(plain) && plain > 0) {
    return { pid: plain, hostname: hostname(), owner: '', since: 'an unknown time' };
  }
  let parsed: Partial<LockHolder> | null;
  try {
    parsed = JSON.parse(raw) as Partial<LockHolder> | null;
  } catch {
    return 'unreadable';
  }
  if (typeof parsed !== 'object' || parsed === null) return 'unreadable';
  if (!Number.isInteger(parsed.pid) || (parsed.pid ?? 0) <= 0) return 'unreadable';
  return {
    pid: parsed.pid!,
    hostname: typeof parsed.hostname === 'string' ? parsed.hostname : hostname(),
    owner: typeof parsed.owner === 'string' ? parsed.owner : '',
    since: typeof parsed.since === 'string' ? parsed.since : 'an unknown time',
  };
}

function holderIsAlive(holder: LockHolder): boolean {
  // A pid of another machine (a shared file system) cannot be checked: assume it runs.
  if (holder.hostname !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Moves a stale lock out of the way. Two processes may both judge it stale; the rename
 * lets only one of them move it, and a lock that turns out to be fresh is put back.
 */
function takeOverStale(lockPath: string, seen: LockHolder | 'unreadable'): void {
  const aside = `${lockPath}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    renameSync(lockPath, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const moved = readHolder(aside);
  const same =
    seen === 'unreadable'
      ? moved === 'unreadable'
      : moved !== 'gone' && moved !== 'unreadable' && moved.pid === seen.pid;
  if (!same) {
    try {
      linkSync(aside, lockPath);
    } catch {
      // Someone took the lock meanwhile; the next attempt reads who.
    }
  }
  unlinkSync(aside);
}
