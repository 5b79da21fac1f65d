import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { ConfigError, loadServerConfig } from './config.js';

describe('loadServerConfig', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'needle-config-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function configFile(value: unknown): string {
    const path = join(dir, 'needle.json');
    writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
    return path;
  }

  function problemsOf(run: () => unknown): readonly string[] {
    try {
      run();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).code).toBe('INVALID_CONFIG');
      return (err as ConfigError).problems;
    }
    throw new Error('expected a ConfigError');
  }

  it('defaults to the embedded default and the contract limits', () => {
    const config = loadServerConfig({ env: {} });
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      dataDir: './data',
      maxBodyBytes: 10 * 1024 * 1024,
      maxBatchSize: 10_000,
      queryTimeoutMs: 30_000,
      memoryLimitBytes: 0,
      log: { level: 'info' },
      database: {},
    });
    expect(config.log.file).toBeUndefined();
  });

  it('reads recall monitoring and slow-query settings, fractions included, and refuses bad ones', () => {
    const defaults = loadServerConfig({ env: {} });
    expect(defaults.recall).toEqual({
      sampleRate: 0.01,
      window: 1000,
      maxCpuShare: 0.1,
      maxQueue: 64,
    });
    expect(defaults.slowQuery).toEqual({
      enabled: true,
      thresholdMs: 100,
      maxEntries: 10_000,
      maxAgeDays: 7,
    });
    const config = loadServerConfig({
      env: { NEEDLE_RECALL_SAMPLE_RATE: '0.25', NEEDLE_SLOW_QUERY_MS: '12.5' },
      flags: { recallMaxCpuShare: '0.05' },
    });
    expect(config.recall).toMatchObject({ sampleRate: 0.25, maxCpuShare: 0.05 });
    expect(config.slowQuery.thresholdMs).toBe(12.5);
    expect(
      problemsOf(() => loadServerConfig({ env: { NEEDLE_RECALL_SAMPLE_RATE: 'often' } })),
    ).toEqual(['NEEDLE_RECALL_SAMPLE_RATE: expected a number, got "often"']);
    const problems = problemsOf(() =>
      loadServerConfig({
        env: {},
        flags: {
          config: configFile({ recall: { maxCpuShare: 0 }, slowQuery: { thresholdMs: -1 } }),
        },
      }),
    ).join('\n');
    expect(problems).toContain('recall.maxCpuShare');
    expect(problems).toContain('slowQuery.thresholdMs');
  });

  it('takes flags over environment over file over defaults', () => {
    const file = configFile({
      host: '0.0.0.0',
      port: 7000,
      maxBatchSize: 500,
      queryTimeoutMs: 1000,
      rateLimit: { max: 10, windowMs: 5000 },
      database: { wal: { syncMode: 'normal', checkpointIntervalMs: 1000 } },
    });
    const config = loadServerConfig({
      env: {
        NEEDLE_CONFIG: file,
        NEEDLE_PORT: '7001',
        NEEDLE_MAX_BATCH_SIZE: '600',
        NEEDLE_RATE_LIMIT: '20',
        NEEDLE_WAL_SYNC_MODE: 'off',
        NEEDLE_MEMORY_LIMIT: '2GiB',
        UNRELATED: 'x',
      },
      flags: { port: '7002', rateLimit: '30' },
    });
    expect(config.host).toBe('0.0.0.0'); // file
    expect(config.queryTimeoutMs).toBe(1000); // file
    expect(config.maxBatchSize).toBe(600); // env over file
    expect(config.port).toBe(7002); // flag over env over file
    expect(config.rateLimit).toMatchObject({ max: 30, windowMs: 5000 }); // flag, and file kept
    expect(config.database.wal).toEqual({ syncMode: 'off', checkpointIntervalMs: 1000 });
    expect(config.memoryLimitBytes).toBe(2 * 1024 ** 3);
  });

  it('reads the config file named by --config before NEEDLE_CONFIG', () => {
    const flagged = configFile({ port: 9100 });
    const other = join(dir, 'other.json');
    writeFileSync(other, JSON.stringify({ port: 9200 }));
    expect(
      loadServerConfig({ env: { NEEDLE_CONFIG: other }, flags: { config: flagged } }).port,
    ).toBe(9100);
  });

  it('accepts sizes with units in the file, the environment and flags', () => {
    const file = configFile({ maxBodyBytes: '1MiB' });
    expect(loadServerConfig({ env: {}, flags: { config: file } }).maxBodyBytes).toBe(1024 * 1024);
    expect(loadServerConfig({ env: { NEEDLE_MAX_BODY_BYTES: '64k' } }).maxBodyBytes).toBe(65536);
    expect(loadServerConfig({ env: {}, flags: { maxBody: '2MB' } }).maxBodyBytes).toBe(2_000_000);
  });

  it('names the bad value and where it came from', () => {
    expect(problemsOf(() => loadServerConfig({ env: { NEEDLE_PORT: 'eighty' } }))).toEqual([
      'NEEDLE_PORT: expected an integer, got "eighty"',
    ]);
    const [range] = problemsOf(() => loadServerConfig({ env: {}, flags: { port: '70000' } }));
    expect(range).toMatch(/^port: .*65535.* \(got 70000, from --port\)$/);
    const [mode] = problemsOf(() =>
      loadServerConfig({ env: { NEEDLE_WAL_SYNC_MODE: 'sometimes' } }),
    );
    expect(mode).toMatch(/^database\.wal\.syncMode: .*"fsync".* from NEEDLE_WAL_SYNC_MODE\)$/);
    const file = configFile({ port: 8081, maxBatchSize: 0, log: { level: 'loud' } });
    const problems = problemsOf(() => loadServerConfig({ env: { NEEDLE_CONFIG: file } }));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^maxBatchSize: .* \(got 0, from config file .*needle\.json\)$/);
    expect(problems[1]).toMatch(/^log\.level: /);
  });

  it('rejects unknown settings, a missing file and malformed JSON', () => {
    const typo = configFile({ prot: 8080 });
    expect(problemsOf(() => loadServerConfig({ env: {}, flags: { config: typo } }))).toEqual([
      'prot: unknown setting',
    ]);
    const [missing] = problemsOf(() =>
      loadServerConfig({ env: { NEEDLE_CONFIG: join(dir, 'absent.json') } }),
    );
    expect(missing).toMatch(/absent\.json: cannot be read/);
    const broken = configFile('{"port": 80,');
    const [json] = problemsOf(() => loadServerConfig({ env: { NEEDLE_CONFIG: broken } }));
    expect(json).toMatch(/needle\.json: not valid JSON/);
    const [size] = problemsOf(() => loadServerConfig({ env: { NEEDLE_MEMORY_LIMIT: 'lots' } }));
    expect(size).toBe(
      'NEEDLE_MEMORY_LIMIT: expected a size such as 10MiB, 512MB or 1048576, got "lots"',
    );
  });

  it('configures the alerts evaluated in the server, and refuses a `for` of an unknown rule', () => {
    const defaults = loadServerConfig({ env: {} }).alerts;
    expect(defaults).toEqual({
      enabled: true,
      sampleIntervalMs: 5000,
      retentionMs: 86_400_000,
      maxSeries: 1000,
      historyRetentionDays: 90,
      historyMaxEntries: 10_000,
      for: {},
    });
    const file = configFile({ alerts: { for: { NeedleMemoryHigh: '30s' } } });
    const config = loadServerConfig({
      env: { NEEDLE_CONFIG: file, NEEDLE_ALERTS_SAMPLE_INTERVAL_MS: '1000' },
      flags: { alertsMaxSeries: '50' },
    });
    expect(config.alerts).toMatchObject({
      sampleIntervalMs: 1000,
      maxSeries: 50,
      for: { NeedleMemoryHigh: '30s' },
    });
    const bad = configFile({ alerts: { for: { NeedleTypo: '30s', NeedleMemoryHigh: 'soon' } } });
    const problems = problemsOf(() => loadServerConfig({ env: { NEEDLE_CONFIG: bad } }));
    expect(problems).toEqual([
      expect.stringMatching(/^alerts\.for\.NeedleMemoryHigh: expected a duration/),
      expect.stringMatching(/^alerts\.for\.NeedleTypo: no alert rule is named NeedleTypo/),
    ]);
    const [rounds] = problemsOf(() =>
      loadServerConfig({
        env: { NEEDLE_ALERTS_SAMPLE_INTERVAL_MS: '100', NEEDLE_ALERTS_RETENTION_MS: '2592000000' },
      }),
    );
    expect(rounds).toMatch(/^alerts\.retentionMs: .*at most 1000000 rounds/);
  });

  it('passes other engine settings through to the database', () => {
    const file = configFile({ database: { searchThreads: 4, limits: { maxK: 100 } } });
    const config = loadServerConfig({ env: { NEEDLE_CONFIG: file } });
    expect(config.database).toEqual({ searchThreads: 4, limits: { maxK: 100 } });
  });
});
