import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { test as base, expect, type ConsoleMessage, type Page } from '@playwright/test';

/** What the global setup started. */
export interface NeedleServerInfo {
  /** The server's base URL (`http://127.0.0.1:<port>`); the console is at `/console/`. */
  url: string;
  /** An admin key the server accepts. */
  adminKey: string;
}

interface Fixtures {
  server: NeedleServerInfo;
  /** Opens a console page by its path below `/console` (`/collections/`). */
  open: (path: string) => Promise<void>;
  /** Signs in through the form with an API key (the admin key by default). */
  signIn: (key?: string) => Promise<void>;
  /** Saves a full-page screenshot as a test artefact: `.test-results/screenshots/<name>.png`. */
  saveScreenshot: (name: string) => Promise<void>;
  /** Console errors and uncaught page errors; any fails the test when it ends. */
  consoleErrors: string[];
}

const screenshots = join(import.meta.dirname, '..', '.test-results', 'screenshots');

/**
 * The e2e test: Playwright's, with the running server, sign-in and screenshot helpers, and
 * a page that fails the test on any console error.
 */
export const test = base.extend<Fixtures>({
  server: async ({}, use) => {
    const url = process.env.NEEDLE_E2E_URL;
    const adminKey = process.env.NEEDLE_E2E_ADMIN_KEY;
    if (!url || !adminKey) throw new Error('the global setup did not start a server');
    await use({ url, adminKey });
  },
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' && !isSessionProbeRefusal(message))
          errors.push(`console: ${message.text()} (${message.location().url})`);
      });
      page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
      await use(errors);
      expect(errors, 'the browser console stayed free of errors').toEqual([]);
    },
    { auto: true },
  ],
  open: async ({ page, server }, use) => {
    await use(async (path) => {
      await page.goto(`${server.url}/console${path}`);
    });
  },
  signIn: async ({ page, server, open }, use) => {
    await use(async (key = server.adminKey) => {
      await open('/');
      await signInWith(page, key);
    });
  },
  saveScreenshot: async ({ page }, use) => {
    mkdirSync(screenshots, { recursive: true });
    await use(async (name) => {
      await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
    });
  },
});

/**
 * Chromium logs every 4xx response as a failed resource load. The one 4xx a working console
 * meets is the session probe (`security.whoami`) of a tab that is not signed in, or signs in
 * with a refused key: the server answers 401, which is how the console learns it must ask
 * for credentials. Any other failed load still fails the test.
 */
function isSessionProbeRefusal(message: ConsoleMessage): boolean {
  return (
    message
      .text()
      .startsWith('Failed to load resource: the server responded with a status of 401') &&
    /\/trpc\/security\.whoami\?/.test(message.location().url)
  );
}

/** Fills the sign-in form with an API key and submits it. */
export async function signInWith(page: Page, key: string): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.getByRole('textbox', { name: 'API key' }).fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export { expect };
