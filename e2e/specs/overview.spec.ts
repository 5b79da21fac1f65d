import { expect, test } from '../support/fixtures.js';

test('the overview charts move with traffic, draw the effective thresholds and change range', async ({
  page,
  server,
  signIn,
  saveScreenshot,
}) => {
  test.setTimeout(120_000);
  const admin = { 'x-api-key': server.adminKey, 'content-type': 'application/json' };
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: admin,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(response.status, `${method} ${path} answered`).toBeLessThan(300);
    return (await response.json()) as Record<string, unknown>;
  };

  await signIn();
  await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
  const vectors = page.getByTestId('chart-vectors');
  const memory = page.getByTestId('chart-memory');
  const wal = page.getByTestId('chart-wal');
  await expect(vectors.getByRole('heading', { name: 'Vectors' })).toBeVisible();
  // Charts of present series draw their lines and latest values; rules' thresholds are shown.
  await expect(memory.getByTestId('chart-last-value')).toHaveText(/%$/);
  await expect(memory.getByTestId('chart-thresholds')).toContainText('warning 80% · critical 95%');
  await expect(page.getByTestId('alerts-at-a-glance')).toContainText('firing');
  // A server without vectors yet says so instead of drawing empty axes.
  const vectorCount = async () => {
    if (await vectors.getByTestId('chart-empty').isVisible()) return 0;
    const text = await vectors.getByTestId('chart-last-value').first().textContent();
    return Number((text ?? '').replaceAll(',', ''));
  };
  await expect(
    vectors.getByTestId('chart-empty').or(vectors.getByTestId('chart-last-value').first()),
  ).toBeVisible();
  const before = await vectorCount();

  // Traffic through the REST API: inserts, then searches.
  const name = `e2e-overview-${Date.now().toString(36)}`;
  await call('POST', '/v1/collections', { name, dimensions: 4 });
  await call('POST', `/v1/collections/${name}/vectors/batch`, {
    vectors: Array.from({ length: 150 }, (_, i) => ({
      id: `v${String(i)}`,
      vector: [Math.sin(i), Math.cos(i), (i % 7) / 7, 1],
    })),
  });
  // Rates and latency percentiles need the counters to grow between two samples (one a
  // second here): searches in bursts over a few seconds.
  for (let burst = 0; burst < 4; burst += 1) {
    for (let i = 0; i < 10; i += 1) {
      await call('POST', `/v1/collections/${name}/search`, { vector: [1, 0, i / 10, 1], k: 5 });
    }
    await new Promise((resolve) => setTimeout(resolve, 1200));
  }

  // The charts pick the new samples up as they refresh.
  await expect
    .poll(vectorCount, { timeout: 30_000, message: 'the vector chart shows the inserts' })
    .toBeGreaterThanOrEqual(before + 150);
  const throughput = page.getByTestId('chart-throughput');
  await expect(throughput.getByRole('listitem').filter({ hasText: 'search' })).toBeVisible({
    timeout: 30_000,
  });
  await expect(
    page.getByTestId('chart-search-latency').getByTestId('chart-last-value'),
  ).not.toHaveCount(0, { timeout: 30_000 });
  // Sampled searches re-run exactly: the recall estimate, against its rule's thresholds.
  const recall = page.getByTestId('chart-recall');
  await expect(recall.getByTestId('chart-last-value').first()).toHaveText(/%$/, {
    timeout: 30_000,
  });
  await expect(recall.getByTestId('chart-thresholds')).toContainText('95%');
  await expect(recall.getByTestId('chart-thresholds')).toContainText('90%');
  await saveScreenshot('overview');

  // A changed threshold moves the line: the chart draws the effective thresholds.
  await call('POST', '/v1/admin/alerts/rules/NeedleWalLagHigh/thresholds', {
    warning: 200 * 1024 * 1024,
    critical: 2 * 1024 * 1024 * 1024,
  });
  try {
    await expect(wal.getByTestId('chart-thresholds')).toContainText(
      'warning 200 MiB · critical 2.0 GiB',
      { timeout: 15_000 },
    );
  } finally {
    await call('DELETE', '/v1/admin/alerts/rules/NeedleWalLagHigh/thresholds');
  }
  await expect(wal.getByTestId('chart-thresholds')).toContainText(
    'warning 100 MiB · critical 1.0 GiB',
    { timeout: 15_000 },
  );

  // Another range of the ring buffer.
  const ranges = page.getByRole('group', { name: 'Time range' });
  await ranges.getByRole('button', { name: '1 h' }).click();
  await expect(ranges.getByRole('button', { name: '1 h' })).toHaveAttribute('aria-pressed', 'true');
  await expect(ranges.getByRole('button', { name: '15 min' })).toHaveAttribute(
    'aria-pressed',
    'false',
  );
  await expect.poll(vectorCount, { timeout: 15_000 }).toBeGreaterThanOrEqual(before + 150);

  // Readable in the other theme too.
  const html = page.locator('html');
  const theme = await html.getAttribute('data-theme');
  await page.getByRole('button', { name: /Switch to (light|dark) theme/ }).click();
  await expect(html).not.toHaveAttribute('data-theme', theme ?? '');
  await saveScreenshot(`overview-${theme === 'dark' ? 'light' : 'dark'}`);
  await page.getByRole('button', { name: /Switch to (light|dark) theme/ }).click();

  // The at-a-glance links lead to the alerts page.
  await page.getByTestId('alerts-at-a-glance').getByRole('link').first().click();
  await expect(page.getByRole('heading', { name: 'Alerts', level: 1 })).toBeVisible();

  await call('DELETE', `/v1/collections/${name}`);
});
