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

  test('a transcript deleted for size (JETVM_SHELL_TRANSCRIPT_MAX_MB) shows as "deleted by retention", and its download answers 410', async ({ page }) => {
    server = await startServer({ JETVM_HOST_SHELL: '1', JETVM_SHELL_TRANSCRIPT_MAX_MB: '1' });
    await logIn(page, server.url);
    // two sessions of 600 kB each: when the second ends, together they pass 1 MB and the older goes
    for (const name of ['first', 'second']) {
      await page.goto(`${server.url}/shell`);
      await page.getByLabel('Your password, again').fill(ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Open the shell' }).click();
      await page.getByTestId('shell-terminal').click();
      await page.keyboard.type(`head -c 600000 /dev/zero | tr '\\0' x; echo; echo "${name}-""done"`);
      await page.keyboard.press('Enter');
      await expectTerminal(page, `${name}-done`, 'shell-terminal');
      await page.getByRole('button', { name: 'Close and lock' }).click();
      await expect(page.getByLabel('Your password, again')).toBeVisible();
    }
    await page.getByRole('link', { name: 'Audit log' }).click();
    const ends = page.getByTestId('audit-table').getByRole('row').filter({ hasText: 'shell.session.end' });
    await expect(ends).toHaveCount(2);
    await expect(ends.nth(0).getByRole('link', { name: 'transcript' })).toBeVisible();
    await expect(ends.nth(1)).toContainText('transcript deleted by retention');
    await expect(ends.nth(1).getByRole('link', { name: 'transcript' })).toHaveCount(0);
    const id = /"transcript":"([0-9a-f]{32})"/.exec((await ends.nth(1).textContent()) ?? '')![1];
    const gone = await page.request.get(`${server.url}/api/shell/transcripts/${id}`);
    expect(gone.status()).toBe(410);
    expect(await gone.text()).toContain('deleted by retention');
  });
});

