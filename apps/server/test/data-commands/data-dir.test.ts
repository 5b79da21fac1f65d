import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { acquireDataDirLock } from '../../src/data-dir.js';
import { expectNoStackTrace, records, useTempRoot } from './fixtures.js';
import { runNeedle } from './run-needle.js';

const { dir, root } = useTempRoot('needle-data-dir-');

describe('the data directory', () => {
  it('is refused clearly while another process holds it', async () => {
    const data = dir('locked');
    writeFileSync(join(root(), 'one.jsonl'), records(1, 8));
    expect(
      (await runNeedle(['import', 'x', join(root(), 'one.jsonl'), '--data', data, '--create']))
        .code,
    ).toBe(0);
    const release = acquireDataDirLock(data, { owner: 'needle serve on http://127.0.0.1:8080' });
    try {
      for (const args of [
        ['info'],
        ['export', 'x'],
        ['import', 'x', join(root(), 'one.jsonl')],
        ['checkpoint'],
      ]) {
        const run = await runNeedle([...args, '--data', data]);
        expect(run.code).toBe(1);
        expect(run.stderr).toContain(
          `is in use by process ${process.pid} (needle serve on http://127.0.0.1:8080)`,
        );
        expect(run.stderr).toContain('--url http://host:port');
        expectNoStackTrace(run.stderr);
      }
    } finally {
      release();
    }
    expect((await runNeedle(['info', '--data', data])).code).toBe(0);
  });

  it('defaults to ./data and releases its lock when done', async () => {
    const cwd = dir('cwd');
    mkdirSync(cwd);
    const run = await runNeedle(['import', 'docs', '-', '--create'], { cwd, input: records(5, 3) });
    expect(run.code).toBe(0);
    expect(existsSync(join(cwd, 'data', 'needle.needle'))).toBe(true);
    expect(existsSync(join(cwd, 'data', 'needle.lock'))).toBe(false);
  });

  it('is not created by commands that only read it', async () => {
    const missing = dir('missing');
    const run = await runNeedle(['info', '--data', missing]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`needle: no Needle database in ${missing}`);
    expect(existsSync(missing)).toBe(false);
  });
});

describe('finding and opening the data', () => {
  const key = randomBytes(32).toString('hex');

  it('opens an encrypted data directory with the key named by --key-env, and only with it', async () => {
    const data = dir('encrypted');
    const env = { NEEDLE_TEST_KEY: key };
    const created = await runNeedle(
      ['import', 'docs', '-', '--data', data, '--create', '--key-env', 'NEEDLE_TEST_KEY'],
      { input: records(20, 4), env },
    );
    expect(created.code).toBe(0);

    const keyless = await runNeedle(['info', '--data', data]);
    expect(keyless.code).toBe(1);
    expect(keyless.stderr).toMatch(/^needle: cannot open .*: the file is encrypted/m);
    expectNoStackTrace(keyless.stderr);

    const keyed = await runNeedle(
      ['info', '--data', data, '--key-env', 'NEEDLE_TEST_KEY', '--json'],
      {
        env,
      },
    );
    expect(keyed.code).toBe(0);
    expect(JSON.parse(keyed.stdout)).toMatchObject({ totalVectors: 20 });
  });

  it('takes the data directory and database settings of a server config file', async () => {
    const config = join(root(), 'server.json');
    writeFileSync(
      config,
      JSON.stringify({
        dataDir: dir('encrypted'),
        database: { encryption: { keySource: { type: 'env', name: 'NEEDLE_TEST_KEY' } } },
      }),
    );
    const run = await runNeedle(['info', '--config', config, '--json'], {
      env: { NEEDLE_TEST_KEY: key },
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ totalVectors: 20 });
  });

  it('takes the data directory from NEEDLE_DATA_DIR, as the server does', async () => {
    const data = dir('from-env');
    const env = { NEEDLE_DATA_DIR: data };
    expect(
      (await runNeedle(['import', 'docs', '-', '--create'], { input: records(2, 3), env })).code,
    ).toBe(0);
    expect(existsSync(join(data, 'needle.needle'))).toBe(true);
    const run = await runNeedle(['info', '--json'], { env });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      totalVectors: 2,
      collections: [{ name: 'docs' }],
    });
  });
});

describe('usage', () => {
  it('exits with status 2 and the help on an unknown flag or conflicting flags', async () => {
    const unknown = await runNeedle(['info', '--bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("needle: unknown option '--bogus'");
    expect(unknown.stderr).toContain('Usage: needle info');

    const both = await runNeedle(['info', '--data', dir('x'), '--url', 'http://127.0.0.1:1']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('needle: --data applies to a data directory, not to --url');
  });

  it('documents the exit statuses in --help', async () => {
    const run = await runNeedle(['import', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Exit status:');
    expect(run.stdout).toMatch(/3\s+partial/);
    expect(run.stdout).toMatch(/130\s+interrupted/);
  });
});
