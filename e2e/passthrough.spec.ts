// Passing the x8 slot's GPU through on the simulated Orin, as a person does it in the browser: the stock
// group is not viable (the PCIe controller shares it) → the overlay, applied with a simulated reboot →
// the exact writes, confirmed → live progress → both functions on vfio-pci with /dev/vfio/N → back to
// the host → through again. Also: the root NVMe refused, bind at boot, a viewer's read-only plan,
// a running VM blocking "Return to host", and the preflight page.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { logIn } from './login';
import { startServer, type TestServer } from './server';

const GPU = '0005:01:00.0';
const AUDIO = '0005:01:00.1';
const ROOT_PORT = '0005:00:00.0';
const CONTROLLER = '141a0000.pcie';
const NVME = '0004:01:00.0';

const shot = (page: Page, name: string) => page.screenshot({ path: `e2e-artifacts/passthrough-${name}.png`, fullPage: true });

/** The dialog alone, in a viewport tall enough that its scrolling body shows whole. */
async function dialogShot(page: Page, name: string) {
  const size = page.viewportSize()!;
  await page.setViewportSize({ width: size.width, height: 2400 });
  await page.getByTestId('change-dialog').screenshot({ path: `e2e-artifacts/passthrough-${name}.png` });
  await page.setViewportSize(size);
}

/** A tRPC mutation over HTTP as the logged-in user of `page` (for the parts other pages own: users, VMs). */
async function mutate(page: Page, server: TestServer, procedure: string, input: unknown) {
  const res = await page.request.post(`${server.url}/api/trpc/${procedure}`, { data: { json: input }, headers: { origin: server.url } });
  expect(res.status(), `${procedure}: ${await res.text()}`).toBe(200);
}

const writes = (scope: Locator) => scope.getByTestId('write');

async function expectWrites(list: Locator, expected: string[]) {
  await expect(writes(list)).toHaveCount(expected.length);
  for (const [i, text] of expected.entries()) await expect(writes(list).nth(i)).toContainText(text);
}

const BIND_WRITES = [
  `/sys/bus/pci/devices/${GPU}/driver_override ← "vfio-pci"`,
  `/sys/bus/pci/devices/${GPU}/driver/unbind ← "${GPU}"`,
  `/sys/bus/pci/drivers_probe ← "${GPU}"`,
  `/sys/bus/pci/devices/${AUDIO}/driver_override ← "vfio-pci"`,
  `/sys/bus/pci/devices/${AUDIO}/driver/unbind ← "${AUDIO}"`,
  `/sys/bus/pci/drivers_probe ← "${AUDIO}"`,
];
const RELEASE_WRITES = [
  `/sys/bus/pci/drivers/vfio-pci/unbind ← "${GPU}"`,
  `/sys/bus/pci/devices/${GPU}/driver_override ← ""`,
  `/sys/bus/pci/drivers_probe ← "${GPU}"`,
  `/sys/bus/pci/drivers/vfio-pci/unbind ← "${AUDIO}"`,
  `/sys/bus/pci/devices/${AUDIO}/driver_override ← ""`,
  `/sys/bus/pci/drivers_probe ← "${AUDIO}"`,
];

/** Confirms the open dialog's plan and waits for its outcome; checks every write came in live. */
async function confirmAndFinish(page: Page, count: number) {
  const dialog = page.getByTestId('change-dialog');
  await dialog.getByTestId('confirm').click();
  const progress = dialog.getByTestId('progress');
  await expect(progress).toHaveAttribute('data-live-writes', String(count));
  await expect(writes(progress.getByTestId('progress-writes')).and(page.locator('[data-state="ok"]'))).toHaveCount(count);
  await expect(progress.getByTestId('verification')).toContainText('✔ Re-scanned the host');
  await expect(dialog.getByTestId('outcome')).toHaveAttribute('data-ok', 'true');
  return dialog;
}

/** The group card (groups page, or inside the dialog's result) that holds the GPU. */
const gpuGroup = (scope: Page | Locator) => scope.locator(`[data-testid^="group-"]:has([data-testid="member-${GPU}"])`);

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer({ JETVM_SIM_CARD: 't600' });
});
test.afterAll(async () => server?.stop());
test.describe.configure({ mode: 'serial' });

