import { expect, test } from '../support/fixtures.js';

test('take a full backup with live progress, verify it, and restore a point of its chain into a new file', async ({
  page,
  server,
  signIn,
  saveScreenshot,
}) => {
  test.setTimeout(120_000);
  const admin = { 'x-api-key': server.adminKey, 'content-type': 'application/json' };
  const name = `e2e-backed-${Date.now().toString(36)}`;
  const created = await fetch(`${server.url}/v1/collections`, {
    method: 'POST',
    headers: admin,
    body: JSON.stringify({ name, dimensions: 4 }),
  });
  expect(created.status).toBe(201);
  const vectors = Array.from({ length: 30 }, (_, i) => ({
    id: `v${i}`,
    vector: [Math.sin(i), Math.cos(i), i / 30, 1],
  }));
  const inserted = await fetch(`${server.url}/v1/collections/${name}/vectors/batch`, {
    method: 'POST',
    headers: admin,
    body: JSON.stringify({ vectors }),
  });
  expect(inserted.status).toBe(200);

  await signIn();
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Backups' })
    .click();
  await expect(page.getByRole('heading', { name: 'Backups', level: 1 })).toBeVisible();
  // The schedule and retention in force: the server's config, unchanged here.
  const schedule = page.getByTestId('backup-schedule');
  await expect(schedule).toContainText('Full backups');
  await expect(schedule).toContainText('not scheduled');
  await expect(page.getByTestId('backup-retention')).toContainText('expire after 30 days');
  await saveScreenshot('backups-before');

  // A full backup: its job is followed with a progress bar until it has written the backup.
  await page.getByRole('button', { name: 'Full backup' }).click();
  const job = page.getByTestId('backup-job');
  await expect(job.getByRole('progressbar')).toBeVisible();
  const result = job.getByTestId('job-result');
  await expect(result).toContainText('(full) written');
  await expect(job.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100');
  const backupId = (await result.locator('code').first().textContent()) ?? '';
  expect(backupId).toMatch(/^[0-9]{8}T[0-9]{9}Z-f-[0-9a-f]{8}$/);

  // Listed in its own chain, not verified yet.
  const row = page.locator(`[data-testid="backup-row"][data-backup-id="${backupId}"]`);
  await expect(row).toBeVisible();
  await expect(row).toContainText('full');
  await expect(row.getByTestId('backup-verification')).toHaveText('never verified');
  await saveScreenshot('backups-created');

  // Verify: a restore drill whose checks, vectors and sample searches are shown.
  await row.getByRole('button', { name: `Verify ${backupId}` }).click();
  await expect(job.getByTestId('job-result')).toContainText('verified');
  await expect(job.getByTestId('verify-vectors')).toContainText(`${name} 30`);
  await expect(job.getByTestId('verify-searches')).toContainText('passed');
  await expect(row.getByTestId('backup-verification')).toContainText('verified');
  await expect(row.getByTestId('backup-verification')).toContainText('drill');
  await saveScreenshot('backups-verified');

  // In place must be typed before it can start; cancelled here.
  await row.getByRole('button', { name: `Restore ${backupId}` }).click();
  const dialog = page.getByRole('dialog', { name: 'Restore a backup' });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('In place (replace the served database)').check();
  await expect(dialog.getByTestId('restore-summary')).toContainText(
    'The served database is replaced',
  );
  await expect(dialog.getByRole('button', { name: 'Restore in place' })).toBeDisabled();
  await dialog.getByLabel('Type replace the database to confirm').fill('replace the database');
  await expect(dialog.getByRole('button', { name: 'Restore in place' })).toBeEnabled();
  await saveScreenshot('backups-restore-in-place');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();

  // Point in time: a change seq inside the chain, restored into a new file.
  await row.getByRole('button', { name: `Restore ${backupId}` }).click();
  await dialog.getByLabel('A change seq (point in time)').check();
  const seq = dialog.getByRole('textbox', { name: 'Change seq' });
  await seq.fill('999999999');
  await expect(seq).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog.getByRole('button', { name: 'Restore to a new file' })).toBeDisabled();
  const seqTo = Number((await row.getByRole('cell').nth(3).textContent())?.split('→')[1]);
  await seq.fill(String(seqTo));
  await expect(seq).toHaveAttribute('aria-invalid', 'false');
  await dialog
    .getByRole('textbox', { name: 'New file' })
    .fill(`e2e-${Date.now().toString(36)}.needle`);
  await expect(dialog.getByTestId('restore-summary')).toContainText('Nothing is replaced');
  await dialog.getByRole('button', { name: 'Restore to a new file' }).click();
  await expect(dialog).toBeHidden();
  await expect(job.getByTestId('job-result')).toContainText('into a new file');
  await expect(job.getByTestId('job-result')).toContainText(`${name} (30)`);
  await saveScreenshot('backups-restored');

  // Retention: a dry run first; nothing is old enough to go.
  await page.getByRole('button', { name: 'Apply retention…' }).click();
  await expect(
    page.getByRole('status').filter({ hasText: 'Retention would delete nothing' }),
  ).toBeVisible();

  // An incremental joins the chain; the full backup cannot be deleted under it, the incremental can.
  await page.getByRole('button', { name: 'Incremental backup' }).click();
  await expect(job.getByTestId('job-result')).toContainText('(incremental) written');
  const incrementalId =
    (await job.getByTestId('job-result').locator('code').first().textContent()) ?? '';
  const chain = page.getByTestId('backup-chain').filter({ has: row });
  const incremental = chain.locator(
    `[data-testid="backup-row"][data-backup-id="${incrementalId}"]`,
  );
  await expect(incremental).toContainText('↳ incremental');
  await expect(row.getByRole('button', { name: `Delete ${backupId}` })).toBeDisabled();
  await saveScreenshot('backups-chain');
  await incremental.getByRole('button', { name: `Delete ${incrementalId}` }).click();
  await page
    .getByRole('dialog', { name: 'Delete this backup?' })
    .getByRole('button', { name: 'Delete backup' })
    .click();
  await expect(incremental).toHaveCount(0);
  await expect(row.getByRole('button', { name: `Delete ${backupId}` })).toBeEnabled();
});
