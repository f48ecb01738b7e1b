// Pages arrive with their data: the first HTML response of a dashboard page already shows what the
// page is about (server components prefetch through the tRPC router; lib/trpc-server.tsx). Checked
// in Chromium with JavaScript off, so nothing but the server's HTML is on screen, and with plain
// fetch for what the HTML must not carry (another role's data).
import { expect, test, type Browser, type Page } from '@playwright/test';
import { recordAudit } from '../server/db/audit';
import { createSession, SESSION_COOKIE } from '../server/auth/sessions';
import { createUser } from '../server/auth/users';
import { openDb } from '../server/db';
import { startServer, type TestServer } from './server';

// the target of an audit row only the admin may read
const MARKER = 'first-html-audit-marker';

let server: TestServer;
const cookies: Record<'admin' | 'viewer', string> = { admin: '', viewer: '' };

test.beforeAll(async () => {
  server = await startServer({ JETVM_SIM_CARD: 't600' });
  const db = openDb(server.dataDir);
  try {
    createUser(db, 'looker', 'looker-password', 'viewer');
    recordAudit(db, { actor: 'admin', remote: null, action: 'vm.start', target: MARKER, result: 'ok' });
    cookies.admin = createSession(db, 'admin', null).token;
    cookies.viewer = createSession(db, 'looker', null).token;
  } finally {
    db.close();
  }
});
test.afterAll(async () => server?.stop());

/** A page with JavaScript off, logged in as `who`: only the server's HTML. */
async function htmlOnly(browser: Browser, who: 'admin' | 'viewer', path: string): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: false });
  await context.addCookies([{ name: SESSION_COOKIE, value: cookies[who], url: server.url }]);
  const page = await context.newPage();
  const res = await page.goto(server.url + path);
  expect(res?.status()).toBe(200);
  return page;
}

test('the overview: slots, cards and watts are in the first HTML', async ({ browser }) => {
  const page = await htmlOnly(browser, 'admin', '/');
  await expect(page.getByTestId('whoami')).toContainText('admin');
  const x8 = page.getByTestId('slot-x8');
  await expect(x8).toContainText('Full-size PCIe slot');
  await expect(x8).toContainText('T600');
  await expect(x8.getByTestId('power-watts')).toHaveText('40 W');
  await expect(page.getByTestId('slot-m2e')).toContainText('M.2 Key E');
  await expect(page.getByTestId('slot-m2m')).toContainText('M.2 Key M');
  await expect(page.getByText(/^Reading /)).toHaveCount(0);
  await page.context().close();
});

test("a VM page: the VM's name, state and QEMU command are in the first HTML", async ({ browser }) => {
  const page = await htmlOnly(browser, 'admin', '/vms/demo');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('VM demo');
  await expect(page.getByTestId('vm-state')).toHaveText('stopped');
  await expect(page.getByTestId('argv-run')).toContainText('qemu-system-aarch64');
  await page.context().close();
});

test('every dashboard page comes with its data, not a "Reading …" placeholder', async ({ browser }) => {
  const page = await htmlOnly(browser, 'admin', '/');
  for (const [path, shown] of [
    ['/groups', 'IOMMU group'],
    ['/overlay', 'IOMMU group'],
    ['/preflight', 'ready'],
    ['/vms', 'demo'],
    ['/devices/0005:01:00.0', 'T600'],
    ['/overlay/0005:01:00.0', 'fdtoverlay'],
    ['/users', 'looker'],
    ['/audit', MARKER],
    ['/account', 'admin'],
  ] as const) {
    await page.goto(server.url + path);
    await expect(page.locator('main'), path).toContainText(shown);
    await expect(page.getByText(/^Reading /), path).toHaveCount(0);
  }
  await page.context().close();
});

test("a viewer's first HTML holds no admin-only data: the server applies the API's roles", async ({ browser }) => {
  const res = await fetch(server.url + '/audit', { headers: { Cookie: `${SESSION_COOKIE}=${cookies.viewer}` } });
  expect(res.status).toBe(200);
  const html = await res.text();
  expect(html).toContain('looker');
  expect(html).not.toContain(MARKER);
  const page = await htmlOnly(browser, 'viewer', '/audit');
  await expect(page.getByTestId('admin-only')).toContainText('needs the admin role');
  await page.context().close();
});
