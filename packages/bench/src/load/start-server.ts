import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A `needle serve` child process on loopback with its own temporary data directory. */
export interface ServerUnderLoad {
  readonly url: string;
  readonly pid: number;
  /** Stops the server (SIGTERM, then SIGKILL after 10 s) and removes its data directory. */
  stop(): Promise<void>;
}

const CLI = fileURLToPath(new URL('../../../../apps/server/src/cli.ts', import.meta.url));

/** A port the kernel just handed out, so parallel runs don't collide. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

/**
 * Starts `needle serve` from source (no build needed) on a free loopback port and waits until
 * `/ready` answers 200. `env` adds `NEEDLE_*` settings (the load test turns the per-client
 * rate limit off so that it measures the server, not the limiter).
 */
export async function startServer(env: Record<string, string> = {}): Promise<ServerUnderLoad> {
  const dataDir = mkdtempSync(join(tmpdir(), 'needle-load-'));
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      '--conditions=@needle/source',
      '--import',
      'tsx',
      CLI,
      'serve',
      '--port',
      String(port),
      '--data',
      dataDir,
    ],
    {
      env: { ...process.env, NEEDLE_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await terminate(child);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitReady(url, child, () => stderr);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, pid: child.pid!, stop };
}

async function waitReady(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`needle serve exited with ${child.exitCode}:\n${stderr()}`);
    }
    try {
      const res = await fetch(`${url}/ready`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`needle serve did not become ready within 60 s:\n${stderr()}`);
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
