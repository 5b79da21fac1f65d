import { createServer as createNetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadServerConfig } from '../../src/config.js';
import { createServer } from '../../src/server/create-server.js';
import type { NeedleServer } from '../../src/server/create-server.js';
import { LogCapture } from '../helpers.js';
import { records } from './fixtures.js';
import { runNeedle } from './run-needle.js';

let root: string;
let server: NeedleServer;
let url: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'needle-remote-commands-'));
  server = await createServer(
    loadServerConfig({
      flags: { port: '0', data: join(root, 'data'), authMode: 'development' },
      env: {},
    }),
    { logStream: new LogCapture() },
  );
  url = await server.start();
  await server.opened();
});

afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

async function rest<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.ok).toBe(true);
  return (await response.json()) as T;
}

describe('the data commands against a running server (--url)', () => {
  const source = () => join(root, 'remote.jsonl');

  beforeAll(() => {
    writeFileSync(source(), records(1200, 6));
  });

  it('imports into a created collection over REST, and info reports it', async () => {
    const run = await runNeedle([
      'import',
      'remote',
      source(),
      '--url',
      url,
      '--create',
      '--dimensions',
      '6',
      '--distance',
      'dot',
      '--batch',
      '500',
    ]);
    expect(run.stderr).not.toContain('needle:');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`imported 1,200 vectors into "remote" (created) from ${source()}`);
    expect(
      await rest<{ count: number; distance: string }>('GET', '/v1/collections/remote'),
    ).toMatchObject({
      count: 1200,
      distance: 'dot',
    });

    const info = await runNeedle(['info', '--url', url, '--json']);
    expect(info.code).toBe(0);
    const report = JSON.parse(info.stdout) as {
      source: string;
      version: string | null;
      totalVectors: number;
      collections: { name: string; count: number; dimensions: number }[];
    };
    expect(report.source).toBe(url);
    expect(report.version).toEqual(expect.any(String));
    expect(report.totalVectors).toBe(1200);
    expect(report.collections).toEqual([
      expect.objectContaining({ name: 'remote', count: 1200, dimensions: 6 }),
    ]);
  });

  it('exports over REST, page by page, byte for byte what was imported', async () => {
    const out = join(root, 'remote-export.jsonl');
    const run = await runNeedle([
      'export',
      'remote',
      '--url',
      url,
      '--out',
      out,
      '--page-size',
      '250',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('exported 1,200 vectors from "remote"');
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(source(), 'utf8'));
  });

  it('finds the bad records of a batch the server rejects, by line, and imports the rest', async () => {
    const lines = records(4, 6, 5000).split('\n');
    lines.splice(2, 0, JSON.stringify({ id: 'zero', vector: [0, 0, 0, 0, 0, 0] }));
    const file = join(root, 'remote-bad.jsonl');
    writeFileSync(file, lines.join('\n'));
    const cosine = await runNeedle(['import', 'cos', file, '--url', url, '--create']);
    expect(cosine.code).toBe(3);
    expect(cosine.stdout).toContain('imported 4 vectors into "cos" (created)');
    expect(cosine.stdout).toMatch(/line 3: .*zero/);
    expect(cosine.stderr).toContain('needle: 1 of 5 lines were not imported');
  });

  it('upserts over REST, counting the ids it replaced', async () => {
    const run = await runNeedle(['import', 'remote', '-', '--url', url, '--upsert'], {
      input: records(3, 6, 1199),
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('imported 3 vectors');
    expect(run.stdout).toContain('1 of them replaced existing ids');
  });

  it('compacts on the server: the dry run estimates, the compaction removes the deleted', async () => {
    await rest('POST', '/v1/collections/remote/vectors/delete-batch', {
      ids: Array.from({ length: 300 }, (_, i) => `doc-${i}`),
    });
    const dry = await runNeedle(['compact', 'remote', '--url', url, '--dry-run', '--json']);
    expect(dry.code).toBe(0);
    // The upsert above replaced one vector: its old slot counts as deleted too.
    expect(JSON.parse(dry.stdout)).toMatchObject({
      dryRun: true,
      compacted: [{ collection: 'remote', removed: 301, vectors: 902 }],
    });

    const run = await runNeedle(['compact', 'remote', '--url', url]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^compacted "remote" in [\d.]+ s: removed 301 deleted vectors/m);
    expect(
      await rest<{ index: { deleted: number; vectors: number } }>(
        'GET',
        '/v1/collections/remote/index/status',
      ),
    ).toMatchObject({ index: { deleted: 0, vectors: 902 } });
  });

  it('checkpoints the server', async () => {
    const run = await runNeedle(['checkpoint', '--url', url]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`checkpoint of ${url} done`);
  });

  it('reports what the server answers, with its help, for a missing collection', async () => {
    const run = await runNeedle(['export', 'nope', '--url', url]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`needle: collection "nope" does not exist in ${url}`);
    const imp = await runNeedle(['import', 'nope', source(), '--url', url]);
    expect(imp.code).toBe(1);
    expect(imp.stderr).toContain('--create');
  });

  it('refuses to open the data directory the server holds, and points at --url', async () => {
    const run = await runNeedle(['info', '--data', join(root, 'data')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(
        `^needle: the data directory .* is in use by process ${process.pid} \\(needle serve on `,
        'm',
      ),
    );
    expect(run.stderr).toContain('Talk to the running server instead with --url');
    expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });

  it('says clearly when no server answers', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createNetServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const closed = new URL(`http://127.0.0.1:${port}`);
    const run = await runNeedle(['info', '--url', closed.origin]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`needle: cannot reach ${closed.origin} (ECONNREFUSED)`);
    expect(run.stderr).toContain('Check that the server runs');
    const bad = await runNeedle(['info', '--url', 'ftp://example']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('needle: --url must be http:// or https://');
  });

  it('splits batches that a server with a small body limit refuses, and imports everything', async () => {
    const log = new LogCapture();
    const small = await createServer(
      loadServerConfig({
        flags: {
          port: '0',
          data: join(root, 'small-data'),
          maxBody: '16KiB',
          authMode: 'development',
        },
        env: {},
      }),
      { logStream: log },
    );
    try {
      const smallUrl = await small.start();
      await small.opened();
      // About 60 KiB of JSON per 300 records: each batch is refused, then its halves go in.
      const run = await runNeedle(
        ['import', 'big', '-', '--url', smallUrl, '--create', '--batch', '300'],
        { input: records(900, 16) },
      );
      expect(run.stderr).not.toContain('needle:');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('imported 900 vectors into "big" (created)');
      expect(await (await fetch(`${smallUrl}/v1/collections/big`)).json()).toMatchObject({
        count: 900,
      });
      const batches = log
        .lines()
        .filter((l) => l.route === '/v1/collections/:name/vectors/batch')
        .map((l) => l.status);
      expect(batches).toContain(413);
      expect(batches.filter((status) => status === 200).length).toBeGreaterThan(3);
    } finally {
      await small.close();
    }
  });
});
