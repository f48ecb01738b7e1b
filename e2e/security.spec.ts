import { chromium, expect, test, type BrowserContext, type Page } from '@playwright/test';
import { ADMIN_PASSWORD, startServer, type TestServer } from './server';
import { logIn } from './login';

let server: TestServer;
test.beforeAll(async () => {
  // jetvm.lan: the name the plain-HTTP warning test reaches it by (any other name gets 421)
  server = await startServer({ JETVM_ALLOWED_HOSTS: 'localhost,127.0.0.1,jetvm.lan' });
});
test.afterAll(async () => {
  await server?.stop();
});

// every Content-Security-Policy violation on any page of this spec is collected and must stay empty
const watchCsp = (target: Page | BrowserContext) =>
  target.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.effectiveDirective} ${e.blockedURI}`));
  });
test.beforeEach(async ({ page }) => {
  await watchCsp(page);
});
const cspViolations = (page: Page) => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);

test('unauthenticated navigation goes to the login page', async ({ page }) => {
  await page.goto(`${server.url}/`);
  await expect(page).toHaveURL(`${server.url}/login`);
  await page.goto(`${server.url}/users`);
  await expect(page).toHaveURL(`${server.url}/login?next=%2Fusers`);
  await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
});

test('a wrong password shows an error; the right one logs in and hydrates under the CSP', async ({ page }) => {
  await page.goto(`${server.url}/login`);
  await page.getByLabel('User').fill('admin');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.locator('form').getByRole('alert')).toHaveText('wrong name or password');
  await expect(page).toHaveURL(`${server.url}/login`);

  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByTestId('whoami')).toHaveText('admin (admin)');
  await expect(page.getByRole('link', { name: 'Users' })).toBeVisible();
  expect(await cspViolations(page)).toEqual([]);
});

test('after login the page asked for opens, but never another site', async ({ page }) => {
  for (const [next, landing] of [
    ['%2Fusers', '/users'],
    ['%2F%5Cevil.example', '/'],
    ['%2F%2Fevil.example', '/'],
    ['https%3A%2F%2Fevil.example', '/'],
  ]) {
    await page.goto(`${server.url}/login?next=${next}`);
    await page.getByLabel('User').fill('admin');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page).toHaveURL(`${server.url}${landing}`);
    await expect(page.getByTestId('whoami')).toBeVisible();
  }
});

test('the CSP lets the console through: same-origin WebSocket and blob workers', async ({ page }) => {
  await logIn(page, server.url);
  const result = await page.evaluate(async () => {
    const worker = await new Promise<string>((resolve) => {
      const url = URL.createObjectURL(new Blob(['postMessage("worker ok")'], { type: 'text/javascript' }));
      const w = new Worker(url);
      w.onmessage = (e) => resolve(String(e.data));
      w.onerror = () => resolve('worker blocked');
    });
    // no route answers /ws/csp-probe, so the server refuses the upgrade (404): the point is that the
    // browser sent it at all, which a CSP block would prevent (and report)
    const ws = await new Promise<string>((resolve) => {
      const s = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/ws/csp-probe`);
      s.onopen = () => resolve('open');
      s.onclose = (e) => resolve(`closed ${e.code}`);
    });
    // control: another origin must be blocked and reported, which shows the watcher works
    new WebSocket('ws://evil.example/');
    return { worker, ws };
  });
  expect(result).toEqual({ worker: 'worker ok', ws: 'closed 1006' });
  await expect.poll(() => cspViolations(page)).toEqual(['connect-src ws://evil.example/']);
});

