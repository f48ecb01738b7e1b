// The overview a person on the LAN sees first: the devkit's three slots, the x8 slot's power gauge,
// and a card jetvm does not know, whose figure an admin enters and every open page picks up live.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { logIn } from './login';
import { startServer, type TestServer } from './server';

/** A computed colour (lab, oklch, rgb…) as the sRGB bytes the browser paints. */
function painted(loc: Locator, prop: 'color' | 'borderTopColor'): Promise<number[]> {
  return loc.evaluate((node, p) => {
    const ctx = document.createElement('canvas').getContext('2d')!;
    ctx.fillStyle = getComputedStyle(node)[p];
    ctx.fillRect(0, 0, 1, 1);
    return [...ctx.getImageData(0, 0, 1, 1).data.slice(0, 3)];
  }, prop);
}

const shot = (page: Page, name: string) => page.screenshot({ path: `e2e-artifacts/${name}.png`, fullPage: true });

test.describe('overview with the T600 (default card)', () => {
  let server: TestServer;
  test.beforeAll(async () => {
    server = await startServer({ JETVM_SIM_CARD: 't600' });
  });
  test.afterAll(async () => server?.stop());

  test('shows the three slots with the T600 at the limit, the Wi-Fi and the NVMe', async ({ page }) => {
    await logIn(page, server.url);
    await page.goto(server.url + '/');
    await expect(page.getByTestId('host-mode')).toContainText('Simulated Jetson AGX Orin');
    await expect(page.getByTestId('orin-board')).toBeVisible();

    const x8 = page.getByTestId('slot-x8');
    await expect(x8).toContainText('Full-size PCIe slot');
    await expect(x8).toContainText('T600');
    await expect(x8).toContainText('10de:1fb1');
    await expect(x8).toContainText('host driver nouveau');
    const gauge = x8.getByTestId('power-gauge');
    await expect(gauge).toHaveAttribute('data-tone', 'warn');
    await expect(gauge.getByTestId('power-watts')).toHaveText('40 W');
    await expect(gauge.getByTestId('power-label')).toHaveText('at the limit');
    await expect(gauge).toContainText('Figure: built-in table, unverified');
    await expect(gauge.getByTestId('power-budget-source')).toContainText('Slot budget 40 W: Ghaf');
    await expect(gauge.getByTestId('power-budget-source')).toContainText('unverified: NVIDIA');
    await expect(gauge).toContainText('at the limit: draws up to 40 W; this slot gives 40 W (a desktop slot gives 75 W)');
    await expect(gauge).toContainText('disconnect every power source');
    await expect(gauge).toContainText('active cooler');
    await expect(x8.getByTestId('group-verdict')).toContainText('not viable: the platform controller 141a0000.pcie (tegra194-pcie) shares this group');

    const wifi = page.getByTestId('slot-m2e');
    await expect(wifi).toContainText('M.2 Key E');
    await expect(wifi).toContainText('RTL8822CE');
    await expect(wifi).toContainText('10ec:c822');
    await expect(wifi.getByTestId('power-gauge')).toHaveCount(0);

    const nvme = page.getByTestId('slot-m2m');
    await expect(nvme).toContainText('M.2 Key M');
    await expect(nvme).toContainText('0004:01:00.0');
    await expect(nvme).toContainText('Non-Volatile memory controller');
    await expect(nvme).toContainText(/GT\/s/);

    // the picture's slots lead to their cards
    await expect(page.getByTestId('board-slot-x8')).toHaveAttribute('aria-label', /T600.*at the limit/);
    await page.getByTestId('board-slot-m2m').click();
    await expect(page).toHaveURL(/#slot-m2m$/);
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, 'overview-t600');

    // a device name leads to its page
    await x8.getByRole('link', { name: /T600/ }).click();
    await expect(page).toHaveURL(/\/devices\/0005:01:00\.0$/);
    await expect(page.getByTestId('bar-table')).toContainText('256 MiB');
  });
});

test.describe('overview with the Quadro P1000 (47 W in a 40 W slot)', () => {
  let server: TestServer;
  test.beforeAll(async () => {
    server = await startServer({ JETVM_SIM_CARD: 'p1000' });
  });
  test.afterAll(async () => server?.stop());

  test('makes the over-budget card unmistakable', async ({ page }) => {
    await logIn(page, server.url);
    await page.goto(server.url + '/');
    const gauge = page.getByTestId('slot-x8').getByTestId('power-gauge');
    await expect(gauge).toHaveAttribute('data-tone', 'bad');
    await expect(gauge.getByTestId('power-watts')).toHaveText('47 W');
    await expect(gauge.getByTestId('power-label')).toContainText('over budget');
    await expect(gauge.getByRole('alert')).toHaveText('NVIDIA Quadro P1000 — draws up to 47 W; this slot gives 40 W (a desktop slot gives 75 W)');
    await expect(gauge).toContainText('Over this slot’s power budget');
    // red, not merely mentioned: the figure and the panel's border are drawn in red
    for (const [r, g, b] of [await painted(gauge.getByTestId('power-watts'), 'color'), await painted(gauge, 'borderTopColor')]) {
      expect(Math.max(g, b) / r, `rgb(${r}, ${g}, ${b}) is red, not amber or grey`).toBeLessThan(0.35);
    }
    await expect(page.getByTestId('board-slot-x8')).toHaveAttribute('aria-label', /over budget/);
    await shot(page, 'overview-p1000');
  });
});

