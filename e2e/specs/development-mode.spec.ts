import { expect, test } from '../support/fixtures.js';
import { type RunningServer, startNeedleServer } from '../support/needle-server.js';

let devServer: RunningServer;

test.beforeAll(async () => {
  devServer = await startNeedleServer({ NEEDLE_AUTH_MODE: 'development' });
});

test.afterAll(async () => {
  await devServer.stop();
});

test('a server in development mode needs no key: the console says so and offers everything', async ({
  page,
  saveScreenshot,
}) => {
  await page.goto(`${devServer.url}/console/collections/`);
  await expect(page.getByRole('heading', { name: 'Collections', level: 1 })).toBeVisible();
  await expect(page.getByTestId('principal')).toContainText('development mode');
  await expect(page.getByRole('link', { name: 'New collection' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign out' })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toHaveCount(0);
  await saveScreenshot('development-mode');
});
