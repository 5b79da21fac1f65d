import { expect, test } from '../support/fixtures.js';

/** Calls the REST API as the admin. */
function restAs(url: string, key: string) {
  return async (path: string, body: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status, `${path} answered`).toBeLessThan(300);
    return (await response.json()) as Record<string, unknown>;
  };
}

/** A collection of 4 dimensions with 40 vectors, half `category: "a"`, half `"b"`. */
async function seedCollection(post: ReturnType<typeof restAs>, name: string): Promise<void> {
  await post('/v1/collections', { name, dimensions: 4, distance: 'euclidean' });
  const vectors = Array.from({ length: 40 }, (_, i) => ({
    id: `v${i}`,
    vector: [Math.cos(i), Math.sin(i), i / 40, 1 - i / 40],
    metadata: { category: i % 2 === 0 ? 'a' : 'b', n: i },
  }));
  const inserted = await post(`/v1/collections/${name}/vectors/batch`, { vectors });
  expect(inserted.inserted).toBe(40);
}

test('explain a filtered search of a stored vector, see a refused filter, and find it in the slow-query log', async ({
  page,
  server,
  signIn,
  open,
  saveScreenshot,
  consoleErrors,
}) => {
  const name = `e2e-explain-${Date.now().toString(36)}`;
  const before = new Date(Date.now() - 60_000).toISOString();
  await seedCollection(restAs(server.url, server.adminKey), name);

  await signIn();
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Query explain' })
    .click();
  await expect(page.getByRole('heading', { name: 'Query explain', level: 1 })).toBeVisible();
  await expect(page.getByRole('tab', { name: 'Search playground' })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await page.getByLabel('Collection').selectOption(name);

  // A pasted vector of the wrong length is caught before anything is sent.
  await page.getByLabel('Query vector').fill('[1, 2]');
  await expect(page.getByTestId('pg-vector-error')).toHaveText(
    'The collection has 4 dimensions; this vector has 2.',
  );

  // Pick a stored vector by id, then a random one from the list.
  await page.getByLabel('Vector id').fill('v3');
  await page.getByRole('button', { name: 'Use this vector' }).click();
  await expect(page.getByLabel('Query vector')).toHaveValue(/^\[-?0\.98999/);
  await expect(page.getByTestId('pg-vector-error')).toHaveCount(0);
  await page.getByRole('button', { name: 'Random stored vector' }).click();
  await expect(page.getByLabel('Vector id')).toHaveValue(/^v\d+$/);
  await page.getByLabel('Vector id').fill('v3');
  await page.getByRole('button', { name: 'Use this vector' }).click();
  await expect(page.getByLabel('Query vector')).toHaveValue(/^\[-?0\.98999/);

  await page.getByLabel('k', { exact: true }).fill('5');
  await page.getByLabel('Filter').fill('{"category": {"$eq": "b"}, "n": {"$lt": 30}}');
  await page.getByRole('button', { name: 'Run search' }).click();

  const results = page.getByTestId('search-results');
  await expect(results.locator('tbody tr')).toHaveCount(5);
  // The stored vector itself is its own nearest neighbour, and every hit passed the filter.
  await expect(results.locator('tbody tr').first().getByRole('rowheader')).toHaveText('v3');
  for (const metadata of await results.locator('code.metadata').allTextContents()) {
    expect(metadata).toContain('"category":"b"');
  }
  const trace = page.getByTestId('explain-trace');
  const waterfall = trace.getByTestId('waterfall');
  for (const stage of ['Total', 'Index traversal', 'Filter evaluation', 'Fetch']) {
    await expect(waterfall.getByText(stage, { exact: true })).toBeVisible();
  }
  await expect(waterfall).toContainText('µs');
  await expect(trace.getByTestId('plan-strategy')).not.toBeEmpty();
  await expect(trace.getByTestId('trace-ef')).toHaveText(/^\d+$/);
  await expect(trace.getByTestId('trace-selectivity')).toHaveText(/%$/);
  await saveScreenshot('explain-playground');

  // Ctrl+Enter runs it again, with a wider k.
  await page.getByLabel('k', { exact: true }).fill('7');
  await page.getByLabel('Filter').press('Control+Enter');
  await expect(results.locator('tbody tr')).toHaveCount(7);

  // A filter the engine refuses: said inline as it is typed, and the server's answer (code
  // and help) when it is sent anyway.
  await page.getByLabel('Filter').fill('{"n": {"$gt": "ten"}}');
  await expect(page.getByTestId('pg-filter-error')).toContainText('filter.n.$gt');
  await page.getByRole('button', { name: 'Run search' }).click();
  const refused = page.getByRole('alert').filter({ hasText: 'The search was refused' });
  await expect(refused.getByTestId('error-code')).toHaveText('INVALID_FILTER');
  await expect(refused.getByTestId('error-message')).toContainText('filter.n.$gt');
  await expect(refused.getByTestId('error-help')).not.toBeEmpty();
  await saveScreenshot('explain-invalid-filter');
  // The browser logs the refused call (400) as a failed load; nothing else may be logged.
  const refusal = /status of 400 .*\/trpc\/search\.search/;
  expect(consoleErrors.filter((e) => !refusal.test(e))).toEqual([]);
  consoleErrors.length = 0;

  // The server records every search as slow in this suite (threshold 0): the log groups them.
  await page.getByRole('tab', { name: 'Slow-query log' }).click();
  await page.getByLabel('Collection').selectOption(name);
  const groups = page.getByTestId('slow-groups');
  const shape = groups.getByTestId('slow-shape').filter({ hasText: '"category":{"$eq":"?"}' });
  await expect(shape.first()).toBeVisible();
  const row = groups.locator('tbody tr').filter({ hasText: '"category":{"$eq":"?"}' }).first();
  await row.getByRole('button', { name: /^Examples/ }).click();
  const detail = page.getByTestId('slow-query-detail');
  await expect(detail.getByTestId('trace-status')).toContainText('ready');
  await expect(detail.getByTestId('waterfall').getByText('Index traversal')).toBeVisible();
  await expect(detail.getByTestId('plan-strategy')).not.toBeEmpty();
  await saveScreenshot('explain-slow-queries');
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  await expect(detail.getByTestId('waterfall')).toBeVisible();
  await saveScreenshot('explain-slow-queries-dark');
  await page.getByRole('button', { name: 'Switch to light theme' }).click();

  // What an alert links to: the log of a collection and a window.
  const to = new Date(Date.now() + 60_000).toISOString();
  await open(`/explain/?collection=${name}&from=${before}&to=${to}`);
  await expect(page.getByRole('tab', { name: 'Slow-query log' })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await expect(page.getByLabel('Window', { exact: true })).toHaveValue('custom');
  await expect(page.getByTestId('slow-summary')).toContainText(`on ${name}`);
  await expect(page.getByTestId('slow-shape').first()).toBeVisible();
});

test('a reader runs explained searches and reads the slow-query log', async ({
  page,
  server,
  signIn,
  saveScreenshot,
}) => {
  const post = restAs(server.url, server.adminKey);
  const name = `e2e-explain-reader-${Date.now().toString(36)}`;
  await seedCollection(post, name);
  const key = await post('/v1/admin/keys', { name: 'e2e-explain-reader', roles: ['reader'] });

  await signIn(String(key.key));
  await expect(page.getByTestId('principal')).toContainText('reader');
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Query explain' })
    .click();
  await page.getByLabel('Collection').selectOption(name);
  await page.getByRole('button', { name: 'Random stored vector' }).click();
  await expect(page.getByLabel('Query vector')).toHaveValue(/^\[/);
  await page.getByRole('button', { name: 'Run search' }).click();
  await expect(page.getByTestId('search-results').locator('tbody tr')).toHaveCount(10);
  await expect(page.getByTestId('explain-trace').getByTestId('plan-strategy')).not.toBeEmpty();

  // A search sent without explain: its trace is taken by running it again in the background.
  await post(`/v1/collections/${name}/search`, { vector: [1, 0, 0.5, 0.5], k: 3 });

  await page.getByRole('tab', { name: 'Slow-query log' }).click();
  await page.getByLabel('Collection').selectOption(name);
  const groups = page.getByTestId('slow-groups');
  // Once the log shows this collection alone, one shape asked for explain: the playground's.
  await expect(groups.getByTestId('slow-shape').filter({ hasText: 'options explain' })).toHaveCount(
    1,
  );
  const rerun = groups.locator('tbody tr').filter({ hasText: 'k=3 · ef=default · no filter' });
  await rerun.getByRole('button', { name: /^Examples/ }).click();
  const detail = page.getByTestId('slow-query-detail');
  await expect(detail.getByTestId('trace-status')).toContainText(
    'ready — taken by running the same search again',
  );
  await expect(detail.getByTestId('waterfall').getByText('Total')).toBeVisible();
  await saveScreenshot('explain-reader');
});
