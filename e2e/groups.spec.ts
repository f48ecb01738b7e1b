// IOMMU groups and the device page on the stock simulated Orin (no overlay): the platform controller
// shares each slot's group, so the groups are not viable; the GPU's page shows its BARs.
import { expect, test, type Page } from '@playwright/test';
import { logIn } from './login';
import { startServer, type TestServer } from './server';

const shot = (page: Page, name: string) => page.screenshot({ path: `e2e-artifacts/${name}.png`, fullPage: true });

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer({ JETVM_SIM_CARD: 't600' });
});
test.afterAll(async () => server?.stop());

test('the groups page shows the platform controller in the GPU group and says it is not viable', async ({ page }) => {
  await logIn(page, server.url);
  await page.getByRole('link', { name: 'IOMMU groups' }).click();
  await expect(page).toHaveURL(/\/groups$/);

  const gpu = page.locator('[data-testid^="group-"]').filter({ has: page.getByTestId('member-0005:01:00.0') });
  await expect(gpu).toHaveCount(1);
  const controller = gpu.getByTestId('member-141a0000.pcie');
  await expect(controller).toContainText('PCIe controller C5');
  await expect(controller).toContainText('tegra194-pcie');
  await expect(controller).toContainText('platform device (not PCI)');
  await expect(gpu.getByTestId('member-0005:00:00.0')).toContainText('pcieport');
  await expect(gpu.getByTestId('member-0005:01:00.1')).toContainText('snd_hda_intel');
  await expect(gpu.getByTestId('group-verdict')).toHaveText(
    /not viable: the platform controller 141a0000\.pcie \(tegra194-pcie\) shares this group — take it out with the device-tree overlay/,
  );
  await expect(gpu.getByTestId('group-verdict')).toHaveAttribute('data-kind', 'not-viable');

  const wifi = page.locator('[data-testid^="group-"]').filter({ has: page.getByTestId('member-0001:01:00.0') });
  await expect(wifi.getByTestId('group-verdict')).toContainText('take it out with the device-tree overlay');
  const nvme = page.locator('[data-testid^="group-"]').filter({ has: page.getByTestId('member-0004:01:00.0') });
  await expect(nvme.getByTestId('group-verdict')).toContainText('host-critical: holds the root filesystem');
  await shot(page, 'groups');
});

test('the device page shows IDs, BARs with sizes, the group and the parents', async ({ page }) => {
  await logIn(page, server.url);
  await page.goto(`${server.url}/devices/0005:01:00.0`);
  await expect(page.getByTestId('device-name')).toContainText('T600');
  await expect(page.getByText('10de:1fb1').first()).toBeVisible();
  const bars = page.getByTestId('bar-table');
  await expect(bars.getByRole('row', { name: /BAR0/ })).toContainText(/16 MiB.*32-bit.*non-prefetchable/);
  await expect(bars.getByRole('row', { name: /BAR1/ })).toContainText(/256 MiB.*64-bit.*prefetchable/);
  await expect(bars.getByRole('row', { name: /BAR3/ })).toContainText('32 MiB');
  await expect(bars.getByRole('row', { name: /BAR5/ })).toContainText(/128 B.*I\/O/);
  await expect(bars.getByRole('row', { name: /ROM/ })).toContainText('512 KiB');
  await expect(page.getByTestId('parents')).toContainText('141a0000.pcie');
  await expect(page.getByRole('link', { name: '0005:01:00.1' })).toBeVisible();
  await shot(page, 'device-gpu');

  // the root port's page has its bridge windows and the card's functions below it
  await page.getByTestId('parents').getByRole('link', { name: '0005:00:00.0' }).click();
  await expect(page).toHaveURL(/\/devices\/0005:00:00\.0$/);
  await expect(page.getByTestId('window-table')).toBeVisible();
  await expect(page.getByRole('link', { name: '0005:01:00.0' })).toBeVisible();

  // and the group link leads to the group on the groups page
  await page.getByTestId('device-group').click();
  await expect(page).toHaveURL(/\/groups#group-\d+$/);
});

test('a malformed or unknown address gets a clear "no such device", not a crash', async ({ page }) => {
  await logIn(page, server.url);
  for (const [address, words] of [
    ['not-a-device', /is not a PCI address/],
    ['0009:01:00.0', /no PCI device 0009:01:00\.0/],
  ] as const) {
    await page.goto(`${server.url}/devices/${address}`);
    const notice = page.getByTestId('no-such-device');
    await expect(notice).toContainText('No such device');
    await expect(notice).toContainText(words);
  }
  // the API says the same with a 4xx
  const res = await page.request.get(`${server.url}/api/trpc/host.device?input=${encodeURIComponent(JSON.stringify({ json: { address: 'zz' } }))}`);
  expect(res.status()).toBe(400);
  const missing = await page.request.get(`${server.url}/api/trpc/host.device?input=${encodeURIComponent(JSON.stringify({ json: { address: '0009:01:00.0' } }))}`);
  expect(missing.status()).toBe(404);
});
