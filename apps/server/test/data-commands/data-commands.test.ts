import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Database } from '@needle/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { acquireDataDirLock, resolveDataFile } from '../../src/data-dir.js';
import { runNeedle, startNeedle } from './run-needle.js';

let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'needle-data-commands-'));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

/** A fresh directory under the test's temp root. */
function dir(name: string): string {
  return join(root, name);
}

/**
 * JSONL records whose components are exact float32 values, written the way `needle export`
 * writes them, so an export of their import must reproduce the file byte for byte.
 */
function records(count: number, dimensions: number, from = 0): string {
  let out = '';
  for (let i = from; i < from + count; i++) {
    const vector = Array.from(
      { length: dimensions },
      (_, d) => (((i * 7 + d * 13) % 61) - 30) / 8 || 0.5,
    );
    out += `${JSON.stringify({ id: `doc-${i}`, vector, metadata: { i, tag: i % 2 ? 'odd' : 'even' } })}\n`;
  }
  return out;
}

function expectNoStackTrace(text: string): void {
  expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);
}

describe('needle import, info and export on a data directory', () => {
  const data = () => dir('main');
  const source = () => join(root, 'docs.jsonl');

  beforeAll(() => {
    writeFileSync(source(), records(1500, 8));
  });

  it('imports a JSONL file into a created collection and info counts it', async () => {
    const run = await runNeedle([
      'import',
      'docs',
      source(),
      '--data',
      data(),
      '--create',
      '--dimensions',
      '8',
      '--distance',
      'euclidean',
      '--batch',
      '400',
    ]);
    expect(run.stderr).not.toContain('needle:');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('imported 1,500 vectors into "docs" (created)');

    const info = await runNeedle(['info', '--data', data(), '--json']);
    expect(info.code).toBe(0);
    const report = JSON.parse(info.stdout) as {
      totalVectors: number;
      collections: { name: string; count: number; dimensions: number; distance: string }[];
    };
    expect(report.totalVectors).toBe(1500);
    expect(report.collections).toEqual([
      expect.objectContaining({ name: 'docs', count: 1500, dimensions: 8, distance: 'euclidean' }),
    ]);

    const text = await runNeedle(['info', '--data', data()]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/1 collection, 1,500 vectors/);
    expect(text.stdout).toMatch(/docs\s+8\s+euclidean\s+1,500\s+0/);
  });

  it('exports what it imported, byte for byte, and an export of the export is identical', async () => {
    const first = join(root, 'export-1.jsonl');
    const run = await runNeedle([
      'export',
      'docs',
      '--data',
      data(),
      '--out',
      first,
      '--page-size',
      '256',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('exported 1,500 vectors from "docs"');
    expect(readFileSync(first, 'utf8')).toBe(readFileSync(source(), 'utf8'));

    const copy = dir('copy');
    const imported = await runNeedle([
      'import',
      'again',
      first,
      '--data',
      copy,
      '--create',
      '--distance',
      'euclidean',
    ]);
    expect(imported.code).toBe(0);
    const second = join(root, 'export-2.jsonl');
    expect((await runNeedle(['export', 'again', '--data', copy, '--out', second])).code).toBe(0);
    expect(readFileSync(second)).toEqual(readFileSync(first));
  });

  it('exports to standard output with the summary on standard error', async () => {
    const run = await runNeedle(['export', 'docs', '--data', data()]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(readFileSync(source(), 'utf8'));
    expect(run.stderr).toContain('exported 1,500 vectors from "docs" to standard output');
  });

  it('refuses to overwrite an export file without --force, and leaves no partial file', async () => {
    const target = join(root, 'export-1.jsonl');
    const before = readFileSync(target);
    const run = await runNeedle(['export', 'docs', '--data', data(), '--out', target]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('needle: ');
    expect(run.stderr).toContain('exists already');
    expect(run.stderr).toContain('--force');
    expect(readFileSync(target)).toEqual(before);
    expect(readdirSync(root).filter((f) => f.includes('.partial'))).toEqual([]);
  });

  it('reads standard input with -, skipping ids that exist, and says so with status 3', async () => {
    const run = await runNeedle(['import', 'docs', '-', '--data', data()], {
      input: records(3, 8, 1499), // doc-1499 exists; doc-1500 and doc-1501 are new
    });
    expect(run.stdout).toContain('imported 2 vectors into "docs" from standard input');
    expect(run.stdout).toContain('line 1: id "doc-1499" already exists');
    expect(run.stderr).toContain('needle: 1 of 3 lines were not imported');
    expect(run.code).toBe(3);

    const upsert = await runNeedle(['import', 'docs', '-', '--data', data(), '--upsert'], {
      input: records(3, 8, 1499),
    });
    expect(upsert.code).toBe(0);
    expect(upsert.stdout).toContain('3 of them replaced existing ids');
  });

  it('prints plain progress lines when standard error is not a terminal', async () => {
    const run = await runNeedle([
      'export',
      'docs',
      '--data',
      data(),
      '--out',
      join(root, 'progress.jsonl'),
      '--page-size',
      '100',
      '--progress-interval',
      '1',
    ]);
    expect(run.code).toBe(0);
    const lines = run.stderr.split('\n').filter((l) => l.startsWith('export docs |'));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.at(-1)).toMatch(/^export docs \| 100% \| 1,502\/1,502 \| /);
    // A log gets plain lines: no cursor movement or colour codes.
    expect(run.stderr).not.toContain('\u001b');
  });
});

describe('bad JSONL lines', () => {
  const data = () => dir('bad');
  const file = () => join(root, 'bad.jsonl');

  beforeAll(() => {
    writeFileSync(
      file(),
      [
        '{"id":"a","vector":[1,2,3]}',
        '{"id":"b","vector":[1,2]}',
        '',
        'this is not json',
        '{"id":"c","vector":[1,"x",3]}',
        '{"id":"d","vector":[4,5,6],"metadata":{"ok":true}}',
        '{"id":"e","vector":[0,0,0]}',
      ].join('\n'),
    );
  });

  it('skips them with their line numbers and reasons, imports the rest, exits with status 3', async () => {
    const run = await runNeedle([
      'import',
      'v',
      file(),
      '--data',
      data(),
      '--create',
      '--dimensions',
      '3',
    ]);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('imported 2 vectors into "v" (created)');
    expect(run.stdout).toContain('4 lines not imported:');
    expect(run.stdout).toContain('line 2: "vector" has 2 dimensions, the collection has 3');
    expect(run.stdout).toContain('line 4: not valid JSON');
    expect(run.stdout).toContain('line 5: "vector"[1] is not a finite number');
    expect(run.stdout).toContain('line 7: vector "e": a zero vector has no direction');
    expect(run.stderr).toContain('needle: 4 of 6 lines were not imported');
    expectNoStackTrace(run.stderr);

    const json = await runNeedle(['import', 'v', file(), '--data', data(), '--upsert', '--json']);
    const summary = JSON.parse(json.stdout) as { failures: { line: number; code: string }[] };
    expect(summary.failures.map((f) => [f.line, f.code])).toEqual([
      [2, 'INVALID_LINE'],
      [4, 'INVALID_LINE'],
      [5, 'INVALID_LINE'],
      [7, 'ZERO_VECTOR'],
    ]);
  });

  it('stops at the first one with --on-error stop, naming the line, with status 1', async () => {
    const run = await runNeedle([
      'import',
      'w',
      file(),
      '--data',
      data(),
      '--create',
      '--on-error',
      'stop',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^needle: line 2 of .*bad\.jsonl: "vector" has 2 dimensions, the collection has 3$/m,
    );
    expect(run.stderr).toContain('--on-error skip');
    expectNoStackTrace(run.stderr);
    const info = JSON.parse((await runNeedle(['info', '--data', data(), '--json'])).stdout) as {
      collections: { name: string; count: number }[];
    };
    // The line before the bad one went in; nothing after it.
    expect(info.collections.find((c) => c.name === 'w')?.count).toBe(1);
  });
});

describe('needle compact and checkpoint', () => {
  const data = () => dir('maintenance');

  interface Info {
    collections: { name: string; count: number; deletedCount: number }[];
  }
  const info = async (): Promise<Info> =>
    JSON.parse((await runNeedle(['info', '--data', data(), '--json'])).stdout) as Info;

  beforeAll(async () => {
    const db = await Database.open(resolveDataFile(data()));
    const docs = await db.createCollection('docs', { dimensions: 4, distance: 'cosine' });
    await docs.insertMany(
      Array.from({ length: 400 }, (_, i) => ({ id: `d${i}`, vector: [1 + (i % 7), 2, 3, i % 5] })),
    );
    await docs.deleteMany(Array.from({ length: 150 }, (_, i) => `d${i}`));
    await db.createCollection('clean', { dimensions: 2 });
    await db.close();
  });

  it('reports what a dry run would reclaim and changes nothing', async () => {
    const before = (await info()).collections.find((c) => c.name === 'docs')!;
    expect(before.count).toBe(250);
    const run = await runNeedle(['compact', 'docs', '--data', data(), '--dry-run', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      dryRun: true,
      compacted: [{ collection: 'docs', removed: before.deletedCount, vectors: 250 }],
    });
    expect((await info()).collections.find((c) => c.name === 'docs')).toEqual(before);
  });

  it('compacts a collection, reporting what it removed, the file before and after, and progress', async () => {
    const before = (await info()).collections.find((c) => c.name === 'docs')!;
    const run = await runNeedle(['compact', 'docs', '--data', data(), '--progress-interval', '1']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(
        `^compacted "docs" in [\\d.]+ s: removed ${before.deletedCount} deleted vectors, freed .+ of index memory; file .+ → .+; 250 live vectors$`,
        'm',
      ),
    );
    // The engine's phases, each ending complete.
    expect(run.stderr).toMatch(/^compact docs: rebuild \| 100% \| 250\/250 \|/m);
    expect(run.stderr).toMatch(/^compact docs: vacuum \| 100% \| 1\/1 \|/m);
    expect((await info()).collections.find((c) => c.name === 'docs')).toMatchObject({
      count: 250,
      deletedCount: 0,
    });
  });

  it('with --all, compacts the collections that have deleted vectors and names the others', async () => {
    const run = await runNeedle(['compact', '--all', '--data', data(), '--json']);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as {
      compacted: { collection: string }[];
      unchanged: string[];
    };
    // Both are clean after the compaction above.
    expect(summary).toMatchObject({ compacted: [], unchanged: ['clean', 'docs'] });
    expect((await runNeedle(['compact', '--all', '--data', data()])).stdout).toContain(
      'nothing to compact in "clean", "docs" (no deleted vectors)',
    );
  });

  it('checkpoints and reports the WAL and file', async () => {
    const run = await runNeedle(['checkpoint', '--data', data()]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^checkpoint of data directory .* done in [\d.]+ ms: \d+ pages moved/m,
    );
    expect(run.stdout).toMatch(/WAL .* → .*, file [\d.]+ (KiB|MiB)/);
    const json = JSON.parse(
      (await runNeedle(['checkpoint', '--data', data(), '--json'])).stdout,
    ) as {
      pagesCheckpointed: number;
      storage: { fileBytes: number; walBytes: number };
    };
    expect(json.pagesCheckpointed).toBeGreaterThanOrEqual(0);
    expect(json.storage.fileBytes).toBeGreaterThan(0);
  });

  it('refuses a collection that does not exist', async () => {
    const run = await runNeedle(['compact', 'nope', '--data', data()]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('needle: collection "nope" does not exist');
  });
});

describe('the data directory', () => {
  it('is refused clearly while another process holds it', async () => {
    const data = dir('locked');
    writeFileSync(join(root, 'one.jsonl'), records(1, 8));
    expect(
      (await runNeedle(['import', 'x', join(root, 'one.jsonl'), '--data', data, '--create'])).code,
    ).toBe(0);
    const release = acquireDataDirLock(data, { owner: 'needle serve on http://127.0.0.1:8080' });
    try {
      for (const args of [
        ['info'],
        ['export', 'x'],
        ['import', 'x', join(root, 'one.jsonl')],
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
    const config = join(root, 'server.json');
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

describe('a reader that stops reading standard output', () => {
  it('ends an export quietly, with no error and no stack trace', async () => {
    const data = dir('pipe');
    const input = records(3000, 16);
    expect(
      (await runNeedle(['import', 'docs', '-', '--data', data, '--create'], { input })).code,
    ).toBe(0);
    const running = startNeedle(['export', 'docs', '--data', data, '--page-size', '100']);
    await Promise.race([
      new Promise((resolve) => running.child.stdout!.once('data', resolve)),
      running.done,
    ]);
    running.child.stdout!.destroy();
    const run = await running.done;
    expect(run.stderr).not.toContain('needle:');
    expectNoStackTrace(run.stderr);
    expect(run.code).toBe(0);
    // The lock was released: the directory opens again.
    expect((await runNeedle(['info', '--data', data])).code).toBe(0);
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

describe('Ctrl-C', () => {
  it('stops an import at the next batch, keeps what was written, exits with 130', async () => {
    const data = dir('interrupted');
    const running = startNeedle([
      'import',
      'docs',
      '-',
      '--data',
      data,
      '--create',
      '--batch',
      '100',
      '--progress-interval',
      '50',
    ]);
    // Standard input stays open, as when reading from a slow producer.
    running.child.stdin!.write(records(300, 4));
    await expect
      .poll(() => running.stderr(), { timeout: 30_000, interval: 50 })
      .toContain('300 vectors');
    running.child.kill('SIGINT');
    const run = await running.done;
    expect(run.code).toBe(130);
    expect(run.stderr).toContain('needle: interrupted; 300 vectors were imported before');
    const info = JSON.parse((await runNeedle(['info', '--data', data, '--json'])).stdout) as {
      totalVectors: number;
    };
    expect(info.totalVectors).toBe(300);
  });
});