test('stock L4T: the GPU group is refused with the overlay as the fix; the simulated reboot with it makes the group viable', async ({ page }) => {
  await logIn(page, server.url);
  const x8 = page.getByTestId('slot-x8');
  await x8.getByTestId('pass-through').click();

  const dialog = page.getByTestId('change-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId(`endpoint-${GPU}`)).toContainText(/nouveau.*vfio-pci/);
  await expect(dialog.getByTestId(`endpoint-${AUDIO}`)).toContainText(/snd_hda_intel.*vfio-pci/);
  await expect(dialog.getByTestId(`bridge-${ROOT_PORT}`)).toContainText('stays on pcieport');
  await expect(dialog.getByTestId(`platform-${CONTROLLER}`)).toContainText('PCIe controller C5');
  const refusal = dialog.getByTestId('refusal-platform-in-group');
  await expect(refusal).toContainText(`also holds the PCIe controller C5 (${CONTROLLER})`);
  await expect(refusal).toContainText(`How to fix it: Install the device-tree overlay that empties \`iommus\` on ${CONTROLLER}'s node`);
  await expect(dialog.getByTestId('confirm')).toHaveCount(0);
  await expect(dialog.getByTestId('plan-writes')).toHaveCount(0);
  await dialogShot(page, 'refused-platform');

  await refusal.getByTestId('overlay-link').click();
  await expect(page).toHaveURL(`${server.url}/overlay/${GPU}`);
  await expect(page.getByTestId('overlay-dts')).toContainText('/plugin/;');
  // JetPack 6 (the simulated board boots NVIDIA's r36.4.2 devkit tree): no label, so by path
  await expect(page.getByTestId('overlay-dts')).toContainText(/&\{\/bus@0\/pcie@141a0000\} \{\s*iommus = <>;\s*\};/);
  await expect(page.getByTestId('overlay-dts')).not.toContainText('pcie_c5_rp');
  await expect(page.getByTestId('dtc-check')).toHaveAttribute('data-state', 'ok');
  await expect(page.getByTestId('dtc-check')).toContainText('fdtoverlay applying it to /sys/firmware/fdt leaves each controller');
  const install = page.getByTestId('overlay-install');
  await expect(install).toContainText('dtc -@ -I dts -O dtb -o jetvm-pcie-iommu.dtbo jetvm-pcie-iommu.dts');
  await expect(install).toContainText('OVERLAYS /boot/jetvm-pcie-iommu.dtbo');
  await expect(install).toContainText('FDT /boot/dtb/kernel_tegra234-p3737-0000+p3701-0000-nv.dtb');
  await expect(install).toContainText('vfio_iommu_type1.allow_unsafe_interrupts=1');
  await expect(gpuGroup(page).getByTestId(`member-${CONTROLLER}`)).toBeVisible();
  await shot(page, 'overlay');

  await page.getByRole('button', { name: 'Apply overlay and reboot (simulated)' }).click();
  await expect(page.getByTestId('overlay-not-needed')).toBeVisible();
  const group = gpuGroup(page);
  await expect(group.getByTestId(`member-${CONTROLLER}`)).toHaveCount(0);
  await expect(group.getByTestId(`member-${ROOT_PORT}`)).toBeVisible();
  await expect(group.getByTestId(`member-${AUDIO}`)).toBeVisible();
  await expect(group.getByTestId('group-verdict')).toHaveAttribute('data-kind', 'ready');
  await shot(page, 'overlay-applied');

  await page.getByRole('link', { name: 'DT overlay' }).click();
  await expect(page.getByTestId('applied-overlay')).toContainText(`booted with the overlay for ${CONTROLLER}`);
});

test('pass the GPU through from its page: the exact writes, live progress, both functions on vfio-pci', async ({ page }) => {
  await logIn(page, server.url);
  await page.goto(`${server.url}/devices/${GPU}`);
  await page.getByTestId('pass-through').click();
  const dialog = page.getByTestId('change-dialog');
  await expect(dialog.getByTestId(`bridge-${ROOT_PORT}`)).toContainText('stays on pcieport');
  await expect(dialog.getByTestId(`platform-${CONTROLLER}`)).toHaveCount(0);
  await expect(dialog.getByTestId('refusals')).toHaveCount(0);
  await expect(dialog.getByTestId('plan-notes')).toContainText(`The whole group goes together: ${AUDIO} too.`);
  await expectWrites(dialog.getByTestId('plan-writes'), BIND_WRITES);
  await expect(dialog.getByTestId('confirm')).toHaveText('Pass through: make these 6 writes');
  await dialogShot(page, 'plan');

  await confirmAndFinish(page, 6);
  const outcome = dialog.getByTestId('outcome');
  await expect(outcome).toContainText(/Passed through: every endpoint of group (\d+) is on vfio-pci/);
  const group = Number(/group (\d+) is on/.exec((await outcome.textContent())!)![1]);
  await expect(outcome).toContainText(`/dev/vfio/${group} is there`);
  const now = gpuGroup(outcome);
  await expect(now).toContainText(`/dev/vfio/${group}`);
  await expect(now.getByTestId(`member-${GPU}`)).toContainText('on vfio-pci');
  await expect(now.getByTestId(`member-${AUDIO}`)).toContainText('on vfio-pci');
  await dialogShot(page, 'done');

  await dialog.getByRole('button', { name: 'Close', exact: true }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('device-state').first()).toContainText('on vfio-pci');
});

test('a viewer sees the plan read-only; a running VM blocks "Return to host"', async ({ page, browser }) => {
  await logIn(page, server.url);
  await mutate(page, server, 'users.create', { name: 'vivian', role: 'viewer', password: 'vivian-password' });
  const viewerContext = await browser.newContext();
  const viewer = await viewerContext.newPage();
  await logIn(viewer, server.url, 'vivian', 'vivian-password');
  await viewer.getByTestId('slot-x8').getByTestId('return-to-host').click();
  const readOnly = viewer.getByTestId('change-dialog');
  await expectWrites(readOnly.getByTestId('plan-writes'), RELEASE_WRITES);
  await expect(readOnly.getByTestId('read-only')).toContainText('only an admin can return devices to the host');
  await expect(readOnly.getByTestId('confirm')).toHaveCount(0);
  await viewerContext.close();

  // the demo VM holds the x8 card's functions while it runs
  await mutate(page, server, 'vms.start', { name: 'demo' });
  try {
    await page.goto(`${server.url}/groups`);
    await expect(gpuGroup(page).getByTestId(`member-${GPU}`)).toContainText('in use by VM demo');
    await gpuGroup(page).getByTestId('return-to-host').click();
    const dialog = page.getByTestId('change-dialog');
    await expect(dialog.getByTestId('refusal-in-use-by-vm')).toContainText(`The running VM "demo" uses ${GPU}, ${AUDIO} from this group.`);
    await expect(dialog.getByTestId('refusal-in-use-by-vm')).toContainText('How to fix it: Stop "demo" first.');
    await expect(dialog.getByTestId('confirm')).toHaveCount(0);
    await dialogShot(page, 'refused-vm-running');
  } finally {
    await mutate(page, server, 'vms.forceStop', { name: 'demo' });
  }
});

test('return the card to the host from the groups page, then pass it through again', async ({ page }) => {
  await logIn(page, server.url);
  await page.goto(`${server.url}/groups`);
  await expect(gpuGroup(page).getByTestId(`member-${GPU}`)).toContainText('on vfio-pci');
  await gpuGroup(page).getByTestId('return-to-host').click();
  const dialog = page.getByTestId('change-dialog');
  await expect(dialog.getByTestId(`endpoint-${GPU}`)).toContainText(/vfio-pci.*nouveau/);
  await expect(dialog.getByTestId(`endpoint-${AUDIO}`)).toContainText(/vfio-pci.*snd_hda_intel/);
  await expectWrites(dialog.getByTestId('plan-writes'), RELEASE_WRITES);
  await confirmAndFinish(page, 6);
  const outcome = dialog.getByTestId('outcome');
  await expect(outcome).toContainText('Returned to the host');
  await expect(gpuGroup(outcome).getByTestId(`member-${GPU}`)).toContainText('host driver nouveau');
  await expect(gpuGroup(outcome).getByTestId(`member-${AUDIO}`)).toContainText('host driver snd_hda_intel');
  await expect(gpuGroup(outcome)).toContainText('no /dev/vfio node');
  await dialogShot(page, 'returned');
  await dialog.getByRole('button', { name: 'Close', exact: true }).click();

  await expect(gpuGroup(page).getByTestId(`member-${GPU}`)).toContainText('host driver nouveau');
  await gpuGroup(page).getByTestId('pass-through').click();
  await expectWrites(dialog.getByTestId('plan-writes'), BIND_WRITES);
  await confirmAndFinish(page, 6);
  await expect(gpuGroup(dialog.getByTestId('outcome')).getByTestId(`member-${AUDIO}`)).toContainText('on vfio-pci');
  await dialog.getByRole('button', { name: 'Close', exact: true }).click();
  await expect(gpuGroup(page).getByTestId(`member-${AUDIO}`)).toContainText('on vfio-pci');
  await shot(page, 'groups-after');
});

test('a write the kernel refuses half-way: its error text, then the rollback that put the first function back', async ({ page }) => {
  await logIn(page, server.url);
  await mutate(page, server, 'passthrough.release', { address: GPU }); // the UI for this is proven above
  // Fault injection on the simulated sysfs: the audio function's driver_override attribute goes away,
  // so writing it fails as the kernel answers for a missing file; the plan itself does not change.
  const attr = path.join(server.dataDir, 'sim/root/sys/bus/pci/devices', AUDIO, 'driver_override');
  const saved = fs.readFileSync(attr, 'utf8');
  fs.rmSync(attr);
  try {
    await page.goto(`${server.url}/devices/${GPU}`);
    await page.getByTestId('pass-through').click();
    const dialog = page.getByTestId('change-dialog');
    await expectWrites(dialog.getByTestId('plan-writes'), BIND_WRITES);
    await dialog.getByTestId('confirm').click();

    const outcome = dialog.getByTestId('outcome');
    await expect(outcome).toHaveAttribute('data-ok', 'false');
    await expect(outcome).toContainText('Failed at write 4');
    await expect(outcome.getByTestId('failure')).toContainText(`sys/bus/pci/devices/${AUDIO}/driver_override ← "vfio-pci": ENOENT`);
    await expect(outcome).toContainText('every device is back on the driver it had before');
    const progress = dialog.getByTestId('progress');
    await expect(progress).toHaveAttribute('data-live-writes', '4');
    const applied = writes(progress.getByTestId('progress-writes'));
    await expect(applied.nth(2)).toHaveAttribute('data-state', 'ok');
    await expect(applied.nth(3)).toHaveAttribute('data-state', 'failed');
    await expect(applied.nth(3).getByTestId('write-result')).toContainText('ENOENT');
    await expect(applied.nth(4)).toHaveAttribute('data-state', 'skipped');
    await expect(applied.nth(5).getByTestId('write-result')).toHaveText('not written: an earlier write failed');
    await expectWrites(progress.getByTestId('rollback-writes'), [
      `/sys/bus/pci/devices/${GPU}/driver/unbind ← "${GPU}"`,
      `/sys/bus/pci/devices/${GPU}/driver_override ← ""`,
      `/sys/bus/pci/drivers_probe ← "${GPU}"`,
    ]);
    await expect(writes(progress.getByTestId('rollback-writes')).and(page.locator('[data-state="ok"]'))).toHaveCount(3);
    await expect(gpuGroup(outcome).getByTestId(`member-${GPU}`)).toContainText('host driver nouveau');
    await expect(gpuGroup(outcome).getByTestId(`member-${AUDIO}`)).toContainText('host driver snd_hda_intel');
    await dialogShot(page, 'failed-rolled-back');
  } finally {
    fs.writeFileSync(attr, saved);
  }
});

test('the NVMe holding the root filesystem is refused with the reason, and nothing can be confirmed', async ({ page }) => {
  await logIn(page, server.url);
  await page.getByTestId('slot-m2m').getByTestId('pass-through').click();
  const dialog = page.getByTestId('change-dialog');
  const refusal = dialog.getByTestId('refusal-host-critical-mount');
  await expect(refusal).toContainText(`${NVME} holds`);
  await expect(refusal).toContainText('mounted on /');
  await expect(refusal).toContainText("This is the host's own root disk: it cannot be passed through.");
  // the root disk comes first, and the overlay (which would also be needed) is no way out for it
  await expect(dialog.getByTestId('refusals').locator('li').first()).toHaveAttribute('data-testid', 'refusal-host-critical-mount');
  await expect(dialog.getByTestId('refusal-platform-in-group')).toContainText("empties `iommus` on 14160000.pcie's node");
  await expect(dialog.getByTestId('overlay-link')).toHaveCount(0);
  await expect(dialog.getByTestId('confirm')).toHaveCount(0);
  await dialogShot(page, 'refused-nvme');
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
});

test('bind at boot: the files, written into the data directory and removed again', async ({ page }) => {
  await logIn(page, server.url);
  await page.goto(`${server.url}/devices/${GPU}`);
  const panel = page.getByTestId('boot-panel');
  await expect(panel.getByTestId('boot-state')).toHaveText('not bound at boot');
  await expect(panel.getByTestId('boot-files')).toContainText('/etc/udev/rules.d/60-jetvm-vfio-pci.rules');
  await expect(panel.getByTestId('boot-files')).toContainText(`KERNEL=="${AUDIO}", ATTR{driver_override}="vfio-pci"`);
  await expect(panel.getByTestId('boot-notes')).toContainText('grabs EVERY card with the same IDs');

  await panel.getByLabel('modprobe.d: every card with these IDs').check();
  await expect(panel.getByTestId('boot-files')).toContainText('options vfio-pci ids=10de:1fb1,10de:10fa');
  await expect(panel.getByTestId('boot-files')).toContainText('softdep nouveau pre: vfio-pci');
  await panel.getByLabel('udev rule: these exact slots').check();

  await panel.getByRole('button', { name: 'Bind at boot' }).click();
  const rule = `${server.dataDir}/boot/etc/udev/rules.d/60-jetvm-vfio-pci.rules`;
  await expect(panel.getByTestId('boot-result-written')).toContainText(rule);
  await expect(panel.getByTestId('boot-state')).toHaveText('bound at boot');
  expect(fs.readFileSync(rule, 'utf8')).toContain(`KERNEL=="${GPU}", ATTR{driver_override}="vfio-pci"`);
  await panel.scrollIntoViewIfNeeded();
  await shot(page, 'boot');

  await panel.getByRole('button', { name: 'Stop binding at boot' }).click();
  await expect(panel.getByTestId('boot-result-removed')).toContainText(rule);
  await expect(panel.getByTestId('boot-state')).toHaveText('not bound at boot');
  expect(fs.existsSync(rule)).toBe(false);
});

test('the preflight page: every item with its state, why it matters and how to fix it', async ({ page }) => {
  await logIn(page, server.url);
  await page.getByRole('link', { name: 'Preflight' }).click();
  await expect(page).toHaveURL(`${server.url}/preflight`);
  const unsafe = page.getByTestId('preflight-unsafe-interrupts');
  await expect(unsafe).toHaveAttribute('data-severity', 'error');
  await expect(unsafe).toContainText("Why it matters: The Orin's PCIe MSIs do not go through an ITS");
  await expect(unsafe).toContainText('How to fix it: Add vfio_iommu_type1.allow_unsafe_interrupts=1 to the APPEND line');
  await expect(page.getByTestId('preflight-vfio-pci')).toHaveAttribute('data-severity', 'ok');
  await expect(page.getByTestId('preflight-iommu-groups')).toHaveAttribute('data-severity', 'ok');
  await expect(page.getByTestId('preflight-dtc')).toHaveAttribute('data-severity', 'ok');
  await expect(page.getByTestId('preflight-summary')).toContainText('error: not ready');
  // the simulated Orin's figures (server/host/sim/orin-proc.ts), not this machine's
  await expect(page.getByTestId('preflight-host-size')).toHaveText('12 CPUs, 61.4 GiB: a VM may have up to 12 vCPUs and 61803 MiB (1024 MiB stay for the host)');
  await expect(page.getByTestId('preflight-l4t')).toHaveText(/^R36\.\d/);
  await expect(page.getByTestId('preflight-cmdline')).toContainText('root=/dev/nvme0n1p1 rw rootwait');
  for (const item of await page.getByTestId('preflight-items').locator('> li').all()) {
    await expect(item).toHaveAttribute('data-severity', /^(ok|warning|error)$/);
    await expect(item).toContainText('Why it matters:');
  }
  await shot(page, 'preflight');

  // the locked-memory check assumes the largest VM that passes devices through (the demo passes the T600: 256 MiB)
  const ram = page.getByLabel('Largest guest RAM (MiB), for the locked-memory check');
  await expect(page.getByTestId('preflight-ram-from')).toContainText('the largest VM that passes devices through: ');
  const assumed = await ram.inputValue();
  expect(Number(assumed)).toBeGreaterThanOrEqual(256);
  await expect(page.getByTestId('preflight-memlock')).toContainText(`guest RAM ${assumed} MiB`);

  // a bad guest size is said plainly, and the checks stay as they were
  await ram.fill('12');
  await expect(page.getByText('a whole number from 64 to 1048576')).toBeVisible();
  await expect(page.getByTestId('preflight-memlock')).toContainText(`guest RAM ${assumed} MiB`);
  // a figure the user names replaces the VM's
  await ram.fill('2048');
  await expect(page.getByTestId('preflight-memlock')).toContainText('guest RAM 2.0 GiB');
  await expect(page.getByTestId('preflight-ram-from')).toHaveCount(0);
});
