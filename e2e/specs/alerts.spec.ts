import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

import { expect, test } from '../support/fixtures.js';

/** The rule the e2e server fires after 4 s (support/needle-server.ts `E2E_FAST_RULE`). */
const RULE = 'NeedleMemoryHigh';

test('an admin lowers a threshold, sees the alert go pending then firing, and resets it', async ({
  page,
  server,
  signIn,
  open,
  saveScreenshot,
}) => {
  test.setTimeout(120_000);
  await signIn();
  await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
  await open(`/alerts/?rule=${RULE}`);
  const row = page.getByTestId(`rule-${RULE}`);
  await expect(row).toHaveAttribute('aria-current', 'true');
  await expect(row).toBeInViewport();
  await expect(row.getByTestId('effective-thresholds')).toContainText('80% / 95%');
  await expect(row.getByTestId('state-warning')).toHaveText('warning inactive');
  await expect(row.getByTestId('rule-value')).toHaveText(/%$/);

  await row.getByRole('button', { name: 'Edit thresholds' }).click();
  const form = page.getByRole('form', { name: `Thresholds of ${RULE}` });
  // The form checks what the server would refuse before sending it.
  await form.getByLabel('Warning').fill('0.5');
  await form.getByLabel('Critical').fill('0.1');
  await form.getByRole('button', { name: 'Save thresholds' }).click();
  await expect(form.getByText('the warning must be below the critical one')).toBeVisible();
  await form.getByLabel('Critical').fill('not a number');
  await form.getByRole('button', { name: 'Save thresholds' }).click();
  await expect(form.getByText('Give a finite number.')).toBeVisible();
  await saveScreenshot('alerts-threshold-invalid');

  await form.getByLabel('Warning').fill('0.0001');
  await form.getByLabel('Critical').fill('0.0002');
  await form.getByRole('button', { name: 'Save thresholds' }).click();
  await expect(form).toHaveCount(0);
  await expect(row.getByTestId('effective-thresholds')).toContainText('0.01% / 0.02%');
  await expect(row.getByTestId('effective-thresholds')).toContainText('changed by');

  // Breached: pending for the rule's 4 s, then firing.
  await expect(row.getByTestId('state-warning')).toHaveText('warning pending', {
    timeout: 15_000,
  });
  await expect(row.getByTestId('state-warning')).toHaveText('warning firing', { timeout: 20_000 });
  await expect(row.getByTestId('state-critical')).toHaveText('critical firing', {
    timeout: 20_000,
  });
  const history = page.getByTestId('alert-history');
  await expect(
    history.getByRole('row').filter({ hasText: RULE }).filter({ hasText: 'firing' }).first(),
  ).toBeVisible();
  await saveScreenshot('alerts-firing');

  // The overview counts it and links to it.
  await open('/');
  const glance = page.getByTestId('alerts-at-a-glance');
  await expect(glance.getByRole('link', { name: new RegExp(RULE) }).first()).toBeVisible();
  await glance
    .getByRole('link', { name: new RegExp(RULE) })
    .first()
    .click();
  await expect(page).toHaveURL(new RegExp(`/console/alerts/\\?rule=${RULE}$`));

  // Back to the defaults: the alert resolves.
  await row.getByRole('button', { name: 'Reset to defaults' }).click();
  await expect(row.getByTestId('effective-thresholds')).toContainText('80% / 95%');
  await expect(row.getByTestId('state-warning')).toHaveText('warning inactive', {
    timeout: 15_000,
  });
  await expect(row.getByTestId('state-critical')).toHaveText('critical inactive');
  await expect(
    history.getByRole('row').filter({ hasText: RULE }).filter({ hasText: 'resolved' }).first(),
  ).toBeVisible({ timeout: 15_000 });
  await saveScreenshot('alerts');

  // The server kept the same thresholds the page shows.
  const rules = (await (
    await fetch(`${server.url}/v1/alerts/rules`, { headers: { 'x-api-key': server.adminKey } })
  ).json()) as { rules: { name: string; override: unknown }[] };
  expect(rules.rules.find((r) => r.name === RULE)?.override).toBeNull();
});

