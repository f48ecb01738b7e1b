// The serial console in the browser against a real guest: start the demo VM from its page, watch the
// kernel boot in xterm, type on it, reload (history replayed), a second browser watching live, the
// downloadable log, a dashboard restart under a running guest. QEMU runs the demo guest under TCG; the VM is force-stopped at the end.
import fs from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { openDb } from '../server/db';
import { createUser } from '../server/auth/users';
import { vmPaths } from '../server/vm/paths';
import { logIn } from './login';
import { startServer, type TestServer } from './server';
import { expectTerminal, terminalText } from './terminal';

const shot = (page: Page, name: string) => page.screenshot({ path: `e2e-artifacts/${name}.png`, fullPage: true });

function killQemu(dataDir: string, vm: string): void {
  try {
    process.kill(Number(fs.readFileSync(vmPaths(dataDir, vm).pidFile, 'utf8').trim()), 'SIGKILL');
  } catch {
    /* not running */
  }
}

test.describe.serial('serial console of the demo VM', () => {
  let server: TestServer;
  test.beforeAll(async () => {
    // an empty x8 slot: the demo VM has no devices to pass, so it starts without the passthrough steps
    server = await startServer({ JETVM_SIM_CARD: 'none' });
    const db = openDb(server.dataDir);
    createUser(db, 'watcher', 'watcher-password', 'viewer');
    db.close();
  });
  test.afterAll(async () => {
    if (server) killQemu(server.dataDir, 'demo');
    await server?.stop();
  });

  test('start from the page, watch the boot, type, reload, a second viewer live, download the log', async ({ page, browser }) => {
    await logIn(page, server.url);
    await page.goto(`${server.url}/vms/demo`);
    await expect(page.getByTestId('vm-state')).toHaveText('stopped');
    const term = page.getByTestId('console-terminal');
    await expect(term).toHaveAttribute('data-phase', 'live');
    await expect(page.getByTestId('terminal-read-only')).toHaveCount(0);

    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await expectTerminal(page, 'Booting Linux');
    await expectTerminal(page, 'root@demo:/# ');
    await expect(page.getByTestId('vm-state')).toHaveText('running');
    await shot(page, 'console-booted');

    await term.click();
    await page.keyboard.type('uname -m');
    await page.keyboard.press('Enter');
    await expectTerminal(page, /^aarch64\s*$/m);

    // a second browser (a read-only viewer) gets the history, then what the admin types, live
    const other = await browser.newContext();
    const page2 = await other.newPage();
    await logIn(page2, server.url, 'watcher', 'watcher-password');
    await page2.goto(`${server.url}/vms/demo`);
    await expect(page2.getByTestId('terminal-read-only')).toBeVisible();
    await expectTerminal(page2, 'Booting Linux');
    await expectTerminal(page2, /^aarch64\s*$/m);
    await term.click();
    await page.keyboard.type('echo live-$((40+2))');
    await page.keyboard.press('Enter');
    await expectTerminal(page2, /^live-42\s*$/m);
    // the viewer's keystrokes never reach the guest
    await page2.getByTestId('console-terminal').click();
    await page2.keyboard.type('echo from-viewer');
    await page2.keyboard.press('Enter');
    await shot(page2, 'console-second-viewer');
    await other.close();

    // reload: the whole boot log again, each line once
    await page.reload();
    await expectTerminal(page, 'Booting Linux');
    await expectTerminal(page, /^live-42\s*$/m);
    const text = await terminalText(page);
    expect(text.split('Booting Linux').length - 1).toBe(1);
    expect(text).not.toContain('from-viewer');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('terminal-download').click()]);
    const log = fs.readFileSync((await download.path())!, 'latin1');
    expect(download.suggestedFilename()).toBe('demo-console.log');
    expect(log).toContain('Booting Linux');
    expect(log).toMatch(/\r\nlive-42\r\n/);

    // dashboard restart: the guest keeps running, the page reconnects by itself, history and typing come back
    await server.restart();
    await expect(page.getByTestId('console-terminal')).toHaveAttribute('data-phase', 'live', { timeout: 60_000 });
    await expectTerminal(page, 'Booting Linux');
    await page.getByTestId('console-terminal').click();
    await page.keyboard.type('echo after-restart-$((2+3))');
    await page.keyboard.press('Enter');
    await expectTerminal(page, /^after-restart-5\s*$/m);
    expect((await terminalText(page)).split('Booting Linux').length - 1).toBe(1);

    await page.getByRole('button', { name: 'Force stop' }).click();
    await expect(page.getByTestId('vm-state')).not.toHaveText('running', { timeout: 30_000 });
  });

  test('the console log download needs a session', async ({ request }) => {
    const res = await request.get(`${server.url}/api/console/demo/log`, { maxRedirects: 0 });
    expect(res.status()).toBe(401);
  });
});
