import { expect, test } from '../support/fixtures.js';

/** A JSON Lines file of `count` 8-dimensional vectors, plus one line too short and one not JSON. */
function vectorFile(count: number): string {
  const lines = Array.from({ length: count }, (_, i) =>
    JSON.stringify({
      id: `doc-${i}`,
      vector: Array.from({ length: 8 }, (_, d) => Math.sin(i * 0.37 + d * 1.7)),
      metadata: { i, even: i % 2 === 0 },
    }),
  );
  lines.splice(10, 0, JSON.stringify({ id: 'short', vector: [1, 2, 3] }));
  lines.splice(20, 0, '{"id": "broken", ');
  return `${lines.join('\n')}\n`;
}

test('import vectors from a file, dry-run and compact with a live bar, and plan capacity', async ({
  page,
  server,
  signIn,
  saveScreenshot,
}) => {
  test.setTimeout(120_000);
  const name = `e2e-extra-${Date.now().toString(36)}`;
  await signIn();
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Collections' })
    .click();
  await page.getByRole('link', { name: 'New collection' }).click();
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Dimensions').fill('8');
  await page.getByRole('button', { name: 'Create collection' }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();

  // Import: a file with 1 200 good lines and two bad ones, sent in batches with a live bar.
  await page.getByRole('link', { name: 'Import vectors' }).click();
  await expect(page.getByRole('heading', { name: `Import vectors into ${name}` })).toBeVisible();
  await page.getByLabel('JSON Lines or JSON file').setInputFiles({
    name: 'vectors.jsonl',
    mimeType: 'application/x-ndjson',
    buffer: Buffer.from(vectorFile(1200)),
  });
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  const progress = page.getByTestId('import-progress').getByRole('progressbar');
  await expect(progress).toHaveAttribute('aria-valuenow', '100');
  await expect(page.getByTestId('import-summary')).toHaveText(
    '1,200 vectors inserted, 2 lines refused.',
  );
  const refused = page.getByRole('list', { name: 'Refused lines' });
  await expect(refused).toContainText('Line 11 (short): "vector" has 3 numbers');
  await expect(refused).toContainText('Line 21: not valid JSON');
  await saveScreenshot('collection-import');

  await page.getByRole('link', { name: `← ${name}` }).click();
  await expect(page.getByTestId('fact-vectors')).toHaveText('1,200');
  await expect(page.getByTestId('fact-fragmentation')).toContainText('0.0%');

  // Delete a third through the REST API: the page sees the fragmentation.
  const ids = Array.from({ length: 400 }, (_, i) => `doc-${i * 3}`);
  const deleted = await page.request.post(
    `${server.url}/v1/collections/${name}/vectors/delete-batch`,
    { headers: { 'x-api-key': server.adminKey }, data: { ids } },
  );
  expect(await deleted.json()).toEqual({ deleted_count: 400 });
  await expect(page.getByTestId('fact-vectors')).toHaveText('800');
  await expect(page.getByTestId('fact-fragmentation')).toContainText('33.3%');
  await expect(page.getByTestId('fact-fragmentation')).toContainText('compaction recommended');

  // The dry run says what compaction would reclaim, and changes nothing.
  await page.getByRole('button', { name: 'Dry run' }).click();
  await expect(page.getByTestId('dry-run-result')).toContainText('by removing 400 deleted slots');
  await expect(page.getByTestId('dry-run-result')).toContainText(
    /would reclaim about \d+(\.\d)? (B|KiB|MiB)/,
  );
  await expect(page.getByTestId('fact-fragmentation')).toContainText('33.3%');
  await saveScreenshot('collection-dry-run');

  // Compact after confirming: the bar reaches 100% and the fragmentation drops to 0.
  await page.getByRole('button', { name: 'Compact…' }).click();
  const dialog = page.getByRole('dialog', { name: `Compact ${name}?` });
  await expect(dialog).toContainText('The last dry run: 400 slots');
  await dialog.getByRole('button', { name: 'Compact now' }).click();
  const done = page.getByTestId('compaction-done');
  await expect(done.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100');
  await expect(done).toContainText('Compacted: 400 deleted slots removed');
  await expect(page.getByTestId('fact-fragmentation')).toHaveText('0.0%');
  await expect(page.getByTestId('fact-last-compaction')).toContainText('400 slots removed');
  await expect(page.getByTestId('fact-vectors')).toHaveText('800');

  // The charts over time, from the server's samples, with the forecasts against the limits.
  await expect(page.getByRole('heading', { name: 'Over time' })).toBeVisible();
  await expect(page.getByTestId('trend-memory-forecast')).toContainText(
    "Days until the server's memory limit:",
  );
  await expect(page.getByTestId('trend-disk-forecast')).toContainText(
    "Days until the file system's capacity:",
  );
  await saveScreenshot('collection-compacted');

  // The capacity planner: a year at 10% a month crosses an 8 GiB budget in month 11.
  await page.getByRole('link', { name: '← All collections' }).click();
  await page.getByRole('link', { name: 'Capacity planner' }).click();
  await expect(page.getByRole('heading', { name: 'Capacity planner', level: 1 })).toBeVisible();
  await page.getByLabel('Vectors now').fill('-3');
  await page.getByRole('button', { name: 'Plan' }).click();
  await expect(page.getByLabel('Vectors now')).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('Vectors now').fill('1000000');
  await page.getByLabel('Dimensions').fill('768');
  await page.getByLabel('Growth per month (%)').fill('10');
  await page.getByLabel('Memory budget (GiB)').fill('8');
  await page.getByRole('button', { name: 'Plan' }).click();
  const plan = page.getByTestId('plan-result');
  await expect(plan).toContainText('hnsw · M 16');
  await expect(page.getByTestId('plan-budget')).toHaveText('8.0 GiB: crossed in month 11');
  const chart = page.getByTestId('projection-chart');
  await expect(chart.locator('.recharts-line-curve')).toBeVisible();
  await expect(chart).toContainText('over budget: M11');
  await saveScreenshot('capacity-planner');
});