test('an admin creates a webhook notifier, sends a test that arrives, edits and deletes it', async ({
  page,
  signIn,
  open,
  saveScreenshot,
}) => {
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const port = (receiver.address() as AddressInfo).port;
  try {
    const name = `e2e-hook-${Date.now().toString(36)}`;
    await signIn();
    await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
    await open('/alerts/');
    await expect(page.getByRole('heading', { name: 'Notifiers' })).toBeVisible();

    await page.getByRole('button', { name: 'New notifier' }).click();
    const form = page.getByRole('form', { name: 'New notifier' });
    // Checked before sending.
    await form.getByLabel('Name').fill('Not Valid');
    await form.getByLabel('URL').fill('ftp://nowhere');
    await form.getByRole('button', { name: 'Create notifier' }).click();
    await expect(form.getByText('Use 1–64 of a-z')).toBeVisible();
    await expect(form.getByText('Give an http(s) URL.')).toBeVisible();

    await form.getByLabel('Name').fill(name);
    await form.getByLabel('Kind').selectOption('webhook');
    await form.getByLabel('URL').fill(`http://127.0.0.1:${String(port)}/hook`);
    await form.getByLabel('Signing secret').fill('e2e-signing-secret-0123456789');
    await saveScreenshot('alerts-notifier-new');
    await form.getByRole('button', { name: 'Create notifier' }).click();
    await expect(form).toHaveCount(0);

    const row = page.getByTestId(`notifier-${name}`);
    await expect(row).toContainText(`http://127.0.0.1:${String(port)}/hook`);
    await expect(row).toContainText('signed');
    // The secret is write-only: it is nowhere on the page.
    await expect(page.getByText('e2e-signing-secret-0123456789')).toHaveCount(0);

    await row.getByRole('button', { name: 'Send test' }).click();
    await expect(row.getByTestId('test-outcome')).toContainText('delivered');
    await expect(row.getByTestId('test-outcome')).toContainText('HTTP 200');
    const tests = received.filter((r) => r.body.includes('NeedleTestNotification'));
    expect(tests.length).toBeGreaterThanOrEqual(1);
    expect(tests[0]!.headers['x-needle-signature']).toMatch(/^t=\d+,v1=[0-9a-f]+$/);

    const log = page.getByTestId('deliveries');
    await expect(
      log.getByRole('row').filter({ hasText: name }).filter({ hasText: 'delivered' }).first(),
    ).toBeVisible({ timeout: 15_000 });
    await saveScreenshot('alerts-notifiers');

    // Edit: only critical alerts, no resolved events; the secret stays.
    await row.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('form', { name: `Edit notifier ${name}` });
    await expect(edit.getByRole('textbox', { name: 'Signing secret' })).toHaveValue('');
    await edit.getByLabel('Send alerts from').selectOption('critical');
    await edit.getByLabel('Send resolved events').uncheck();
    await edit.getByRole('button', { name: 'Save notifier' }).click();
    await expect(edit).toHaveCount(0);
    await expect(row).toContainText('critical only');
    await expect(row).not.toContainText('resolved too');
    await expect(row).toContainText('signed');

    // Delete, confirmed.
    await row.getByRole('button', { name: 'Delete…' }).click();
    const dialog = page.getByRole('dialog', { name: `Delete the notifier ${name}?` });
    await expect(dialog).toBeVisible();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await expect(row).toHaveCount(0);
  } finally {
    await new Promise((resolve) => receiver.close(resolve));
  }
});

test('a reader sees the rules and history read-only', async ({
  page,
  server,
  signIn,
  saveScreenshot,
}) => {
  const response = await fetch(`${server.url}/v1/admin/keys`, {
    method: 'POST',
    headers: { 'x-api-key': server.adminKey, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'e2e-alerts-reader', roles: ['reader'] }),
  });
  expect(response.status).toBeLessThan(300);
  const key = (await response.json()) as { key: string };

  await signIn(key.key);
  await expect(page.getByTestId('principal')).toContainText('reader');
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Alerts' })
    .click();
  await expect(page.getByRole('heading', { name: 'Alerts', level: 1 })).toBeVisible();
  await expect(page.getByTestId(`rule-${RULE}`)).toBeVisible();
  await expect(page.getByRole('heading', { name: 'History' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Edit thresholds' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Reset to defaults' })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Notifiers' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'New notifier' })).toHaveCount(0);
  await saveScreenshot('alerts-reader');
});
