import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The repository's root. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The alert rule the e2e server fires after 4 s instead of its own `for`: the alerts spec
 * lowers its thresholds to trigger it. Its value (resident memory over the memory limit) is
 * always present and far below its default thresholds.
 */
export const E2E_FAST_RULE = 'NeedleMemoryHigh';

/** A running `needle serve` process. */
export interface RunningServer {
  /** `http://127.0.0.1:<port>`; the console is at `/console/`. */
  url: string;
  /** Stops the server (SIGTERM, then SIGKILL after 15 s) and removes its data. */
  stop: () => Promise<void>;
}

/**
 * Starts the real server (`apps/server/bin/needle.js serve`) on a free port over a fresh data
 * directory, serving the console's build, and waits until `/ready` answers 200. `env` adds
 * `NEEDLE_*` settings (an admin key, the auth mode...); `config` adds top-level sections of
 * the config file (`{ alerts: { sampleIntervalMs: 1000 } }`).
 */
export async function startNeedleServer(
  env: Record<string, string>,
  config: Record<string, unknown> = {},
): Promise<RunningServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'needle-e2e-'));
  // Every test starts signed out in a new browser context and some sign in with refused
  // keys on purpose: far more refusals a minute from 127.0.0.1 than a person makes, so the
  // failed sign-in limit (tested in packages/security) is raised here.
  const configFile = join(dataDir, 'needle.json');
  writeFileSync(configFile, JSON.stringify({ auth: { maxFailures: 1000 }, ...config }));
  const server = spawn(process.execPath, [join(repoRoot, 'apps/server/bin/needle.js'), 'serve'], {
    cwd: dataDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NEEDLE_HOST: '127.0.0.1',
      NEEDLE_PORT: '0',
      NEEDLE_DATA_DIR: join(dataDir, 'data'),
      NEEDLE_CONSOLE_DIR: join(repoRoot, 'apps/console/out'),
      NEEDLE_LOG_LEVEL: 'info',
      NEEDLE_CONFIG: configFile,
      ...env,
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
    return { url, stop };
  } catch (err) {
    await stop();
    throw new Error(
      `the Needle server did not start: ${(err as Error).message}\n${stderr.join('')}`,
    );
  }
}

/** The URL of the server's `listening` log line (it listens on a free port). */
function listeningUrl(server: ReturnType<typeof spawn>): Promise<string> {
  return new Promise((resolve, reject) => {
    // Reading every line also keeps the pipe drained while the server runs.
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
