import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { ADMIN_PASSWORD, startServer, type TestServer } from './server';
import { logIn } from './login';
import { expectTerminal } from './terminal';

// The host shell is off unless JETVM_HOST_SHELL=1, and asks for the password again before it opens.
test.describe.serial('host shell', () => {
  let server: TestServer;
  test.afterEach(async () => {
    await server?.stop();
  });

  test('off by default: the page says how to turn it on', async ({ page }) => {
    server = await startServer();
    await logIn(page, server.url);
    await page.goto(`${server.url}/shell`);
    await expect(page.getByTestId('shell-off')).toContainText('JETVM_HOST_SHELL=1');
    await expect(page.getByTestId('shell-terminal')).toHaveCount(0);
  });

  test('with JETVM_HOST_SHELL=1: a wrong password is refused, the right one opens a shell, and the audit log links its transcript', async ({ page }) => {
    server = await startServer({ JETVM_HOST_SHELL: '1' });
    await logIn(page, server.url);
    await page.goto(`${server.url}/shell`);
    await page.getByLabel('Your password, again').fill('not-the-password');
    await page.getByRole('button', { name: 'Open the shell' }).click();
    await expect(page.getByRole('form', { name: 'Unlock the host shell' }).getByRole('alert')).toHaveText('wrong password');
    await page.getByLabel('Your password, again').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Open the shell' }).click();
    await expect(page.getByTestId('shell-terminal')).toBeVisible();
    await page.getByTestId('shell-terminal').click();
    await page.keyboard.type('echo "host-""shell-ok"');
    await page.keyboard.press('Enter');
    await expectTerminal(page, 'host-shell-ok', 'shell-terminal');
    await page.getByRole('button', { name: 'Close and lock' }).click();
    await expect(page.getByLabel('Your password, again')).toBeVisible();

    await page.getByRole('link', { name: 'Audit log' }).click();
    const row = page.getByTestId('audit-table').getByRole('row').filter({ hasText: 'shell.session.end' });
    await expect(row).toBeVisible();
    const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('link', { name: 'transcript' }).click()]);
    expect(fs.readFileSync((await download.path())!, 'utf8')).toContain('host-shell-ok');
  });
});