test('admin creates a viewer, who sees no admin actions; logout returns to the login page', async ({ page, browser }) => {
  await logIn(page, server.url);
  await page.getByRole('link', { name: 'Users' }).click();
  await page.getByLabel('New user name').fill('vivian');
  await page.getByLabel('Initial password').fill('vivian-password');
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByTestId('user-vivian')).toBeVisible();
  await expect(page.getByLabel('Role of vivian')).toHaveValue('viewer');
  // the last admin is protected, with a clear message
  await page.getByLabel('Role of admin').selectOption('viewer');
  await expect(page.getByTestId('user-admin').getByRole('alert')).toHaveText('"admin" is the last admin: make another user admin first');

  const viewerContext = await browser.newContext();
  await watchCsp(viewerContext);
  const viewer = await viewerContext.newPage();
  await logIn(viewer, server.url, 'vivian', 'vivian-password');
  await expect(viewer.getByTestId('whoami')).toHaveText('vivian (viewer)');
  await expect(viewer.getByRole('link', { name: 'Overview' })).toBeVisible();
  await expect(viewer.getByRole('link', { name: 'Users' })).toHaveCount(0);
  await expect(viewer.getByRole('link', { name: 'Audit log' })).toHaveCount(0);
  for (const path of ['/users', '/audit']) {
    await viewer.goto(`${server.url}${path}`);
    await expect(viewer.getByTestId('admin-only')).toContainText('needs the admin role');
    await expect(viewer.getByRole('button', { name: 'Create user' })).toHaveCount(0);
    await expect(viewer.getByRole('button', { name: 'Delete' })).toHaveCount(0);
  }

  // a role change shows in the viewer's open page without a reload (their stream ends and resumes), both ways
  await viewer.goto(`${server.url}/`);
  await expect(viewer.getByTestId('whoami')).toHaveText('vivian (viewer)');
  await viewer.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
  await page.getByLabel('Role of vivian').selectOption('admin');
  await expect(viewer.getByTestId('whoami')).toHaveText('vivian (admin)');
  await expect(viewer.getByRole('link', { name: 'Users' })).toBeVisible();
  await page.getByLabel('Role of vivian').selectOption('viewer');
  await expect(viewer.getByTestId('whoami')).toHaveText('vivian (viewer)');
  await expect(viewer.getByRole('link', { name: 'Users' })).toHaveCount(0);
  expect(await viewer.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);

  // the viewer changes their own password on the account page
  await viewer.getByTestId('whoami').click();
  await expect(viewer).toHaveURL(`${server.url}/account`);
  await viewer.getByLabel('Current password').fill('vivian-password');
  await viewer.getByLabel('New password', { exact: true }).fill('vivian-new-password');
  await viewer.getByLabel('New password again').fill('vivian-new-password');
  await viewer.getByRole('button', { name: 'Change password' }).click();
  await expect(viewer.getByRole('status')).toContainText('Password changed');

  // a second tab of the same session goes to the login page by itself when the first logs out
  const otherTab = await viewerContext.newPage();
  await otherTab.goto(`${server.url}/vms`);
  await expect(otherTab.getByTestId('whoami')).toHaveText('vivian (viewer)');
  await viewer.getByRole('button', { name: 'Log out' }).click();
  await expect(viewer).toHaveURL(`${server.url}/login`);
  await expect(otherTab).toHaveURL(/\/login/);
  await otherTab.close();
  await viewer.goto(`${server.url}/`);
  await expect(viewer).toHaveURL(`${server.url}/login`);
  await logIn(viewer, server.url, 'vivian', 'vivian-new-password');
  expect(await cspViolations(viewer)).toEqual([]);
  await viewerContext.close();
});

test('the audit log shows logins, failed ones too, to admins', async ({ page }) => {
  await logIn(page, server.url);
  await page.getByRole('link', { name: 'Audit log' }).click();
  const table = page.getByTestId('audit-table');
  await expect(table.getByRole('row').filter({ hasText: 'wrong name or password' }).first()).toBeVisible();
  await expect(table.getByRole('row').filter({ hasText: 'user.create' }).filter({ hasText: 'vivian' })).toBeVisible();
  await expect(table.getByRole('row').filter({ hasText: 'password.change' }).filter({ hasText: 'vivian' })).toBeVisible();
});

test('pages carry a nonce CSP without unsafe-inline scripts and are not cacheable; a foreign Host gets 421', async ({ page }) => {
  await logIn(page, server.url);
  const res = await page.goto(`${server.url}/`);
  const csp = res!.headers()['content-security-policy']!;
  const scriptSrc = csp.split('; ').find((d) => d.startsWith('script-src '))!;
  expect(scriptSrc).toMatch(/^script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}'$/);
  expect(res!.headers()['cache-control']).toMatch(/private/);
  expect(res!.headers()['cache-control']).toMatch(/no-store/);
  // Next stamped its inline scripts with this response's nonce, and the page hydrated (no violations)
  const nonce = /'nonce-([^']+)'/.exec(scriptSrc)![1];
  expect(await page.evaluate(() => [...document.querySelectorAll('script')].filter((s) => !s.src).map((s) => s.nonce))).toEqual(expect.arrayContaining([nonce]));
  await expect(page.getByTestId('whoami')).toBeVisible();
  expect(await cspViolations(page)).toEqual([]);
  const foreign = await page.request.get(`${server.url}/`, { headers: { host: 'evil.example:3300' } });
  expect(foreign.status()).toBe(421);
});

test('no plain-HTTP warning on loopback', async ({ page }) => {
  await logIn(page, server.url);
  await expect(page.getByText('served over plain HTTP')).toHaveCount(0);
});

test('warns about plain HTTP when reached by a LAN name', async () => {
  // a browser of its own that resolves jetvm.lan to the test server, so the page sees a non-loopback host
  const browser = await chromium.launch({
    executablePath: process.env.JETVM_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--host-resolver-rules=MAP jetvm.lan 127.0.0.1'],
  });
  try {
    const page = await browser.newPage();
    await logIn(page, server.url.replace('127.0.0.1', 'jetvm.lan'));
    await expect(page.getByRole('alert').filter({ hasText: 'served over plain HTTP' })).toBeVisible();
  } finally {
    await browser.close();
  }
});
