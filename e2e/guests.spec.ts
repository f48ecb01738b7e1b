// A guest that is a real machine, made in the browser on the simulated Orin: import the UEFI demo disk
// into the image directory, put a thin overlay on it, create a VM with UEFI boot from that disk, NAT with
// forwarded ports, a cloud-init seed (host name + SSH key) and autostart; start it: it boots through
// AAVMF and GRUB under TCG, its web page answers on the forwarded port with the seed's host name and
// key, and SSH with that key logs in. Force-stop it and restart the dashboard: it starts by itself and answers again.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { guestPaths } from '../server/vm/guest';
import { vmPaths } from '../server/vm/paths';
import { freePort } from '../server/free-port';
import { demoGuest, guestHttpAnswer } from '../server/vm/testing/harness';
import { logIn } from './login';
import { startServer, type TestServer } from './server';


const guestPage = (port: number) => guestHttpAnswer(port, 150_000);

function killQemu(dataDir: string, vm: string): void {
  try {
    process.kill(Number(fs.readFileSync(vmPaths(dataDir, vm).pidFile, 'utf8').trim()), 'SIGKILL');
  } catch {
    /* not running */
  }
}

test.describe.serial('a VM from a disk image with UEFI, cloud-init, NAT and autostart', () => {
  test.setTimeout(300_000);
  let server: TestServer;
  let port = 0;
  let sshPort = 0;
  let keyFile = '';
  let KEY = '';
  test.beforeAll(async () => {
    demoGuest(); // the project script builds the UEFI demo disk if it is missing
    server = await startServer({ JETVM_SIM_CARD: 't600' });
    port = await freePort();
    sshPort = await freePort();
    keyFile = path.join(server.dataDir, 'e2e_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'e2e@jetvm', '-f', keyFile]);
    KEY = fs.readFileSync(`${keyFile}.pub`, 'utf8').trim();
  });
  test.afterAll(async () => {
    if (server) killQemu(server.dataDir, 'web');
    await server?.stop();
  });

  test('import + overlay, New VM with UEFI/NAT/cloud-init/autostart, start: it answers on the forwarded port', async ({ page }) => {
    await logIn(page, server.url);
    await page.goto(`${server.url}/vms`);
    const images = page.getByTestId('images');
    await expect(images.getByTestId('image-demo-efi.qcow2')).toContainText('overlay on');

    await images.getByLabel('Image action').selectOption('import');
    await images.getByLabel('Source file').fill(guestPaths().efiDisk);
    await images.getByLabel('Name').fill('efi-base');
    await images.getByRole('button', { name: 'Go' }).click();
    await expect(images.getByTestId('image-message')).toContainText('efi-base.img ready');
    await images.getByLabel('Image action').selectOption('overlay');
    await images.getByLabel('Base image').fill('efi-base.img');
    await images.getByLabel('Name').fill('web');
    await images.getByRole('button', { name: 'Go' }).click();
    await expect(images.getByTestId('image-message')).toContainText('web.qcow2 ready');
    const overlay = (await images.getByTestId('image-message').innerText()).replace(/^.*ready: /, '').trim();
    await expect(images.getByTestId('image-web.qcow2')).toContainText('overlay on');

    await page.getByRole('button', { name: 'New VM' }).click();
    const form = page.getByTestId('vm-form');
    await form.getByLabel('Name', { exact: true }).fill('web');
    await form.getByLabel('Boot', { exact: true }).selectOption('uefi');
    await expect(form.getByLabel('Kernel', { exact: true })).toHaveCount(0);
    await expect(form.getByText('UEFI firmware (AAVMF) boots a distribution image')).toBeVisible();
    await form.getByRole('button', { name: 'Add disk' }).click();
    await form.getByLabel('disk 1 path').fill(overlay);
    await form.getByLabel('disk 1 format').selectOption('qcow2');
    await form.getByLabel('Accelerator').selectOption('tcg');
    await expect(form.getByLabel('Network')).toHaveValue('user'); // NAT is the default
    await form.getByRole('button', { name: 'Add port forward' }).click();
    await form.getByLabel('forward 1 host port').fill(String(port));
    await form.getByLabel('forward 1 guest port').fill('80');
    await form.getByRole('button', { name: 'Add port forward' }).click();
    await form.getByLabel('forward 2 host port').fill(String(sshPort));
    await form.getByLabel('forward 2 guest port').fill('22');
    const ci = form.getByTestId('vm-cloud-init');
    await ci.locator('summary').click();
    await ci.getByLabel('attach a cloud-init seed').check();
    await ci.getByLabel('Host name').fill('web-guest');
    await ci.getByLabel('SSH public keys').fill(KEY);
    const auto = form.getByTestId('vm-autostart');
    await auto.locator('summary').click();
    await auto.getByLabel('start this VM when the dashboard starts').check();
    await auto.getByLabel('Order').fill('1');
    await page.screenshot({ path: 'e2e-artifacts/guests-form.png', fullPage: true });
    await form.getByRole('button', { name: 'Create VM' }).click();
    await expect(page.getByTestId('vm-created')).toContainText('Created VM web');

    await page.getByTestId('vm-row-web').getByRole('link', { name: 'web' }).click();
    await expect(page.getByTestId('vm-network-fact')).toContainText(`127.0.0.1:${port} → 80/tcp`);
    await expect(page.getByTestId('vm-autostart-fact')).toContainText('on (order 1, after 0 s)');
    await expect(page.getByTestId('argv-run')).toContainText('AAVMF_CODE.fd');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await expect(page.getByTestId('vm-state')).toHaveText('running', { timeout: 30_000 });
    const answer = await guestPage(port);
    expect(answer).toContain('jetvm guest web-guest');
    expect(answer).toContain('eth0 address 10.0.2.15');
    expect(answer).toContain(KEY);
    // and SSH with the key given in the form (dropbear in the guest, OpenSSH's client here)
    const ssh = execFileSync('ssh', [
      '-i', keyFile, '-p', String(sshPort), '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null',
      '-o', 'ConnectTimeout=30', '-o', 'LogLevel=ERROR', 'root@127.0.0.1', 'hostname',
    ], { timeout: 60_000 }).toString();
    expect(ssh.trim()).toBe('web-guest');
    await page.screenshot({ path: 'e2e-artifacts/guests-running.png', fullPage: true });
  });

  test('after a force stop and a dashboard restart it starts by itself and answers again', async ({ page }) => {
    await logIn(page, server.url);
    await page.goto(`${server.url}/vms/web`);
    await page.getByRole('button', { name: 'Force stop' }).click();
    await expect(page.getByTestId('vm-state')).toHaveText('stopped', { timeout: 30_000 });
    await expect.poll(() => fetch(`http://127.0.0.1:${port}/`).then(() => 'up', () => 'down')).toBe('down');

    await server.restart();
    expect((await guestPage(port)).split('\n')[0]).toBe('jetvm guest web-guest');
    await logIn(page, server.url);
    await page.goto(`${server.url}/vms/web`);
    await expect(page.getByTestId('vm-state')).toHaveText('running');
    await expect(page.getByTestId('vm-autostart-fact')).toContainText('at this dashboard start: started');
    await page.goto(`${server.url}/audit`);
    await expect(page.getByRole('main')).toContainText('autostart');
  });
});
