import { expect, signInWith, test } from '../support/fixtures.js';

test('a wrong API key is refused with the server’s error and what to do', async ({
  page,
  open,
  saveScreenshot,
}) => {
  await open('/');
  await signInWith(page, 'not-a-real-key-0000000000');
  const alert = page.getByRole('alert').filter({ hasText: 'Sign-in failed' });
  await expect(alert).toContainText('the API key is malformed');
  await expect(alert.getByTestId('error-code')).toHaveText('UNAUTHORIZED');
  await expect(alert.getByTestId('error-help')).not.toBeEmpty();
  await expect(page.getByRole('navigation', { name: 'Main' })).toHaveCount(0);
  await saveScreenshot('sign-in-refused');
});

test('signing in with the admin key shows the principal and every page; signing out ends it', async ({
  page,
  signIn,
  open,
  saveScreenshot,
}) => {
  await open('/');
  await saveScreenshot('sign-in');
  await signIn();
  await expect(page.getByTestId('principal')).toContainText('admin');
  const nav = page.getByRole('navigation', { name: 'Main' });
  for (const label of ['Overview', 'Collections', 'Query explain', 'Alerts', 'Backups', 'Security'])
    await expect(nav.getByRole('link', { name: label })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
  await expect(page.getByTestId('stat-collections')).toHaveText(/^\d+$/);
  await saveScreenshot('overview');

  for (const [label, name] of [
    ['Query explain', 'explain'],
    ['Alerts', 'alerts'],
    ['Backups', 'backups'],
    ['Security', 'security'],
  ] as const) {
    await nav.getByRole('link', { name: label }).click();
    await expect(page.getByRole('heading', { name: label, level: 1 })).toBeVisible();
    await saveScreenshot(name);
  }

  // The session lives in this tab: a reload keeps it.
  await page.reload();
  await expect(page.getByTestId('principal')).toContainText('admin');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(nav).toHaveCount(0);

  // Signed out, the tab knows the server needs a key: reloading asks the server nothing
  // (each refused call would count against the address's failed sign-in limit).
  const calls: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/trpc/')) calls.push(request.url());
  });
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  expect(calls).toEqual([]);
});

test('the keyboard reaches the content through the skip link, and the theme toggles and stays', async ({
  page,
  signIn,
  saveScreenshot,
}) => {
  await signIn();
  await expect(page.getByTestId('principal')).toBeVisible();
  // As a person arriving on a page: the first Tab reaches the skip link.
  await page.reload();
  await expect(page.getByTestId('principal')).toBeVisible();
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('main')).toBeFocused();

  const html = page.locator('html');
  const before = await html.getAttribute('data-theme');
  const toggle = page.getByRole('button', { name: /Switch to (light|dark) theme/ });
  await toggle.focus();
  await page.keyboard.press('Enter');
  const after = before === 'dark' ? 'light' : 'dark';
  await expect(html).toHaveAttribute('data-theme', after);
  await page.reload();
  await expect(html).toHaveAttribute('data-theme', after);
  await saveScreenshot(`overview-${after}`);
});
