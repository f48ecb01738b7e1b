// The VM list and VM page (no guest started here: e2e/console.spec.ts boots one), and the host shell.
import { expect, test } from '@playwright/test';
import { openDb } from '../server/db';
import fs from 'node:fs';
import path from 'node:path';
import { createUser } from '../server/auth/users';
import { guestPaths } from '../server/vm/guest';
import { VmRepo } from '../server/vm/repo';
import { logIn } from './login';
import { ADMIN_PASSWORD, startServer, type TestServer } from './server';
import { expectTerminal } from './terminal';

test.describe.serial('VM pages and the host shell', () => {
  let server: TestServer;
  test.beforeAll(async () => {
    server = await startServer({ JETVM_HOST_SHELL: '1' }); // the host shell is off without it
    const db = openDb(server.dataDir);
    createUser(db, 'watcher', 'watcher-password', 'viewer');
    db.close();
  });
  test.afterAll(async () => server?.stop());

  test('lists the demo VM and shows its page with both QEMU commands', async ({ page }) => {
    await logIn(page, server.url);
    await page.getByRole('link', { name: 'VMs' }).click();
    const row = page.getByTestId('vm-row-demo');
    await expect(row).toContainText('stopped');
    await expect(row.getByRole('button', { name: 'Start', exact: true })).toBeEnabled();
    await expect(row.getByRole('button', { name: 'Stop', exact: true })).toBeDisabled();
    await row.getByRole('link', { name: 'demo' }).click();
    await expect(page).toHaveURL(/\/vms\/demo$/);
    await expect(page.getByTestId('argv-run')).toContainText('-chardev socket,id=ser0');
    await expect(page.getByTestId('argv-run')).toContainText('accel=tcg');
    await expect(page.getByTestId('argv-real')).toContainText('vfio-pci');
    await expect(page.getByTestId('argv-real')).toContainText('accel=kvm');
    await page.screenshot({ path: 'e2e-artifacts/vm-page.png', fullPage: true });
  });

  test('a start that QEMU fails shows its error under the buttons and, after a reload, as the last start error', async ({ page }) => {
    // VM files come only from the image directories: <data dir>/images is one by default
    const initrd = path.join(server.dataDir, 'images', 'too-big-initrd.img');
    fs.mkdirSync(path.dirname(initrd), { recursive: true });
    fs.writeFileSync(initrd, '');
    fs.truncateSync(initrd, 80 * 1024 * 1024); // more than the 64 MiB guest: QEMU exits 1
    const db = openDb(server.dataDir);
    new VmRepo(db, [path.dirname(initrd), path.dirname(guestPaths().kernel)]).create({ name: 'broken', kernel: guestPaths().kernel, initrd, memoryMiB: 64, vcpus: 1, accel: 'tcg' });
    db.close();
    await logIn(page, server.url);
    await page.goto(`${server.url}/vms/broken`);
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    const said = `QEMU did not start (exit 1): qemu-system-aarch64: could not load initrd '${initrd}'`;
    await expect(page.getByTestId('vm-action-error')).toHaveText(said);
    await expect(page.getByTestId('vm-last-error')).toContainText(said);
    await page.reload();
    await expect(page.getByTestId('vm-last-error')).toContainText('The last start failed');
    await expect(page.getByTestId('vm-last-error')).toContainText(said);
    await expect(page.getByTestId('vm-state')).toHaveText('stopped');
    await page.screenshot({ path: 'e2e-artifacts/vm-start-failed.png', fullPage: true });
  });

  test('a viewer cannot act on a VM or open the host shell', async ({ page }) => {
    await logIn(page, server.url, 'watcher', 'watcher-password');
    await page.goto(`${server.url}/vms`);
    await expect(page.getByTestId('vm-row-demo').getByRole('button', { name: 'Start', exact: true })).toBeDisabled();
    await expect(page.getByRole('link', { name: 'Host shell' })).toHaveCount(0);
    await page.goto(`${server.url}/shell`);
    await expect(page.getByText('The host shell needs the admin role.')).toBeVisible();
  });

  test('host shell: type, see the output, exit, start a new one', async ({ page }) => {
    await logIn(page, server.url);
    await page.getByRole('link', { name: 'Host shell' }).click();
    // opening it asks for the password again
    const unlock = async () => {
      await page.getByLabel('Your password, again').fill(ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Open the shell' }).click();
    };
    await unlock();
    const term = page.getByTestId('shell-terminal');
    await expect(term).toHaveAttribute('data-phase', 'live');
    await term.click();
    await page.keyboard.type('echo shell-$((6*7)); stty size');
    await page.keyboard.press('Enter');
    await expectTerminal(page, /^shell-42\s*$/m, 'shell-terminal');
    await page.keyboard.type('exit');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('terminal-connection')).toHaveText('shell exited');
    await page.getByRole('button', { name: 'Start a new shell' }).click();
    await unlock(); // a new shell, a new password check
    await expect(term).toHaveAttribute('data-phase', 'live');
    await term.click();
    await page.keyboard.type('echo again-$((1+1))');
    await page.keyboard.press('Enter');
    await expectTerminal(page, /^again-2\s*$/m, 'shell-terminal');
  });
});
