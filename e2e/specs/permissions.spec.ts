import { expect, test } from '../support/fixtures.js';

test('a reader sees only what the reader role allows, and a revoked key ends the session', async ({
  page,
  server,
  signIn,
  open,
  saveScreenshot,
  consoleErrors,
}) => {
  const admin = { 'x-api-key': server.adminKey, 'content-type': 'application/json' };
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify(body),
    });
    expect(response.status, `${path} answered`).toBeLessThan(300);
    return (await response.json()) as Record<string, unknown>;
  };
  const name = `e2e-readable-${Date.now().toString(36)}`;
  await post('/v1/collections', { name, dimensions: 4 });
  const key = await post('/v1/admin/keys', { name: 'e2e-reader', roles: ['reader'] });

  await signIn(String(key.key));
  await expect(page.getByTestId('principal')).toContainText('reader');
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Collections' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Query explain' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Backups' })).toHaveCount(0);
  await expect(nav.getByRole('link', { name: 'Security' })).toHaveCount(0);

  await nav.getByRole('link', { name: 'Collections' }).click();
  await expect(page.getByRole('link', { name })).toBeVisible();
  await expect(page.getByRole('link', { name: 'New collection' })).toHaveCount(0);
  await page.getByRole('link', { name }).click();
  await expect(page.getByTestId('fact-dimensions')).toHaveText('4');
  await expect(page.getByRole('button', { name: 'Drop…' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Compact' })).toHaveCount(0);
  await saveScreenshot('collection-detail-reader');

  // Revoked while signed in: the next call is refused and the console asks for a key again.
  await post(`/v1/admin/keys/${String(key.id)}/revoke`, {});
  await open('/collections/');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(
    page.getByRole('alert').filter({ hasText: 'Signed out' }).getByTestId('error-code'),
  ).toHaveText('UNAUTHORIZED');
  // The revoked key's refusals are the browser's 401 logs of the calls that found out.
  const expected = /status of 401 .*\/trpc\//;
  expect(consoleErrors.filter((e) => !expected.test(e))).toEqual([]);
  consoleErrors.length = 0;
});
