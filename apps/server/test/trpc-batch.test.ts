import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { serverConfigSchema } from '../src/config.js';
import { createServer } from '../src/server/create-server.js';
import type { NeedleServer } from '../src/server/create-server.js';
import { LogCapture, tempDir, waitFor } from './helpers.js';

describe('batched tRPC calls', () => {
  let dir: ReturnType<typeof tempDir>;
  let server: NeedleServer | undefined;
  beforeEach(() => {
    dir = tempDir('needle-trpc-batch-');
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    dir.remove();
  });

  it('answers a batch of many procedures, as a console page sends it', async () => {
    const config = serverConfigSchema.parse({
      port: 0,
      dataDir: join(dir.path, 'data'),
      auth: { mode: 'development' },
      log: { level: 'info' },
    });
    server = await createServer(config, { logStream: new LogCapture() });
    const url = await server.start();
    await waitFor(
      async () => ((await fetch(`${url}/ready`)).status === 200 ? true : undefined),
      'the server to be ready',
    );
    const calls = [
      'system.info',
      'alerts.rules',
      'alerts.active',
      ...Array.from({ length: 12 }, () => 'telemetry.query'),
    ];
    const inputs = Object.fromEntries(
      calls.map((path, i) => [
        String(i),
        path === 'telemetry.query' ? { query: 'needle-overview/vectors/0' } : undefined,
      ]),
    );
    expect(calls.join(',').length).toBeGreaterThan(100);
    const response = await fetch(`${url}/trpc/${calls.join(',')}?batch=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(inputs),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    const body = (await response.json()) as { result?: { data?: unknown } }[];
    expect(body).toHaveLength(calls.length);
    for (const answer of body) expect(answer.result?.data).toBeDefined();
  });
});
