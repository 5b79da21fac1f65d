import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const consoleBuild = join(root, 'apps/console/out/index.html');
const serverBuild = join(root, 'apps/server/dist/cli.js');

/**
 * Starts a real Needle server for the run: the console's production build (built first when
 * out of date), a fresh data directory, a free port and an operator admin key given through the
 * environment. Tests read `NEEDLE_E2E_URL` and `NEEDLE_E2E_ADMIN_KEY`; the returned function
 * stops the server and removes its data.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  // Under turbo (`npm test`), the test task already depends on these builds; run alone,
  // build whatever changed (turbo's cache makes an up-to-date build a no-op).
  if (!process.env.TURBO_HASH || !existsSync(consoleBuild) || !existsSync(serverBuild)) {
    const build = spawnSync(
      'npx',
      ['turbo', 'run', 'build', '--filter=@needle/e2e^...', '--output-logs=errors-only'],
      { cwd: root, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } },
    );
    if (build.status !== 0) throw new Error('building the console and the server failed');
  }

  const dataDir = mkdtempSync(join(tmpdir(), 'needle-e2e-'));
  const adminKey = `e2e-admin-${randomBytes(16).toString('hex')}`;
  const server = spawn(process.execPath, [join(root, 'apps/server/bin/needle.js'), 'serve'], {
    cwd: dataDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NEEDLE_HOST: '127.0.0.1',
      NEEDLE_PORT: '0',
      NEEDLE_DATA_DIR: join(dataDir, 'data'),
      NEEDLE_ADMIN_API_KEY: adminKey,
      NEEDLE_AUTH_MODE: 'enforce',
      NEEDLE_CONSOLE_DIR: join(root, 'apps/console/out'),
      NEEDLE_LOG_LEVEL: 'info',
    },
  });
  const stderr: string[] = [];
  server.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));

  const stop = async (): Promise<void> => {
    if (server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      const timer = setTimeout(() => server.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    const url = await listeningUrl(server);
    await waitUntilReady(url);
    process.env.NEEDLE_E2E_URL = url;
    process.env.NEEDLE_E2E_ADMIN_KEY = adminKey;
  } catch (err) {
    await stop();
    throw new Error(
      `the Needle server did not start: ${(err as Error).message}\n${stderr.join('')}`,
    );
  }
  return stop;
}

/** The URL of the server's `listening` log line (it listens on a free port). */
function listeningUrl(server: ReturnType<typeof spawn>): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: server.stdout! });
    const timer = setTimeout(() => reject(new Error('no "listening" line in 60 s')), 60_000);
    server.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === 'listening' && entry.url) {
          clearTimeout(timer);
          resolve(entry.url);
        }
      } catch {
        // Not a log line.
      }
    });
  });
}

async function waitUntilReady(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const response = await fetch(`${url}/ready`).catch(() => undefined);
    if (response?.status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url}/ready did not answer 200 in 60 s`);
}
