import { describe, expect, it } from 'vitest';

import { EngineError } from '../../errors.js';
import { fromWireError, mapStorageError, toWireError } from './sqlite-errors.js';

const sqliteError = (code: string, message = 'boom'): Error =>
  Object.assign(new Error(message), { name: 'SqliteError', code });

describe('mapStorageError', () => {
  it.each(['SQLITE_FULL', 'ENOSPC'])('maps %s to DISK_FULL, keeping the cause', (code) => {
    const cause = sqliteError(code, 'database or disk is full');
    const err = mapStorageError(cause, 'commit to "docs"');
    expect(err).toMatchObject({
      code: 'DISK_FULL',
      cause,
      details: { operation: 'commit to "docs"' },
    });
    expect(err.message).toContain('disk is full');
    expect(err.help).toMatch(/Free disk space/);
  });

  it.each(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY'])(
    'maps %s to VECTOR_EXISTS',
    (code) => {
      expect(mapStorageError(sqliteError(code), 'commit')).toMatchObject({
        code: 'VECTOR_EXISTS',
        details: { sqliteCode: code },
      });
    },
  );

  it.each([
    ['SQLITE_BUSY', /Another process/],
    ['SQLITE_CORRUPT', /damaged/],
    ['SQLITE_READONLY', /permissions/],
    ['SQLITE_IOERR_FSYNC', /I\/O error/],
    ['SQLITE_MISUSE', /report it/],
  ])('maps %s to STORAGE_ERROR with advice', (code, help) => {
    const err = mapStorageError(sqliteError(code), 'checkpoint');
    expect(err).toMatchObject({ code: 'STORAGE_ERROR' });
    expect(err.help).toMatch(help);
  });

  it('passes an EngineError through unchanged', () => {
    const original = new EngineError('COLLECTION_NOT_FOUND', 'nope', { help: 'create it' });
    expect(mapStorageError(original, 'commit')).toBe(original);
  });
});

describe('wire errors', () => {
  it('keeps the SQLite code across the thread boundary', () => {
    const back = fromWireError(
      structuredClone(toWireError(sqliteError('SQLITE_FULL', 'database or disk is full'))),
    );
    expect(back).toMatchObject({
      name: 'SqliteError',
      code: 'SQLITE_FULL',
      message: 'database or disk is full',
    });
    expect(mapStorageError(back, 'commit').code).toBe('DISK_FULL');
  });

  it('rebuilds an EngineError with its code, help and details', () => {
    const wire = structuredClone(
      toWireError(
        new EngineError('COLLECTION_EXISTS', 'taken', {
          help: 'rename',
          details: { collection: 'a' },
        }),
      ),
    );
    const back = fromWireError(wire);
    expect(back).toBeInstanceOf(EngineError);
    expect(back).toMatchObject({
      code: 'COLLECTION_EXISTS',
      message: 'taken',
      help: 'rename',
      details: { collection: 'a' },
    });
  });
});
