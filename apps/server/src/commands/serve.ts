import { loadServerConfig } from '../config.js';
import { createServer } from '../server/create-server.js';
import type { NeedleServer } from '../server/create-server.js';

/** How long a stopped server may take to let go of the event loop before it is made to exit. */
const EXIT_GRACE_MS = 5_000;

/**
 * `needle serve`: loads the config (defaults, config file, `NEEDLE_*`, flags), starts the
 * server (listening before the database is open), and stops it gracefully on SIGINT or
 * SIGTERM: the listener closes, requests under way finish, the database is checkpointed and
 * closed, and the data directory's lock is released. A second signal exits at once. The
 * process exits with 1 when the database cannot be opened.
 */
export async function runServe(flags: Record<string, unknown>): Promise<void> {
  const config = loadServerConfig({ flags, env: process.env });
  const server = await createServer(config);
  try {
    await server.start();
  } catch (err) {
    await server.close();
    throw err;
  }

  let stopping: Promise<void> | undefined;
  const stop = (reason: string, exitCode: number): Promise<void> => {
    stopping ??= shutDown(server, reason, exitCode);
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      server.logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    void stop(signal, 0);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', () => {
    try {
      server.reloadTls();
    } catch (err) {
      // Keep serving with the certificate already loaded.
      server.logger.error({ err }, 'TLS reload failed; the previous certificate stays in use');
    }
  });

  try {
    await server.opened();
  } catch {
    await stop('the database could not be opened', 1);
  }
  await stopping;
}

async function shutDown(server: NeedleServer, reason: string, exitCode: number): Promise<void> {
  server.logger.info({ reason }, 'stopping');
  try {
    await server.close();
  } catch (err) {
    // The log may already be closed: say it on standard error.
    console.error(`needle: shutdown failed: ${(err as Error).message}`);
    exitCode = 1;
  }
  process.exitCode = exitCode;
  // Everything is closed; anything still holding the event loop must not keep a stopped
  // server's process alive.
  setTimeout(() => process.exit(exitCode), EXIT_GRACE_MS).unref();
}
