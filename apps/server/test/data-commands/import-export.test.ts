import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { expectNoStackTrace, records, useTempRoot } from './fixtures.js';
import { runNeedle, startNeedle } from './run-needle.js';

const { dir, root } = useTempRoot('needle-import-export-');

describe('needle import, info and export on a data directory', () => {
  const data = () => dir('main');
  const source = () => join(root(), 'docs.jsonl');

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
    const first = join(root(), 'export-1.jsonl');
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
    const second = join(root(), 'export-2.jsonl');
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
    const target = join(root(), 'export-1.jsonl');
    const before = readFileSync(target);
    const run = await runNeedle(['export', 'docs', '--data', data(), '--out', target]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('needle: ');
    expect(run.stderr).toContain('exists already');
    expect(run.stderr).toContain('--force');
    expect(readFileSync(target)).toEqual(before);
    expect(readdirSync(root()).filter((f) => f.includes('.partial'))).toEqual([]);
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
      join(root(), 'progress.jsonl'),
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
  const file = () => join(root(), 'bad.jsonl');

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