test.describe('overview with an empty x8 slot', () => {
  let server: TestServer;
  test.beforeAll(async () => {
    server = await startServer({ JETVM_SIM_CARD: 'none' });
  });
  test.afterAll(async () => server?.stop());

  test('shows the slot empty, its budget, and the guidance for fitting a card', async ({ page }) => {
    await logIn(page, server.url);
    await page.goto(server.url + '/');
    const x8 = page.getByTestId('slot-x8');
    await expect(x8.getByTestId('slot-empty')).toContainText('Empty');
    await expect(x8.getByTestId('power-gauge')).toHaveAttribute('data-tone', 'empty');
    await expect(x8.getByTestId('power-gauge')).toContainText('this slot gives 40 W, a desktop slot 75 W');
    await expect(page.getByTestId('board-slot-x8')).toHaveAttribute('aria-label', /empty/);
    await expect(page.getByTestId('slot-m2e')).toContainText('RTL8822CE');
  });
});

test.describe('a card jetvm has no figure for', () => {
  let server: TestServer;
  test.beforeAll(async () => {
    const first = await startServer({ JETVM_SIM_CARD: 't600' });
    await first.stop();
    // Swap the simulated T600 for a Quadro P2000 (10de:1c30), which the power table does not list:
    // the same edit a different card makes to sysfs. The sim keeps its tree across restarts.
    // A kernel shows the id twice, in `device` and in `uevent`'s PCI_ID (the scan reads the latter first).
    const deviceDir = path.join(first.dataDir, 'sim/root/sys/bus/pci/devices/0005:01:00.0');
    expect(fs.readFileSync(path.join(deviceDir, 'device'), 'utf8')).toBe('0x1fb1\n');
    fs.writeFileSync(path.join(deviceDir, 'device'), '0x1c30\n');
    const uevent = fs.readFileSync(path.join(deviceDir, 'uevent'), 'utf8');
    expect(uevent).toContain('PCI_ID=10DE:1FB1\n');
    fs.writeFileSync(path.join(deviceDir, 'uevent'), uevent.replace('PCI_ID=10DE:1FB1', 'PCI_ID=10DE:1C30'));
    server = await startServer({ JETVM_SIM_CARD: 't600', JETVM_DATA_DIR: first.dataDir });
  });
  test.afterAll(async () => server?.stop());

  test('asks for the maximum power, stores it, and every open page updates without a reload', async ({ browser }) => {
    const [a, b] = await Promise.all([browser.newContext(), browser.newContext()]);
    const [pageA, pageB] = await Promise.all([a.newPage(), b.newPage()]);
    for (const p of [pageA, pageB]) {
      await logIn(p, server.url);
      await p.goto(server.url + '/');
      await p.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    }
    const gaugeA = pageA.getByTestId('slot-x8').getByTestId('power-gauge');
    const gaugeB = pageB.getByTestId('slot-x8').getByTestId('power-gauge');
    await expect(gaugeA).toHaveAttribute('data-tone', 'unknown');
    await expect(gaugeA).toContainText("unknown — enter the card's maximum power");
    await expect(pageA.getByTestId('slot-x8')).toContainText('Quadro P2000');
    await shot(pageA, 'overview-unknown');

    await gaugeA.getByLabel('Maximum power (W)').fill('75');
    await gaugeA.getByLabel('Source (optional)').fill('NVIDIA P2000 datasheet');
    await gaugeA.getByRole('button', { name: 'Save' }).click();

    for (const g of [gaugeA, gaugeB]) {
      await expect(g).toHaveAttribute('data-tone', 'bad');
      await expect(g.getByTestId('power-watts')).toHaveText('75 W');
      await expect(g).toContainText('draws up to 75 W; this slot gives 40 W');
      await expect(g).toContainText('entered here — NVIDIA P2000 datasheet');
    }
    expect(await pageB.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await shot(pageB, 'overview-unknown-entered');

    // the admin can take it back; the other page follows again
    await gaugeA.getByRole('button', { name: /Forget my figure/ }).click();
    await expect(gaugeB).toHaveAttribute('data-tone', 'unknown');
    await Promise.all([a.close(), b.close()]);
  });
});
