import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { E2E_FAST_RULE, repoRoot, startNeedleServer } from './needle-server.js';

/**
 * Starts a real Needle server for the run: the console's production build (built first when
 * out of date), a fresh data directory, a free port and an operator admin key given through
 * the environment. Tests read `NEEDLE_E2E_URL` and `NEEDLE_E2E_ADMIN_KEY`; the returned
 * function stops the server and removes its data.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const built =
    existsSync(join(repoRoot, 'apps/console/out/index.html')) &&
    existsSync(join(repoRoot, 'apps/server/dist/cli.js'));
  // Under turbo (`npm test`) the test task already depends on these builds; run alone, build
  // whatever changed (turbo's cache makes an up-to-date build a no-op).
  if (!process.env.TURBO_HASH || !built) {
    const build = spawnSync(
      'npx',
      ['turbo', 'run', 'build', '--filter=@needle/e2e^...', '--output-logs=errors-only'],
      { cwd: repoRoot, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } },
    );
    if (build.status !== 0) throw new Error('building the console and the server failed');
  }

  const adminKey = `e2e-admin-${randomBytes(16).toString('hex')}`;
  const server = await startNeedleServer(
    {
      NEEDLE_ADMIN_API_KEY: adminKey,
      NEEDLE_AUTH_MODE: 'enforce',
      // Every search is recorded as slow, so the explain page's slow-query log has entries.
      NEEDLE_SLOW_QUERY_MS: '0',
    },
    {
      // Charts and alerts move within a test: a sample a second (5 s by default), and the
      // rule the alerts spec triggers waits 4 s (not 5 min) before it fires, so its pending
      // state is seen first.
      alerts: { sampleIntervalMs: 1000, for: { [E2E_FAST_RULE]: '4s' } },
      // Every search re-run exactly, so the recall chart has a value.
      recall: { sampleRate: 1 },
    },
  );
  process.env.NEEDLE_E2E_URL = server.url;
  process.env.NEEDLE_E2E_ADMIN_KEY = adminKey;
  return server.stop;
}
