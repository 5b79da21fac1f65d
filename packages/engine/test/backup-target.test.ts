import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { LocalDirectoryTarget } from '../src/index.js';
import { describeBackupTarget } from './helpers/backup-target-conformance.js';

describeBackupTarget('LocalDirectoryTarget', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'needle-target-'));
  return {
    target: new LocalDirectoryTarget(join(dir, 'backups')),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describe('LocalDirectoryTarget on disk', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps each object as a plain file under its name, with nothing left over from writing it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'needle-target-'));
    dirs.push(dir);
    const root = join(dir, 'backups');
    const target = new LocalDirectoryTarget(root);
    async function* body() {
      yield Buffer.from('hello ');
      yield Buffer.from('backup');
    }
    await target.put('b1/manifest.json', body());
    expect(readFileSync(join(root, 'b1', 'manifest.json'), 'utf8')).toBe('hello backup');
    expect(readdirSync(join(root, 'b1'))).toEqual(['manifest.json']);
    await target.delete('b1/manifest.json');
    expect(existsSync(join(root, 'b1', 'manifest.json'))).toBe(false);
  });
});
