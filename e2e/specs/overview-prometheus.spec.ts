// The overview's Prometheus source: a Needle server of this spec's own, configured with
// `prometheus.url`, and Debian's real `prometheus` scraping it every second on a free port.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect, test as base } from '../support/fixtures.js';
import { startNeedleServer } from '../support/needle-server.js';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function waitReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline)
      throw new Error(`${url} was not ready within ${String(timeoutMs)} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const test = base.extend({
  // Playwright's fixtures take their dependencies by destructuring, `{}` when there are none.
  // eslint-disable-next-line no-empty-pattern
  server: async ({}, use) => {
    const adminKey = `e2e-prometheus-admin-${Date.now().toString(36)}-0123456789`;
    const port = await freePort();
    const prometheusUrl = `http://127.0.0.1:${String(port)}`;
    const needle = await startNeedleServer(
      { NEEDLE_ADMIN_API_KEY: adminKey, NEEDLE_PROMETHEUS_URL: prometheusUrl },
      { alerts: { sampleIntervalMs: 1000 } },
    );
    const dir = mkdtempSync(join(tmpdir(), 'needle-e2e-prometheus-'));
    const config = join(dir, 'prometheus.yml');
    // JSON is YAML.
    writeFileSync(
      config,
      JSON.stringify({
        global: { scrape_interval: '1s', scrape_timeout: '1s' },
        scrape_configs: [
          { job_name: 'needle', static_configs: [{ targets: [new URL(needle.url).host] }] },
        ],
      }),
    );
    const prometheus = spawn(
      'prometheus',
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${String(port)}`,
      ],
      { stdio: 'ignore' },
    );
    try {
      await waitReady(`${prometheusUrl}/-/ready`, 30_000);
      await use({ url: needle.url, adminKey });
    } finally {
      if (prometheus.exitCode === null && prometheus.signalCode === null) {
        const exited = new Promise((resolve) => prometheus.once('exit', resolve));
        prometheus.kill('SIGTERM');
        const timer = setTimeout(() => prometheus.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await needle.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
});

test('the overview charts from Prometheus when the server has one, over longer ranges', async ({
  page,
  server,
  signIn,
  saveScreenshot,
}) => {
  test.setTimeout(120_000);
  const headers = { 'x-api-key': server.adminKey, 'content-type': 'application/json' };
  const name = `e2e-prometheus-${Date.now().toString(36)}`;
  for (const [path, body] of [
    ['/v1/collections', { name, dimensions: 4 }],
    [
      `/v1/collections/${name}/vectors/batch`,
      {
        vectors: Array.from({ length: 40 }, (_, i) => ({
          id: `v${String(i)}`,
          vector: [Math.sin(i), Math.cos(i), (i % 7) / 7, 1],
        })),
      },
    ],
  ] as const) {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
    expect(response.status, `POST ${path}`).toBeLessThan(300);
  }

  await signIn();
  await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
  const sources = page.getByRole('group', { name: 'Source' });
  const ranges = page.getByRole('group', { name: 'Time range' });
  await expect(sources.getByRole('button', { name: 'Server' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  // The server's ring keeps 24 h: no longer ranges from it.
  await expect(ranges.getByRole('button', { name: '7 d' })).toHaveCount(0);

  await sources.getByRole('button', { name: 'Prometheus' }).click();
  await expect(sources.getByRole('button', { name: 'Prometheus' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  // Prometheus has scraped the vectors: the chart shows them, over the ring's ranges and the
  // longer ones only Prometheus offers.
  const vectors = page.getByTestId('chart-vectors');
  await expect(vectors.getByTestId('chart-last-value').first()).toHaveText('40', {
    timeout: 30_000,
  });
  await ranges.getByRole('button', { name: '7 d' }).click();
  await expect(ranges.getByRole('button', { name: '7 d' })).toHaveAttribute('aria-pressed', 'true');
  await expect(ranges.getByRole('button', { name: '30 d' })).toBeVisible();
  await expect(vectors.getByTestId('chart-last-value').first()).toHaveText('40', {
    timeout: 30_000,
  });
  await saveScreenshot('overview-prometheus');

  // Back to the server's samples: the long ranges go, the chart still draws.
  await sources.getByRole('button', { name: 'Server' }).click();
  await expect(ranges.getByRole('button', { name: '7 d' })).toHaveCount(0);
  await expect(ranges.getByRole('button', { name: '24 h' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await expect(vectors.getByTestId('chart-last-value').first()).toHaveText('40', {
    timeout: 30_000,
  });
});
