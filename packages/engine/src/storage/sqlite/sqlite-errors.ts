import { EngineError, type EngineErrorCode, type EngineErrorDetails } from '../../errors.js';

/**
 * An error as it crosses from the writer thread to the main thread: structured clone keeps
 * an Error's message but drops fields such as SQLite's `code`, so errors travel as data.
 */
export interface WireError {
  name: string;
  message: string;
  /** SQLite's (`SQLITE_FULL`, `SQLITE_CONSTRAINT_UNIQUE`...) or the OS's (`ENOSPC`) code. */
  code?: string;
  /** Set when the writer raised an {@link EngineError} itself. */
  engine?: { code: EngineErrorCode; help: string; details: EngineErrorDetails };
}

/** Turns anything thrown on the writer thread into a {@link WireError}. */
export function toWireError(err: unknown): WireError {
  if (err instanceof EngineError) {
    return {
      name: err.name,
      message: err.message,
      engine: { code: err.code, help: err.help, details: err.details },
    };
  }
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { name: err.name, message: err.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'Error', message: String(err) };
}

/** Rebuilds the original error (name, message, code) so it can serve as a `cause`. */
export function fromWireError(wire: WireError): Error {
  if (wire.engine)
    return new EngineError(wire.engine.code, wire.message, {
      help: wire.engine.help,
      details: wire.engine.details,
    });
  const err = new Error(wire.message) as Error & { code?: string };
  err.name = wire.name;
  if (wire.code !== undefined) err.code = wire.code;
  return err;
}

/**
 * Maps a failure of the SQLite store onto an {@link EngineError} with an actionable message;
 * `cause` keeps the SQLite or OS error. `what` names the operation, e.g. `commit to "docs"`.
 *
 * @example
 * ```ts
 * mapStorageError(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }), 'commit')
 *   .code; // 'DISK_FULL'
 * ```
 */
export function mapStorageError(err: unknown, what: string): EngineError {
  if (err instanceof EngineError) return err;
  const code =
    typeof (err as { code?: unknown } | null)?.code === 'string'
      ? (err as { code: string }).code
      : '';
  const reason = err instanceof Error ? err.message : String(err);
  const details = { operation: what, sqliteCode: code || undefined };
  if (code.startsWith('SQLITE_FULL') || code === 'ENOSPC') {
    return new EngineError('DISK_FULL', `${what} failed: the disk is full (${reason})`, {
      help: 'Free disk space or grow the volume; nothing committed was lost, and writes succeed again once there is room.',
      details,
      cause: err,
    });
  }
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return new EngineError(
      'VECTOR_EXISTS',
      `${what} failed: a stored record already has that id or key (${reason})`,
      {
        help: 'Delete the existing record in the same commit before putting one with its id.',
        details,
        cause: err,
      },
    );
  }
  return new EngineError('STORAGE_ERROR', `${what} failed: ${reason}`, {
    help: helpFor(code),
    details,
    cause: err,
  });
}

function helpFor(code: string): string {
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return 'Another process holds a lock on the database file; make sure only one server opens it.';
  }
  if (code.startsWith('SQLITE_CORRUPT')) {
    return 'The database file is damaged; restore it from a backup.';
  }
  if (
    code.startsWith('SQLITE_READONLY') ||
    code.startsWith('SQLITE_PERM') ||
    code === 'EACCES' ||
    code === 'EROFS'
  ) {
    return 'The process cannot write the database file or its directory; check permissions and mounts.';
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return 'The operating system reported an I/O error; check the disk and the kernel log.';
  }
  return 'Check the cause of this error; if it persists, report it with the message.';
}
