import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { LOCK_FILE_NAME } from '../src/data-dir.js';
import { tempDir, waitFor } from './helpers.js';

const APP_DIR = new URL('..', import.meta.url).pathname;

/** A `needle` process run from source, with its output kept. */
interface NeedleProcess {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Runs the `needle` command line from source: the same entry point as `bin/needle.js`, with
 * TypeScript loaded through tsx and workspace packages resolved to their sources, so the test
 * needs no build.
 */
function needle(args: string[], env: Record<string, string> = {}): NeedleProcess {
  const child = spawn(
    process.execPath,
    ['--conditions=@needle/source', '--import', 'tsx', 'src/cli.ts', ...args],
    { cwd: APP_DIR, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const stdout: string[] = [];
  const stderr: string[] = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => stdout.push(chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout, stderr, exited };
}

function logLines(p: NeedleProcess): Record<string, unknown>[] {
  return p.stdout
    .join('')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('needle serve', () => {
  let dir: ReturnType<typeof tempDir>;
  const running: NeedleProcess[] = [];
  beforeEach(() => {
    dir = tempDir('needle-serve-');
  });
  afterEach(async () => {
    for (const p of running.splice(0)) {
      if (p.child.exitCode === null && p.child.signalCode === null) {
        p.child.kill('SIGKILL');
        await p.exited;
      }
    }
    dir.remove();
  });

  function start(args: string[], env: Record<string, string> = {}): NeedleProcess {
    const p = needle(args, env);
    running.push(p);
    return p;
  }

  async function listeningUrl(p: NeedleProcess): Promise<string> {
    return waitFor(
      () => {
        if (p.child.exitCode !== null)
          throw new Error(`needle exited early: ${p.stderr.join('')}${p.stdout.join('')}`);
        const line = logLines(p).find((l) => l.msg === 'listening');
        return typeof line?.url === 'string' ? line.url : undefined;
      },
      'needle serve to listen',
      60_000,
    );
  }

  it('serves the data directory, then stops cleanly on SIGTERM and releases the lock', async () => {
    const data = join(dir.path, 'data');
    // Settings from the environment and from flags together.
    const p = start(['serve', '--port', '0', '--data', data], { NEEDLE_HOST: '127.0.0.1' });
    const url = await listeningUrl(p);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(existsSync(join(data, LOCK_FILE_NAME))).toBe(true);

    await waitFor(
      async () => ((await fetch(`${url}/ready`)).status === 200 ? true : undefined),
      '/ready',
    );
    const health = await fetch(`${url}/health`);
    expect(await health.json()).toMatchObject({ status: 'healthy' });
    const create = (headers: Record<string, string>) =>
      fetch(`${url}/collections`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ name: 'docs', dimensions: 2 }),
      });
    // Access control is on by default: no key, no write.
    expect((await create({})).status).toBe(401);
    // The first start printed a bootstrap admin key on the terminal, and only there.
    const key = /nk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}/.exec(p.stderr.join(''))?.[0];
    expect(key).toBeDefined();
    expect(p.stdout.join('')).not.toContain(key!.slice(16));
    expect((await create({ 'x-api-key': key! })).status).toBe(201);

    p.child.kill('SIGTERM');
    expect(await p.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(join(data, LOCK_FILE_NAME))).toBe(false);
    const messages = logLines(p).map((l) => l.msg);
    expect(messages).toContain('stopping');
    expect(messages.at(-1)).toBe('stopped');

    // The collection was made durable: a new server finds it.
    const again = start(['serve', '--port', '0', '--data', data]);
    const url2 = await listeningUrl(again);
    await waitFor(
      async () => ((await fetch(`${url2}/ready`)).status === 200 ? true : undefined),
      '/ready',
    );
    expect(await (await fetch(`${url2}/ready`)).json()).toMatchObject({ collections: 1 });
    // A key exists now: no second bootstrap key.
    expect(again.stderr.join('')).not.toMatch(/nk_[0-9a-f]{12}_/);
    again.child.kill('SIGINT');
    expect(await again.exited).toEqual({ code: 0, signal: null });
  });

  it('reads a config file, and refuses a second server on the same data directory', async () => {
    const data = join(dir.path, 'data');
    const configFile = join(dir.path, 'needle.json');
    writeFileSync(configFile, JSON.stringify({ port: 0, dataDir: data, log: { level: 'warn' } }));
    const first = start(['serve', '--config', configFile, '--log-level', 'info']);
    await listeningUrl(first);

    const second = start(['serve', '--port', '0', '--data', data]);
    expect((await second.exited).code).toBe(1);
    expect(second.stderr.join('')).toContain(
      `the data directory ${data} is in use by process ${first.child.pid}`,
    );

    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
  });

  it('names a bad setting and where it came from, and exits 1', async () => {
    const p = start(['serve', '--data', join(dir.path, 'data')], { NEEDLE_PORT: '70000' });
    expect((await p.exited).code).toBe(1);
    expect(p.stderr.join('')).toContain('port: ');
    expect(p.stderr.join('')).toContain('NEEDLE_PORT');
    expect(existsSync(join(dir.path, 'data', LOCK_FILE_NAME))).toBe(false);
  });
});
