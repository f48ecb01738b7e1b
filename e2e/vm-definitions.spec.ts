// VM definitions from the browser on the simulated Orin (card t600 in the x8 slot): the demo VM's checks
// say why it cannot start before passthrough, both exports download; a new VM from the form (bad values
// refused by the server in plain words, nothing created), then edit, clone, delete the clone; viewers
// see no definition buttons.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { openDb } from '../server/db';
import { createUser } from '../server/auth/users';
import { logIn } from './login';
import { startServer, type TestServer } from './server';

const GPU = '0005:01:00.0';
const AUDIO = '0005:01:00.1';

/** The value of one row of the VM page's facts list. */
const fact = (page: Page, label: string) => page.locator('dt', { hasText: new RegExp(`^${label}$`) }).locator('xpath=following-sibling::dd[1]');

async function downloadText(page: Page, button: string): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
  const file = await download.path();
  return { name: download.suggestedFilename(), text: fs.readFileSync(file, 'utf8') };
}

test.describe.serial('VM definitions in the UI', () => {
  let server: TestServer;
  let kernel = '';
  let initrd = '';
  let disk = '';
  test.beforeAll(async () => {
    server = await startServer({ JETVM_SIM_CARD: 't600' });
    const db = openDb(server.dataDir);
    createUser(db, 'watcher', 'watcher-password', 'viewer');
    db.close();
    // VM files come only from the image directories: <data dir>/images by default
    fs.mkdirSync(path.join(server.dataDir, 'images'), { recursive: true });
    disk = path.join(server.dataDir, 'images', 'data.raw');
    fs.writeFileSync(disk, Buffer.alloc(1024 * 1024));
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  test('the demo VM: checks say why it cannot start yet; shell script and libvirt XML download', async ({ page }) => {
    await logIn(page, server.url);
    await page.goto(`${server.url}/vms/demo`);
    await expect(page.getByTestId('vm-state')).toHaveText('stopped');
    kernel = (await fact(page, 'Kernel').innerText()).trim();
    initrd = (await fact(page, 'Initrd').innerText()).trim();
    expect(kernel).toMatch(/^\/.+Image$/);
    expect(initrd).toMatch(/^\/.+initrd/);

    const checks = page.getByTestId('vm-checks');
    await expect(checks.getByRole('heading', { name: 'Checks before start' })).toBeVisible();
    await expect(page.getByTestId('vm-checks-verdict')).toContainText(/problems? blocks? a start/);
    const notOnVfio = checks.locator('[data-testid="check-not-on-vfio"]').first();
    await expect(notOnVfio).toHaveAttribute('data-severity', 'error');
    await expect(notOnVfio).toContainText('error');
    await expect(notOnVfio).toContainText(`${GPU} 10de:1fb1`);
    await expect(notOnVfio).toContainText('is not viable". Bind its IOMMU group to vfio-pci on the Passthrough page first');
    await expect(checks.getByTestId('check-group-platform').first()).toContainText('also holds the PCIe controller');
    await expect(checks.getByTestId('check-group-platform').first()).toContainText('so it can never be viable');
    await expect(checks.getByTestId('check-tcg')).toHaveAttribute('data-severity', 'warning');
    await expect(checks.getByTestId('check-tcg')).toContainText('TCG software emulation');

    const script = await downloadText(page, 'Download shell script');
    expect(script.name).toBe('demo.sh');
    expect(script.text).toContain('qemu-system-aarch64');
    const xml = await downloadText(page, 'Download libvirt XML');
    expect(xml.name).toBe('demo.xml');
    expect(xml.text).toContain('<domain');
  });

  test('New VM: the server refuses bad values in plain words and creates nothing; a good one appears in the list', async ({ page }) => {
    await logIn(page, server.url);
    await page.goto(`${server.url}/vms`);
    await expect(page.getByTestId('vm-row-demo')).toBeVisible();
    await page.getByRole('button', { name: 'New VM' }).click();
    const form = page.getByTestId('vm-form');
    await form.getByLabel('Name').fill('web1');
    await form.getByLabel('Memory (MiB)').fill('0');
    await form.getByLabel('vCPUs').fill('2');
    await form.getByLabel('Kernel', { exact: true }).fill(kernel);
    await form.getByLabel('Initrd').fill(initrd);
    await form.getByLabel('Kernel command line', { exact: true }).fill('console=ttyAMA0 panic=-1 quiet');

    // the whole group goes along: picking the GPU takes its audio function too
    await form.getByLabel(`pass ${GPU}`).check();
    const gpuGroup = form.locator('[data-testid^="pick-group-"]').filter({ has: page.getByLabel(`pass ${GPU}`) });
    await expect(gpuGroup.locator('li').filter({ has: page.getByLabel(`pass ${AUDIO}`) })).toContainText('goes along: same group');
    await expect(gpuGroup).toContainText('stays with the host');
    await expect(gpuGroup.getByTestId('group-verdict')).toContainText('not viable');

    await form.getByRole('button', { name: 'Add disk' }).click();
    await form.getByLabel('disk 1 path').fill(disk);
    await form.getByLabel('disk 1 format').selectOption('raw');
    await form.getByRole('button', { name: 'Add option' }).click();
    await form.getByLabel('option 1', { exact: true }).selectOption('highmem');
    await form.getByLabel('option 1 value').selectOption('on');
    await form.getByLabel('Accelerator').selectOption('tcg');
    await form.getByLabel('On stop').selectOption('return');
    await expect(form).toContainText('off by default: with gic-version=3 the virt machine has a GICv3 ITS');

    // memory 0: refused by the router's input schema
    await form.getByRole('button', { name: 'Create VM' }).click();
    const errors = page.getByTestId('vm-form-errors');
    await expect(errors).toContainText('Not created');
    await expect(errors).toContainText('Memory: must be at least 64');
    await expect(form.getByTestId('field-error')).toContainText(['must be at least 64']);

    // a kernel that does not exist: refused by the definition's file checks
    await form.getByLabel('Memory (MiB)').fill('512');
    await form.getByLabel('Kernel', { exact: true }).fill('/nonexistent/jetvm/Image');
    await form.getByRole('button', { name: 'Create VM' }).click();
    await expect(errors).toContainText('Kernel: /nonexistent/jetvm/Image does not exist');
    await expect(errors).not.toContainText('Memory');
    await expect(form.getByTestId('field-error')).toHaveText(['/nonexistent/jetvm/Image does not exist']);
    await page.screenshot({ path: 'e2e-artifacts/vm-form.png', fullPage: true });
    await expect(page.getByTestId('vm-row-web1')).toHaveCount(0);

    // sized against the host (the simulated Orin: 12 cores, 64 GB module): the form says its figures, the server refuses more
    await form.getByLabel('Kernel', { exact: true }).fill(kernel);
    await expect(form.getByTestId('host-size')).toHaveText('this host: 12 CPUs, 61.4 GiB');
    await expect(form.getByLabel('Memory (MiB)')).toHaveAttribute('max', '61803');
    await expect(form.getByLabel('vCPUs')).toHaveAttribute('max', '12');
    await form.getByLabel('Memory (MiB)').fill('65536');
    await form.getByRole('button', { name: 'Create VM' }).click();
    await expect(errors).toContainText('Memory: the host has 61.4 GiB: at most 61803 MiB (1024 MiB stay for the host)');
    await expect(form.getByTestId('field-error')).toHaveText(['the host has 61.4 GiB: at most 61803 MiB (1024 MiB stay for the host)']);
    await expect(page.getByTestId('vm-row-web1')).toHaveCount(0);

    await form.getByLabel('Memory (MiB)').fill('512');
    await form.getByRole('button', { name: 'Create VM' }).click();
    await expect(page.getByTestId('vm-created')).toContainText('Created VM web1');
    await expect(page.getByTestId('vm-form')).toHaveCount(0);
    const row = page.getByTestId('vm-row-web1');
    await expect(row).toContainText('512 MiB / 2');
    await expect(row).toContainText(GPU);

    // nothing half-made from the refused tries: exactly demo, demo-efi and web1 after a reload
    await page.reload();
    await expect(page.locator('[data-testid^="vm-row-"]')).toHaveCount(3);

    await row.getByRole('link', { name: 'web1' }).click();
    await expect(page).toHaveURL(/\/vms\/web1$/);
    await expect(fact(page, 'Disks')).toContainText(`${disk} (raw)`);
    await expect(fact(page, 'Machine options')).toHaveText('highmem=on');
    await expect(fact(page, 'Accelerator')).toHaveText('tcg');
    await expect(fact(page, 'On stop')).toContainText('return the devices');
    await expect(page.getByTestId('argv-run')).toContainText('highmem=on');
  });

  test('edit the memory, clone, delete the clone (after a confirm)', async ({ page }) => {
    await logIn(page, server.url);
    await page.goto(`${server.url}/vms/web1`);
    await page.getByRole('button', { name: 'Edit' }).click();
    const form = page.getByTestId('vm-form');
    await expect(form.getByLabel('Name')).toBeDisabled();
    await expect(form.getByLabel(`pass ${GPU}`)).toBeChecked();
    await form.getByLabel('Memory (MiB)').fill('100000');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.getByTestId('vm-form-errors')).toContainText('Memory: must be at most 65536');
    await expect(fact(page, 'Memory')).toHaveText('512 MiB');
    await form.getByLabel('Memory (MiB)').fill('768');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.getByTestId('vm-form')).toHaveCount(0);
    await expect(fact(page, 'Memory')).toHaveText('768 MiB');
    await expect(page.getByTestId('argv-run')).toContainText('-m 768');

    // a name in use is refused; then a free one
    await page.getByRole('button', { name: 'Clone' }).click();
    await page.getByLabel('Name of the copy').fill('demo');
    await page.getByRole('button', { name: 'Clone VM' }).click();
    await expect(page.getByTestId('vm-definition-error')).toContainText('a VM named "demo" already exists');
    await page.getByLabel('Name of the copy').fill('web1-copy');
    await page.getByRole('button', { name: 'Clone VM' }).click();
    await expect(page).toHaveURL(/\/vms\/web1-copy$/);
    await expect(fact(page, 'Memory')).toHaveText('768 MiB');

    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect(page.getByTestId('delete-confirm')).toContainText('Delete VM web1-copy?');
    await page.getByRole('button', { name: 'Delete web1-copy' }).click();
    await expect(page).toHaveURL(/\/vms$/);
    await expect(page.getByTestId('vm-row-web1')).toBeVisible();
    await expect(page.getByTestId('vm-row-web1-copy')).toHaveCount(0);
  });

  test('a viewer sees the checks and the downloads but no definition buttons', async ({ page }) => {
    await logIn(page, server.url, 'watcher', 'watcher-password');
    await page.goto(`${server.url}/vms`);
    await expect(page.getByTestId('vm-row-demo')).toBeVisible();
    await expect(page.getByRole('button', { name: 'New VM' })).toHaveCount(0);
    await page.goto(`${server.url}/vms/demo`);
    await expect(page.getByTestId('vm-checks')).toContainText('is not viable');
    await expect(page.getByRole('button', { name: 'Download shell script' })).toBeVisible();
    for (const name of ['Edit', 'Clone', 'Delete']) await expect(page.getByRole('button', { name, exact: true })).toHaveCount(0);
  });
});
