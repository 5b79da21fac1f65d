import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { serverConfigSchema } from '../src/config.js';
import type { ServerConfigInput } from '../src/config.js';
import { createServer } from '../src/server/create-server.js';
import type { NeedleServer } from '../src/server/create-server.js';
import { LogCapture, tempDir } from './helpers.js';

/** A console build as `next build` lays out a static export with trailing slashes. */
function writeBuild(root: string): void {
  const file = (path: string, text: string) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  file('index.html', '<!doctype html><title>Overview</title>');
  file('404.html', '<!doctype html><title>Not found</title>');
  file('collections/index.html', '<!doctype html><title>Collections</title>');
  file('_next/static/chunks/app.js', 'console.log(1)');
  file('icon.svg', '<svg xmlns="http://www.w3.org/2000/svg"/>');
}

describe('the console served at /console', () => {
  let dir: ReturnType<typeof tempDir>;
  let server: NeedleServer | undefined;
  beforeEach(() => {
    dir = tempDir('needle-console-');
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    dir.remove();
  });

  async function serve(settings: ServerConfigInput['console'], log = new LogCapture()) {
    const config = serverConfigSchema.parse({
      port: 0,
      dataDir: join(dir.path, 'data'),
      auth: { mode: 'development' },
      console: settings,
    });
    server = await createServer(config, { logStream: log, announce: () => undefined });
    return server.start();
  }

  it('serves pages and assets from the build with a policy that keeps everything same-origin', async () => {
    const build = join(dir.path, 'out');
    writeBuild(build);
    const url = await serve({ dir: build });

    const index = await fetch(`${url}/console/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await index.text()).toContain('<title>Overview</title>');
    const csp = index.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("default-src 'none'");
    expect(index.headers.get('cache-control')).toBe('no-cache');

    const bare = await fetch(`${url}/console/collections`, { redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/console/collections/');
    expect(await (await fetch(`${url}/console/collections/`)).text()).toContain('Collections');

    const asset = await fetch(`${url}/console/_next/static/chunks/app.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');

    const missing = await fetch(`${url}/console/no-such-page/`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('<title>Not found</title>');

    // A browser's request for the origin's favicon finds the console's icon.
    const favicon = await fetch(`${url}/favicon.ico`, { redirect: 'manual' });
    expect(favicon.status).toBe(302);
    expect(favicon.headers.get('location')).toBe('/console/icon.svg');
    const icon = await fetch(`${url}/favicon.ico`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toMatch(/^image\/svg\+xml/);

    // The API keeps its own policy and JSON errors.
    const api = await fetch(`${url}/v1/no-such-route`);
    expect(api.status).toBe(404);
    expect(api.headers.get('content-security-policy')).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
  });

  it('answers 404 with how to build the console when there is no build', async () => {
    const log = new LogCapture();
    const url = await serve({ dir: join(dir.path, 'nothing-here') }, log);
    const response = await fetch(`${url}/console/`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      code: 'NOT_FOUND',
      help: expect.stringContaining('npm run build -w @needle/console'),
    });
    expect(log.text.join('')).toContain('the console is not built');
  });

  it('serves nothing at /console when it is turned off', async () => {
    const build = join(dir.path, 'out');
    writeBuild(build);
    const url = await serve({ enabled: false, dir: build });
    const response = await fetch(`${url}/console/`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'NOT_FOUND' });
    expect((await fetch(`${url}/favicon.ico`)).status).toBe(404);
  });

  it('answers a tRPC batch of many procedures, as a console page sends it', async () => {
    const url = await serve({ enabled: false });
    for (let i = 0; i < 200 && (await fetch(`${url}/ready`)).status !== 200; i++)
      await new Promise((resolve) => setTimeout(resolve, 25));
    const paths = Array.from({ length: 40 }, () => 'collections.list');
    const body = Object.fromEntries(paths.map((_, i) => [String(i), {}]));
    const res = await fetch(`${url}/trpc/${paths.join(',')}?batch=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    const answers = (await res.json()) as { result: { data: { collections: unknown[] } } }[];
    expect(answers).toHaveLength(40);
    expect(answers[39]!.result.data.collections).toEqual([]);
  });
});
