import { expect, test } from '../support/fixtures.js';

test('create a collection, see it listed, open it, compact it, and drop it with confirmation', async ({
  page,
  signIn,
  saveScreenshot,
}) => {
  const name = `e2e-docs-${Date.now().toString(36)}`;
  await signIn();
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Collections' })
    .click();
  await expect(page.getByRole('heading', { name: 'Collections', level: 1 })).toBeVisible();
  await saveScreenshot('collections-before');

  await page.getByRole('link', { name: 'New collection' }).click();
  await expect(page.getByRole('heading', { name: 'New collection', level: 1 })).toBeVisible();

  // The form checks its fields before anything is sent.
  await page.getByLabel('Name').fill('not valid!');
  await page.getByLabel('Dimensions').fill('0');
  await page.getByRole('button', { name: 'Create collection' }).click();
  await expect(page.getByLabel('Name')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('use 1 to 256 letters, digits, "_" or "-"')).toBeVisible();
  await expect(page.getByText('at least 1')).toBeVisible();
  await saveScreenshot('collection-new-invalid');

  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Dimensions').fill('8');
  await page.getByLabel('Metric').selectOption('euclidean');
  await page.getByLabel('M', { exact: true }).fill('12');
  await saveScreenshot('collection-new');
  await page.getByRole('button', { name: 'Create collection' }).click();

  // Created: its page opens, with the settings the server reports.
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/console/collections/detail/\\?name=${name}$`));
  await expect(page.getByTestId('fact-dimensions')).toHaveText('8');
  await expect(page.getByTestId('fact-metric')).toHaveText('euclidean');
  await expect(page.getByText('M 12 ·')).toBeVisible();

  // Listed, with its columns.
  await page.getByRole('link', { name: '← All collections' }).click();
  const row = page.getByRole('row').filter({ has: page.getByRole('link', { name }) });
  await expect(row).toBeVisible();
  await expect(row.getByRole('cell').nth(0)).toHaveText('0');
  await expect(row.getByRole('cell').nth(1)).toHaveText('8');
  await expect(row.getByRole('cell').nth(2)).toHaveText('euclidean');
  await expect(row.getByRole('cell').nth(5)).toHaveText('0.0%');
  await saveScreenshot('collections');

  await row.getByRole('link', { name }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();

  await page.getByRole('button', { name: 'Compact…' }).click();
  await page
    .getByRole('dialog', { name: `Compact ${name}?` })
    .getByRole('button', { name: 'Compact now' })
    .click();
  await expect(page.getByRole('status').filter({ hasText: 'Compacted' })).toContainText(
    '0 deleted slots removed',
  );
  await saveScreenshot('collection-detail');

  // Dropping asks first; cancelling keeps the collection.
  await page.getByRole('button', { name: 'Drop…' }).click();
  const dialog = page.getByRole('dialog', { name: `Drop ${name}?` });
  await expect(dialog).toBeVisible();
  await saveScreenshot('collection-drop-confirm');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('fact-dimensions')).toHaveText('8');

  await page.getByRole('button', { name: 'Drop…' }).click();
  const confirm = dialog.getByRole('button', { name: 'Drop collection' });
  await expect(confirm).toBeDisabled();
  await dialog.getByLabel(`Type ${name} to confirm`).fill(name);
  await confirm.click();

  await expect(page.getByRole('heading', { name: 'Collections', level: 1 })).toBeVisible();
  await expect(page.getByRole('link', { name })).toHaveCount(0);
});

test('a collection that does not exist shows the server’s error', async ({
  page,
  signIn,
  open,
  saveScreenshot,
  consoleErrors,
}) => {
  await signIn();
  await expect(page.getByTestId('principal')).toBeVisible();
  await open('/collections/detail/?name=no-such-collection');
  const alert = page.getByRole('alert').first();
  await expect(alert.getByTestId('error-code')).toHaveText('COLLECTION_NOT_FOUND');
  await saveScreenshot('collection-not-found');
  // Chromium logs the 404 answers as failed loads: the very thing this test provokes.
  const expected = /status of 404 .*\/trpc\/collections\.(get|indexStatus)/;
  expect(consoleErrors.filter((e) => !expected.test(e))).toEqual([]);
  consoleErrors.length = 0;
});
