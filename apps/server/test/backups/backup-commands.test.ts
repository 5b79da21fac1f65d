import { readdirSync, truncateSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadServerConfig } from '../../src/config.js';
import { createServer } from '../../src/server/create-server.js';
import type { NeedleServer } from '../../src/server/create-server.js';
import { expectNoStackTrace, records, useTempRoot } from '../data-commands/fixtures.js';
import { runNeedle } from '../data-commands/run-needle.js';
import { LogCapture } from '../helpers.js';

const { dir } = useTempRoot('needle-backup-commands-');

/** Runs `needle`, expecting success; its standard output. */
async function needle(args: string[]): Promise<string> {
  const run = await runNeedle(args);
  expectNoStackTrace(run.stderr);
  expect(run.stderr, args.join(' ')).not.toContain('needle:');
  expect(run.code, `${args.join(' ')}\n${run.stderr}`).toBe(0);
  return run.stdout;
}

async function exported(data: string): Promise<string> {
  return needle(['export', 'docs', '--data', data, '--no-progress']);
}

describe('needle backup and needle restore on a data directory', () => {
  const data = () => dir('data');
  let full: string;
  let incremental: string;
  let atFull: string;
  let atIncremental: string;

  beforeAll(async () => {
    writeFileSync(dir('first.jsonl'), records(300, 8));
    writeFileSync(dir('second.jsonl'), records(150, 8, 300));
  });

  it('backs up, lists, verifies and restores each point into a new data directory, byte for byte', async () => {
    await needle([
      'import',
      'docs',
      dir('first.jsonl'),
      '--data',
      data(),
      '--create',
      '--no-progress',
    ]);
    atFull = await exported(data());
    const first = JSON.parse(
      await needle(['backup', '--full', '--data', data(), '--json', '--progress-interval', '10']),
    ) as { backup_id: string; type: string; bytes: number };
    expect(first).toMatchObject({ type: 'full' });
    expect(first.bytes).toBeGreaterThan(0);
    full = first.backup_id;

    await needle(['import', 'docs', dir('second.jsonl'), '--data', data(), '--no-progress']);
    atIncremental = await exported(data());
    const second = await runNeedle(['backup', '--data', data(), '--progress-interval', '10']);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(
      /^backed up (\S+) \(incremental on (\S+), .* up to seq \d+, [\d.]+ s\)\n$/,
    );
    // Standard error is no terminal here: plain progress lines, one per phase at least.
    expect(second.stderr).toMatch(/^backup: upload \| /m);
    incremental = /^backed up (\S+)/.exec(second.stdout)![1]!;

    const listing = JSON.parse(await needle(['backup', 'list', '--data', data(), '--json'])) as {
      source: string;
      backups: { id: string; chain: string; type: string }[];
      chains: { id: string; backups: number }[];
    };
    expect(listing.source).toBe('catalog');
    expect(listing.backups.map((b) => [b.id, b.type, b.chain])).toEqual([
      [full, 'full', full],
      [incremental, 'incremental', full],
    ]);
    expect(listing.chains).toEqual([expect.objectContaining({ id: full, backups: 2 })]);
    const table = await needle(['backup', 'list', '--data', data()]);
    expect(table).toContain('2 in 1 chain');
    expect(table).toMatch(new RegExp(`${incremental}\\s+incremental\\s+${full}`));

    const verified = await needle(['backup', 'verify', full, '--data', data(), '--no-progress']);
    expect(verified).toMatch(
      new RegExp(`^backup ${full} is restorable: chain of 1 restored and checked in`),
    );
    expect(await needle(['backup', 'list', '--data', data()])).toMatch(/ok \d{4}-\d\d-\d\d/);

    const restored = await needle([
      'restore',
      full,
      '--to',
      dir('at-full'),
      '--data',
      data(),
      '--no-progress',
    ]);
    expect(restored).toMatch(
      new RegExp(
        `^restored backup ${full} \\(seq \\d+, chain of 1, 1 collections, 300 vectors\\) into ${dir('at-full')}/needle.needle`,
      ),
    );
    expect(await exported(dir('at-full'))).toBe(atFull);

    await needle(['restore', '--to', dir('latest'), '--data', data(), '--no-progress']);
    expect(await exported(dir('latest'))).toBe(atIncremental);
    // Fourteen command runs, each a process of its own: slow on a loaded machine.
  }, 240_000);

  it('restores to a point in time and in place, keeping the replaced database', async () => {
    const listing = JSON.parse(await needle(['backup', 'list', '--data', data(), '--json'])) as {
      backups: { id: string; seq_to: number }[];
    };
    await needle([
      'restore',
      '--at',
      String(listing.backups[0]!.seq_to),
      '--to',
      dir('at-seq.needle'),
      '--data',
      data(),
      '--no-progress',
    ]);
    expect(statSync(dir('at-seq.needle')).isFile()).toBe(true);

    // Point-in-time: ten changes into the incremental, and a point no chain covers.
    const inside = listing.backups[0]!.seq_to + 10;
    const until = await needle([
      'restore',
      '--until',
      String(inside),
      '--to',
      dir('until'),
      '--data',
      data(),
      '--no-progress',
    ]);
    expect(until).toMatch(
      new RegExp(
        `^restored seq ${inside} \\(\\S+\\) from backup ${listing.backups[1]!.id} \\(chain of 2, 1 collections, 310 vectors\\)`,
      ),
    );
    expect((await exported(dir('until'))).trim().split('\n')).toHaveLength(310);
    const beyond = await runNeedle([
      'restore',
      '--until',
      String(listing.backups[1]!.seq_to + 100),
      '--to',
      dir('beyond'),
      '--data',
      data(),
      '--no-progress',
    ]);
    expectNoStackTrace(beyond.stderr);
    expect(beyond.code).toBe(1);
    expect(beyond.stderr).toContain('no backup chain covers seq');

    const run = await runNeedle(['restore', full, '--in-place', '--data', data(), '--no-progress']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/the replaced database is kept in .*needle\.needle\.pre-restore-/);
    expect(await exported(data())).toBe(atFull);
    expect(readdirSync(data()).some((f) => f.startsWith('needle.needle.pre-restore-'))).toBe(true);
  });

  it('lists and verifies from the backup directory alone when there is no database', async () => {
    const out = await needle([
      'backup',
      'list',
      '--data',
      dir('empty'),
      '--backup-dir',
      join(data(), 'backups'),
    ]);
    expect(out).toContain('read from the target: no database here');
    expect(out).toContain(full);
    expect(out).toContain(incremental);
    const verified = await needle([
      'backup',
      'verify',
      incremental,
      '--data',
      dir('empty'),
      '--backup-dir',
      join(data(), 'backups'),
      '--no-progress',
    ]);
    expect(verified).toContain(`backup ${incremental} is restorable: chain of 2`);
  });

  it('reports a damaged backup as not restorable (status 4) and usage errors with status 2', async () => {
    const object = join(data(), 'backups', full, 'database.nsf');
    truncateSync(object, Math.floor(statSync(object).size / 2));
    const run = await runNeedle([
      'backup',
      'verify',
      incremental,
      '--data',
      data(),
      '--no-progress',
    ]);
    expectNoStackTrace(run.stderr);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain(`needle: backup ${incremental} is not restorable: BACKUP_CORRUPT`);

    const both = await runNeedle([
      'restore',
      full,
      '--in-place',
      '--to',
      dir('x'),
      '--data',
      data(),
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('needle: give either --to <path> or --in-place');
    const badAt = await runNeedle([
      'restore',
      '--at',
      'yesterday',
      '--to',
      dir('x'),
      '--data',
      data(),
    ]);
    expect(badAt.code).toBe(2);
    expect(badAt.stderr).toContain('expected a change-log seq');
  });
});

describe('needle backup and needle restore against a running server', () => {
  let server: NeedleServer;
  let url: string;
  const data = () => dir('served');

  beforeAll(async () => {
    await needle([
      'import',
      'docs',
      dir('first.jsonl'),
      '--data',
      data(),
      '--create',
      '--no-progress',
    ]);
    server = await createServer(
      loadServerConfig({ flags: { port: '0', data: data(), authMode: 'development' }, env: {} }),
      { logStream: new LogCapture(), announce: () => undefined },
    );
    url = await server.start();
    await server.opened();
  });

  afterAll(async () => {
    await server.close();
  });

  it('refuses the data directory the server holds, and works through --url instead', async () => {
    const locked = await runNeedle(['backup', '--data', data()]);
    expect(locked.code).toBe(1);
    expect(locked.stderr).toMatch(
      /needle: the data directory .* is in use by process \d+ .*needle serve/,
    );
    expect(locked.stderr).toContain('--url');

    const first = JSON.parse(await needle(['backup', '--full', '--url', url, '--json'])) as {
      backup_id: string;
    };
    const before = await (await fetch(`${url}/v1/collections/docs`)).json();
    await fetch(`${url}/v1/collections/docs/vectors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'later', vector: [1, 2, 3, 4, 5, 6, 7, 8] }),
    });
    const second = JSON.parse(await needle(['backup', '--url', url, '--json'])) as {
      type: string;
      parent_id: string;
    };
    expect(second).toMatchObject({ type: 'incremental', parent_id: first.backup_id });
    expect(await needle(['backup', 'list', '--url', url])).toContain('2 in 1 chain');
    expect(await needle(['backup', 'verify', '--url', url, '--no-progress'])).toContain(
      'is restorable',
    );

    const restored = await needle([
      'restore',
      first.backup_id,
      '--in-place',
      '--url',
      url,
      '--no-progress',
    ]);
    expect(restored).toContain(`restored backup ${first.backup_id}`);
    expect((await fetch(`${url}/ready`)).status).toBe(200);
    expect(await (await fetch(`${url}/v1/collections/docs`)).json()).toEqual(before);

    const usage = await runNeedle(['backup', '--url', url, '--backup-dir', dir('x')]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain(
      'needle: --backup-dir applies to a data directory, not to --url',
    );
  });
});
