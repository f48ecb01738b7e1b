// The demo guest with the GPU stand-in, as a person does it in the browser on the simulated Orin
// (card t600 in the x8 slot): the demo VM page shows both GPU functions assigned and a start refused in
// plain words (group not viable, not on vfio-pci) → the DT overlay with a simulated reboot and the GPU
// passed through, from their pages → Start from the VM page: the kernel boots under TCG, its PCI
// enumeration and the init's listing show the bochs-display stand-in → both argvs → Restart (a second
// boot; its graceful stop waits out the server's default 30 s) → Stop (busybox ignores the power
// button: the UI's 10 s timeout, then quit) → Start → Force stop.
import fs from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { vmPaths } from '../server/vm/paths';
import { logIn } from './login';
import { startServer, type TestServer } from './server';
import { expectTerminal, terminalText } from './terminal';

const GPU = '0005:01:00.0';
const AUDIO = '0005:01:00.1';
const PROMPT = 'root@demo:/# ';

const shot = (page: Page, name: string) => page.screenshot({ path: `e2e-artifacts/demo-${name}.png`, fullPage: true });

const boots = async (page: Page) => (await terminalText(page)).split('Booting Linux').length - 1;

function killQemu(dataDir: string, vm: string): void {
  try {
    process.kill(Number(fs.readFileSync(vmPaths(dataDir, vm).pidFile, 'utf8').trim()), 'SIGKILL');
  } catch {
    /* not running */
  }
}

