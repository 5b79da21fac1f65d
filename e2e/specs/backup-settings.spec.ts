import { expect, test } from '../support/fixtures.js';

test('change the incremental backup schedule, see its next run move, then reset to the configuration', async ({
  page,
  server,
  signIn,
  saveScreenshot,
  consoleErrors,
}) => {
  const settingsUrl = `${server.url}/v1/admin/backups/settings`;
  const admin = { 'x-api-key': server.adminKey };
  // Start from the config's values whatever ran before; leave them so for the next spec.
  expect((await fetch(settingsUrl, { method: 'DELETE', headers: admin })).status).toBe(200);
  try {
    await signIn();
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Backups' })
      .click();
    await expect(page.getByRole('heading', { name: 'Backups', level: 1 })).toBeVisible();
    const schedule = page.getByTestId('backup-schedule');
    const incremental = schedule.locator('dt:has-text("Incremental backups") + dd');
    await expect(incremental).toHaveText('not scheduled');

    await page.getByRole('button', { name: 'Change schedule…' }).click();
    const form = page.getByTestId('backup-settings-form');
    await expect(form).toBeVisible();
    await form.getByRole('checkbox', { name: 'Incremental backups: scheduled' }).check();
    const cron = form.getByLabel('Incremental backups (cron)');

    // Checked before the server is asked: a cron expression has 5 fields.
    await cron.fill('every day');
    await form.getByRole('button', { name: 'Save schedule' }).click();
    await expect(form).toContainText('A cron expression has 5 fields');

    // Five fields the server cannot read: its answer names the field.
    await cron.fill('x x x x x');
    await form.getByRole('button', { name: 'Save schedule' }).click();
    const refused = form.getByRole('alert');
    await expect(refused.getByTestId('error-code')).toHaveText('INVALID_BACKUP_SETTINGS');
    await expect(refused.getByTestId('error-message')).toContainText('cron.incremental');
    await expect(refused.getByTestId('error-help')).not.toBeEmpty();
    await saveScreenshot('backup-settings-refused');
    // The browser logs the refused call (400) as a failed load; nothing else may be logged.
    const refusal = /status of 400 .*\/trpc\/backups\.updateSettings/;
    expect(consoleErrors.filter((e) => !refusal.test(e))).toEqual([]);
    consoleErrors.length = 0;

    await cron.fill('17 5 * * *');
    await form.getByRole('button', { name: 'Save schedule' }).click();
    const saved = form.getByTestId('backup-settings-saved');
    await expect(saved).toContainText('Saved. Next runs:');
    await expect(saved).not.toContainText('incremental backups not scheduled');
    await expect(incremental).toContainText('17 5 * * *');
    await expect(incremental).toContainText('next');
    const first = (await incremental.textContent()) ?? '';
    await expect(page.getByTestId('backup-overridden')).toContainText('cron.incremental');
    await saveScreenshot('backup-settings-saved');

    await cron.fill('45 22 * * *');
    await form.getByRole('button', { name: 'Save schedule' }).click();
    await expect(incremental).toContainText('45 22 * * *');
    const second = (await incremental.textContent()) ?? '';
    expect(second.replace(/.*next/, '')).not.toEqual(first.replace(/.*next/, ''));

    // The server agrees: the next run is at 22:45 in the server's time zone.
    const status = (await (
      await fetch(`${server.url}/v1/admin/backups/status`, { headers: admin })
    ).json()) as {
      settings: { cron: { incremental: string | null } };
      schedule: { incremental: string | null };
    };
    expect(status.settings.cron.incremental).toBe('45 22 * * *');
    expect(status.schedule.incremental).not.toBeNull();

    await form.getByRole('button', { name: 'Reset to the configuration' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toContainText('Reset the schedule and retention?');
    await dialog.getByRole('button', { name: 'Reset', exact: true }).click();
    await expect(incremental).toHaveText('not scheduled');
    await expect(form.getByTestId('backup-settings-saved')).toContainText(
      "Reset to the configuration's values.",
    );
    await saveScreenshot('backup-settings-reset');
  } finally {
    await fetch(settingsUrl, { method: 'DELETE', headers: admin });
  }
});
