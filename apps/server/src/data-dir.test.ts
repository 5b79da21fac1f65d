import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  DATA_FILE_NAME,
  LOCK_FILE_NAME,
  acquireDataDirLock,
  readDataDirLock,
  resolveDataFile,
} from './data-dir.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'needle-data-dir-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('resolveDataFile', () => {
  it('names needle.needle inside the directory and creates the directory', () => {
    const dir = join(root, 'a', 'b');
    const file = resolveDataFile(dir);
    expect(file).toBe(join(dir, DATA_FILE_NAME));
    expect(statSync(dir).isDirectory()).toBe(true);
  });
});

describe('acquireDataDirLock', () => {
  it('refuses a second holder in the same process, naming the pid, until released', () => {
    const dir = join(root, 'data');
    const release = acquireDataDirLock(dir, { owner: 'needle serve on http://127.0.0.1:1' });
    const lock = JSON.parse(readFileSync(join(dir, LOCK_FILE_NAME), 'utf8')) as { pid: number };
    expect(lock.pid).toBe(process.pid);
    expect(readDataDirLock(dir)).toMatchObject({ pid: process.pid });

    expect(() => acquireDataDirLock(dir)).toThrow(
      expect.objectContaining({
        code: 'DATA_DIR_LOCKED',
        message: expect.stringContaining(`process ${process.pid}`),
        help: expect.stringContaining('--url'),
        holder: expect.objectContaining({ owner: 'needle serve on http://127.0.0.1:1' }),
      }),
    );

    release();
    expect(existsSync(join(dir, LOCK_FILE_NAME))).toBe(false);
    expect(readDataDirLock(dir)).toBeNull();
    release();
    const again = acquireDataDirLock(dir);
    again();
  });

  it('takes over a lock left by a process that no longer runs', () => {
    const pid = deadPid();
    writeFileSync(
      join(root, LOCK_FILE_NAME),
      JSON.stringify({ pid, hostname: hostname(), owner: 'crashed', since: 'then' }),
    );
    expect(readDataDirLock(root)).toBeNull();
    const release = acquireDataDirLock(root);
    expect(readDataDirLock(root)).toMatchObject({ pid: process.pid });
    release();
  });

  it('takes over a stale plain-pid lock file and a garbled one', () => {
    writeFileSync(join(root, LOCK_FILE_NAME), `${deadPid()}\n`);
    acquireDataDirLock(root)();
    writeFileSync(join(root, LOCK_FILE_NAME), 'not a lock');
    acquireDataDirLock(root)();
    expect(existsSync(join(root, LOCK_FILE_NAME))).toBe(false);
  });

  it('refuses while another live process holds it', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
    try {
      writeFileSync(join(root, LOCK_FILE_NAME), `${child.pid}\n`);
      expect(() => acquireDataDirLock(root)).toThrow(
        expect.objectContaining({
          code: 'DATA_DIR_LOCKED',
          holder: expect.objectContaining({ pid: child.pid }),
        }),
      );
    } finally {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill();
      await exited;
    }
    // Once it has gone, its lock is stale.
    acquireDataDirLock(root)();
  });

  it('treats a holder on another host as live', () => {
    writeFileSync(
      join(root, LOCK_FILE_NAME),
      JSON.stringify({ pid: deadPid(), hostname: 'elsewhere.invalid', owner: '', since: 'now' }),
    );
    expect(() => acquireDataDirLock(root)).toThrow(/on host elsewhere\.invalid/);
  });

  it('does not remove a lock that was taken over after it was released elsewhere', () => {
    const release = acquireDataDirLock(root);
    // Simulate a takeover (e.g. after this process was judged dead on a pid reuse).
    writeFileSync(join(root, LOCK_FILE_NAME), `${process.pid}\n`);
    release();
    expect(existsSync(join(root, LOCK_FILE_NAME))).toBe(true);
  });
});
