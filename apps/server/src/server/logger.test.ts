import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { LogCapture, tempDir, waitFor } from '../../test/helpers.js';
import { serverConfigSchema } from '../config.js';
import { REDACTED, createServerLogger, maskUrl } from './logger.js';

const logConfig = (log: object = {}) => serverConfigSchema.parse({ log }).log;

describe('server logger', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir('needle-log-');
  });
  afterEach(() => dir.remove());

  it('writes JSON lines with level, time and pid', async () => {
    const capture = new LogCapture();
    const { logger } = await createServerLogger(logConfig({ level: 'debug' }), { stream: capture });
    logger.debug({ port: 8080 }, 'listening');
    logger.trace('not at this level');
    const lines = capture.lines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 20, msg: 'listening', port: 8080, pid: process.pid });
    expect(typeof lines[0]!.time).toBe('number');
  });

  it('censors credentials, keys, vectors and bodies wherever they are logged', async () => {
    const capture = new LogCapture();
    const { logger } = await createServerLogger(logConfig(), { stream: capture });
    const secret = 'nk_live_5ecret5ecret';
    logger.info(
      {
        req: {
          headers: { authorization: `Bearer ${secret}`, 'x-api-key': secret, cookie: secret },
        },
        apiKey: secret,
        config: { encryption: { keySource: { type: 'raw', key: secret } }, password: secret },
        record: { id: 'a', vector: [0.123456, 0.654321], metadata: { ssn: secret } },
        body: { vectors: [[0.111111]] },
      },
      'everything that must not leak',
    );
    const text = capture.all();
    expect(text).not.toContain(secret);
    expect(text).not.toContain('0.123456');
    expect(text).not.toContain('0.111111');
    const line = capture.lines()[0]!;
    expect(line).toMatchObject({
      apiKey: REDACTED,
      body: REDACTED,
      req: { headers: { authorization: REDACTED, 'x-api-key': REDACTED, cookie: REDACTED } },
      config: { encryption: REDACTED, password: REDACTED },
      record: { id: 'a', vector: REDACTED, metadata: REDACTED },
    });
  });

  it('masks secret query parameters in URLs', () => {
    expect(maskUrl('/v1/collections?api_key=abc&limit=5')).toBe(
      `/v1/collections?api_key=${encodeURIComponent(REDACTED)}&limit=5`,
    );
    expect(maskUrl('/collections/docs?offset=10')).toBe('/collections/docs?offset=10');
    expect(maskUrl('/health')).toBe('/health');
  });

  it('rotates the log file by size and keeps the configured number of old files', async () => {
    const file = join(dir.path, 'logs', 'needle.log');
    const { logger, close } = await createServerLogger(
      logConfig({ file, rotateSize: '1k', keepFiles: 2 }),
    );
    const logs = join(dir.path, 'logs');
    const logFiles = () => readdirSync(logs).filter((f) => f.startsWith('needle.'));
    const newestNumber = () => Math.max(...logFiles().map(numberOf));
    let i = 0;
    for (let batch = 0; batch < 5; batch++) {
      const before = newestNumber();
      // Each batch passes the 1 KiB size, so a new file begins after it is written.
      for (let n = 0; n < 30; n++) logger.info({ i: i++, padding: 'x'.repeat(40) }, 'line');
      await waitFor(() => (newestNumber() > before ? true : undefined), 'a rotation');
    }
    // Old files beyond keepFiles are removed shortly after each rotation.
    await waitFor(() => (logFiles().length === 3 ? true : undefined), 'old files removed');
    logger.info({ i: i++ }, 'line');
    await close();
    const files = logFiles();
    expect(files.length).toBe(3);
    const newest = files.sort((a, b) => numberOf(a) - numberOf(b)).at(-1)!;
    const lines = readFileSync(join(dir.path, 'logs', newest), 'utf8')
      .trim()
      .split('\n');
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ msg: 'line', i: 150 });
  });

  it('refuses a log file it cannot write, naming it, instead of losing every line', async () => {
    // A directory cannot be made under a plain file, whoever runs the test.
    const blocker = join(dir.path, 'not-a-directory');
    writeFileSync(blocker, '');
    const file = join(blocker, 'logs', 'needle.log');
    await expect(createServerLogger(logConfig({ file }))).rejects.toThrow(
      `cannot write the log file ${file}: ENOTDIR`,
    );
  });
});

function numberOf(name: string): number {
  return Number(/\.(\d+)\.log$/.exec(name)?.[1] ?? -1);
}