test.describe.serial('the demo VM with the GPU stand-in', () => {
  let server: TestServer;
  test.beforeAll(async () => {
    server = await startServer({ JETVM_SIM_CARD: 't600' });
  });
  test.afterAll(async () => {
    if (server) killQemu(server.dataDir, 'demo');
    await server?.stop();
  });

  test('before passthrough: both GPU functions assigned, a start refused with the reason in plain words', async ({ page }) => {
    await logIn(page, server.url);
    await page.goto(`${server.url}/vms/demo`);
    await expect(page.getByTestId('vm-state')).toHaveText('stopped');
    const facts = page.getByRole('main');
    await expect(facts.getByText(GPU, { exact: true })).toBeVisible();
    await expect(facts.getByText(AUDIO, { exact: true })).toBeVisible();
    await expect(page.getByText('simulated Orin: passed devices are replaced by emulated stand-ins')).toBeVisible();

    // the start checks, shown before anyone presses Start
    const checks = page.getByTestId('vm-checks');
    await expect(checks).toContainText(`${GPU} 10de:1fb1`);
    await expect(checks).toContainText('is on nouveau, not vfio-pci: QEMU would fail with "group');
    await expect(checks).toContainText('is not viable". Bind its IOMMU group to vfio-pci on the Passthrough page first');
    await expect(checks).toContainText('also holds the PCIe controller');
    await expect(checks).toContainText('Apply the device-tree overlay from the Passthrough page and reboot');

    await page.getByRole('button', { name: 'Start', exact: true }).click();
    const error = page.getByTestId('vm-action-error');
    await expect(error).toContainText('VM "demo" was not started:');
    await expect(error).toContainText(`${GPU} 10de:1fb1`);
    await expect(error).toContainText('is on nouveau, not vfio-pci');
    await expect(error).toContainText('is not viable');
    await expect(error).toContainText(`${AUDIO} 10de:10fa`);
    await expect(error).toContainText('is on snd_hda_intel, not vfio-pci');
    await expect(error).toContainText('also holds the PCIe controller');
    await expect(page.getByTestId('vm-state')).toHaveText('stopped');
    await shot(page, 'refused');
  });

  test('overlay + passthrough, Start from the page: the kernel and the init list the stand-in; both argvs', async ({ page }) => {
    test.setTimeout(240_000);
    await logIn(page, server.url);
    // through the UI, briefly (passthrough.spec.ts checks these pages step by step)
    await page.goto(`${server.url}/overlay/${GPU}`);
    await page.getByRole('button', { name: 'Apply overlay and reboot (simulated)' }).click();
    await expect(page.getByTestId('overlay-not-needed')).toBeVisible();
    await page.goto(`${server.url}/devices/${GPU}`);
    await page.getByTestId('pass-through').click();
    const dialog = page.getByTestId('change-dialog');
    await expect(dialog.getByTestId('refusals')).toHaveCount(0);
    await dialog.getByTestId('confirm').click();
    await expect(dialog.getByTestId('outcome')).toHaveAttribute('data-ok', 'true');
    await expect(dialog.getByTestId('outcome')).toContainText('Passed through: every endpoint of group');
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();

    await page.goto(`${server.url}/vms/demo`);
    await expect(page.getByTestId('vm-state')).toHaveText('stopped');
    await expect(page.getByTestId('vm-checks')).not.toContainText('not vfio-pci');
    await expect(page.getByTestId('vm-checks')).not.toContainText('PCIe controller');
    await expect(page.getByTestId('console-terminal')).toHaveAttribute('data-phase', 'live');

    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await expect(page.getByTestId('vm-action-error')).toHaveCount(0);
    await expectTerminal(page, 'Booting Linux');
    // the kernel's PCI enumeration: the stand-in for the T600 (bochs-display, 1234:1111, class 0380 "other display")
    await expectTerminal(page, /pci 0000:0\d:00\.0: \[1234:1111\] type 00 class 0x038000/);
    await expectTerminal(page, /pci 0000:0\d:00\.1: \[8086:293e\] type 00 class 0x040300/);
    // the init's own listing, with the drivers that bound
    await expectTerminal(page, 'PCI devices (address vendor:device class driver):');
    await expectTerminal(page, /^\s+0000:0\d:00\.0 1234:1111 038000 bochs-drm\s*$/m);
    await expectTerminal(page, /^\s+0000:0\d:00\.1 8086:293e 040300 snd_hda_intel\s*$/m);
    await expectTerminal(page, PROMPT);
    await expect(page.getByTestId('vm-state')).toHaveText('running');
    await expect(page.getByTestId('vm-uptime')).toBeVisible();

    const run = page.getByTestId('argv-run');
    await expect(run).toContainText('accel=tcg');
    await expect(run).toContainText(`bochs-display,id=sim-0005-01-00.0`);
    await expect(run).toContainText(`ich9-intel-hda,id=sim-0005-01-00.1`);
    await expect(run).not.toContainText('vfio-pci');
    const real = page.getByTestId('argv-real');
    await expect(real).toContainText('accel=kvm');
    await expect(real).toContainText(`vfio-pci,host=${GPU},`);
    await expect(real).toContainText(/vfio-pci,host=0005:01:00\.0,[^\s]*rombar=0/);
    await expect(real).toContainText(`vfio-pci,host=${AUDIO},`);
    await expect(page.getByText(`stands in as emulated bochs-display (id=sim-0005-01-00.0)`)).toBeVisible();
    await expect(page.getByText(`rombar=0 for ${GPU}: its option ROM is x86 code, useless on aarch64`)).toBeVisible();
    await shot(page, 'booted');
  });

  test('Restart boots again; Stop (the power button is ignored: timeout, then quit); Start; Force stop', async ({ page }) => {
    test.setTimeout(360_000);
    await logIn(page, server.url);
    await page.goto(`${server.url}/vms/demo`);
    await expect(page.getByTestId('vm-state')).toHaveText('running');
    await expectTerminal(page, PROMPT);
    expect(await boots(page)).toBe(1);

    await page.getByRole('button', { name: 'Restart' }).click();
    await expect(page.getByText('working…')).toBeVisible();
    // a graceful stop first (busybox ignores system_powerdown, so the restart waits out the stop's timeout)
    await expect.poll(() => boots(page), { timeout: 120_000, message: 'a second boot on the console' }).toBe(2);
    await expect(page.getByTestId('vm-action-error')).toHaveCount(0);
    await expect.poll(async () => (await terminalText(page)).split(PROMPT).length - 1, { timeout: 90_000 }).toBeGreaterThanOrEqual(2);
    await expect(page.getByTestId('vm-state')).toHaveText('running');
    await shot(page, 'restarted');

    // Stop: "power button, then quit after 10 s"
    const t0 = Date.now();
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await expect(page.getByTestId('vm-state')).toHaveText('stopping');
    await expect(page.getByTestId('vm-state')).toHaveText(/^(stopped|shutdown)$/, { timeout: 30_000 });
    const took = Date.now() - t0;
    expect(took).toBeGreaterThan(9_000);
    await expect(page.getByTestId('vm-action-error')).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Start', exact: true })).toBeEnabled();
    await expect(page.getByRole('button', { name: 'Stop', exact: true })).toBeDisabled();
    expect(fs.existsSync(vmPaths(server.dataDir, 'demo').pidFile)).toBe(false);
    await shot(page, 'stopped');

    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await expect(page.getByTestId('vm-state')).toHaveText('running', { timeout: 30_000 });
    await expect.poll(() => boots(page), { timeout: 90_000, message: 'a third boot on the console' }).toBe(3);

    await page.getByRole('button', { name: 'Force stop' }).click();
    await expect(page.getByTestId('vm-state')).toHaveText('stopped', { timeout: 15_000 });
    await expect(page.getByTestId('vm-action-error')).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Start', exact: true })).toBeEnabled();
    expect(fs.existsSync(vmPaths(server.dataDir, 'demo').pidFile)).toBe(false);
    await shot(page, 'force-stopped');
  });
});
