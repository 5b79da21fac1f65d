import { expect, signInWith, test } from '../support/fixtures.js';

test('a custom role on one collection, a key shown once, refused beyond its role, audited, revoked', async ({
  page,
  browser,
  server,
  signIn,
  saveScreenshot,
  consoleErrors,
}) => {
  test.setTimeout(120_000);
  const suffix = Date.now().toString(36);
  const allowed = `e2e-allowed-${suffix}`;
  const other = `e2e-other-${suffix}`;
  const role = `e2e-searcher-${suffix}`;
  const keyName = `e2e-search-key-${suffix}`;
  const admin = { 'x-api-key': server.adminKey, 'content-type': 'application/json' };
  for (const name of [allowed, other]) {
    const res = await fetch(`${server.url}/v1/collections`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ name, dimensions: 2 }),
    });
    expect(res.status).toBe(201);
  }

  await signIn();
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Security' })
    .click();
  await expect(page.getByRole('heading', { name: 'Security', level: 1 })).toBeVisible();
  await expect(page.getByRole('tab', { name: 'Roles' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('role-row').filter({ hasText: 'admin' })).toContainText('*:*');

  // The permission builder checks each permission as it is typed.
  const newRole = page.getByRole('region', { name: 'New role' });
  await newRole.getByLabel('Name', { exact: true }).fill(role);
  await newRole.getByLabel('Collections').fill('not a name!');
  await expect(newRole.getByLabel('Collections')).toHaveAttribute('aria-invalid', 'true');
  await newRole.getByLabel('Collections').fill(allowed);
  await newRole.getByLabel('Action', { exact: true }).selectOption('keys.manage');
  await expect(newRole.getByText('is a system action; give it the scope')).toBeVisible();
  await newRole.getByLabel('Action', { exact: true }).selectOption('search');
  await newRole.getByRole('button', { name: `Add ${allowed}:search` }).click();
  await newRole.getByLabel('Collections').fill('*');
  await newRole.getByLabel('Action', { exact: true }).selectOption('collections.list');
  await newRole.getByRole('button', { name: 'Add *:collections.list' }).click();
  await saveScreenshot('security-role-new');
  await newRole.getByRole('button', { name: 'Create role' }).click();
  const roleRow = page.getByTestId('role-row').filter({ hasText: role });
  await expect(roleRow).toContainText(`${allowed}:search`);
  await saveScreenshot('security-roles');

  // A key with that role: shown once, with a copy button.
  await page.getByRole('tab', { name: 'API keys' }).click();
  const newKey = page.getByRole('region', { name: 'New API key' });
  await newKey.getByLabel('Name', { exact: true }).fill(keyName);
  await newKey.getByRole('checkbox', { name: role }).check();
  await newKey.getByRole('button', { name: 'Create key' }).click();
  const shown = page.getByTestId('new-key');
  await expect(shown).toContainText('you will not see it again');
  await expect(shown.getByRole('button', { name: 'Copy' })).toBeVisible();
  const key = (await shown.getByTestId('new-key-secret').textContent()) ?? '';
  expect(key.length).toBeGreaterThan(20);
  await saveScreenshot('security-key-created');
  await shown.getByRole('button', { name: 'I have saved it' }).click();
  await expect(page.getByTestId('new-key')).toHaveCount(0);
  const keyRow = page.getByTestId('key-row').filter({ hasText: keyName });
  await expect(keyRow).toContainText(role);
  await expect(keyRow).not.toContainText(key);
  const keyId = (await keyRow.getAttribute('data-key-id')) ?? '';

  // The simulator: the key may search its collection and nothing else.
  await page.getByRole('tab', { name: 'Permission simulator' }).click();
  await page.getByLabel('Of a').selectOption('key');
  await page.getByLabel('Which').selectOption(keyId);
  await expect(page.getByTestId('sim-roles')).toContainText(role);
  const matrix = page.getByTestId('sim-matrix');
  const allowedRow = matrix.locator(`tr[data-collection="${allowed}"]`);
  await expect(allowedRow.getByRole('cell').nth(0)).toHaveText('✓ allowed');
  await expect(allowedRow.getByRole('cell').nth(2)).toHaveText('✗ refused');
  await expect(
    matrix.locator(`tr[data-collection="${other}"]`).getByRole('cell').nth(0),
  ).toHaveText('✗ refused');
  const check = page.getByRole('region', { name: 'Test a request' });
  await check.getByLabel('Action', { exact: true }).selectOption('write');
  await check.getByLabel('Collection (empty for system actions)').fill(allowed);
  await check.getByRole('button', { name: 'Check' }).click();
  await expect(page.getByTestId('check-result')).toContainText('refused');
  await check.getByLabel('Action', { exact: true }).selectOption('search');
  await check.getByRole('button', { name: 'Check' }).click();
  await expect(page.getByTestId('check-result')).toContainText('allowed');
  await expect(page.getByTestId('check-result')).toContainText(`granted by ${allowed}:search`);
  await saveScreenshot('security-simulator');
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  await saveScreenshot('security-simulator-dark');
  await page.getByRole('button', { name: 'Switch to light theme' }).click();

  // The key itself: its console offers no administration, and the server refuses beyond its role.
  const context = await browser.newContext();
  const keyPage = await context.newPage();
  await keyPage.goto(`${server.url}/console/`);
  await signInWith(keyPage, key);
  const nav = keyPage.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Query explain' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Security' })).toHaveCount(0);
  await expect(nav.getByRole('link', { name: 'Backups' })).toHaveCount(0);
  await context.close();
  const asKey = { 'x-api-key': key, 'content-type': 'application/json' };
  const search = await fetch(`${server.url}/v1/collections/${allowed}/search`, {
    method: 'POST',
    headers: asKey,
    body: JSON.stringify({ vector: [1, 0], k: 1 }),
  });
  expect(search.status).toBe(200);
  const write = await fetch(`${server.url}/v1/collections/${allowed}/vectors`, {
    method: 'POST',
    headers: asKey,
    body: JSON.stringify({ id: 'x', vector: [1, 0] }),
  });
  expect(write.status).toBe(403);
  expect(((await write.json()) as { code: string }).code).toBe('FORBIDDEN');

  // A role still held by a live key is not deleted: the server's ROLE_IN_USE is shown.
  await page.getByRole('tab', { name: 'Roles' }).click();
  await roleRow.getByRole('button', { name: `Delete role ${role}` }).click();
  const deleteDialog = page.getByRole('dialog', { name: `Delete role ${role}?` });
  await deleteDialog.getByRole('button', { name: 'Delete role' }).click();
  await expect(deleteDialog.getByTestId('error-code')).toHaveText('ROLE_IN_USE');
  await saveScreenshot('security-role-in-use');
  await deleteDialog.getByRole('button', { name: 'Cancel' }).click();

  // The audit log lists the changes and the refusal, and its chain verifies.
  await page.getByRole('tab', { name: 'Audit log' }).click();
  await expect(page.getByTestId('audit-chain')).toContainText('chain verified');
  await page.getByRole('button', { name: 'Verify chain' }).click();
  await expect(page.getByTestId('audit-chain')).toContainText('chain verified');
  const entries = page.getByTestId('audit-row');
  await expect(entries.filter({ hasText: 'keys.create' }).filter({ hasText: keyName })).toHaveCount(
    1,
  );
  await expect(entries.filter({ hasText: 'roles.create' }).filter({ hasText: role })).toHaveCount(
    1,
  );
  await page.getByLabel('Principal', { exact: true }).fill(`key:${keyId}`);
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(entries.filter({ hasText: 'refused' }).filter({ hasText: 'write' })).toHaveCount(1);
  await saveScreenshot('security-audit');

  // A grant to a token principal, then revoked.
  const subject = `jwt:e2e-${suffix}`;
  await page.getByRole('tab', { name: 'Grants' }).click();
  const grantForm = page.getByRole('region', { name: 'Grant a role' });
  await grantForm.getByLabel('Principal').fill('no-prefix');
  await expect(grantForm.getByLabel('Principal')).toHaveAttribute('aria-invalid', 'true');
  await grantForm.getByLabel('Principal').fill(subject);
  await grantForm.getByLabel('Role').selectOption('reader');
  await grantForm.getByRole('button', { name: 'Grant' }).click();
  const grantRow = page.getByTestId('grant-row').filter({ hasText: subject });
  await expect(grantRow).toContainText('reader');
  await saveScreenshot('security-grants');
  await grantRow.getByRole('button', { name: `Revoke reader from ${subject}` }).click();
  await page
    .getByRole('dialog', { name: 'Revoke this role?' })
    .getByRole('button', { name: 'Revoke' })
    .click();
  await expect(grantRow).toHaveCount(0);

  // Revoked, the key is refused; the role is free to delete.
  await page.getByRole('tab', { name: 'API keys' }).click();
  await keyRow.getByRole('button', { name: `Revoke key ${keyName}` }).click();
  await page
    .getByRole('dialog', { name: `Revoke key ${keyName}?` })
    .getByRole('button', { name: 'Revoke key' })
    .click();
  await expect(keyRow).toContainText('revoked');
  const afterRevoke = await fetch(`${server.url}/v1/collections/${allowed}/search`, {
    method: 'POST',
    headers: asKey,
    body: JSON.stringify({ vector: [1, 0], k: 1 }),
  });
  expect(afterRevoke.status).toBe(401);
  await saveScreenshot('security-keys');
  await page.getByRole('tab', { name: 'Roles' }).click();
  await roleRow.getByRole('button', { name: `Delete role ${role}` }).click();
  await deleteDialog.getByRole('button', { name: 'Delete role' }).click();
  await expect(roleRow).toHaveCount(0);

  // The one expected failed load: the refused role deletion (409).
  const expected = /status of 409/;
  const unexpected = consoleErrors.filter((e) => !expected.test(e));
  consoleErrors.splice(0, consoleErrors.length, ...unexpected);
});
