// Issue #18: a full data directory (a real 8 MiB tmpfs; mounting needs root, skipped otherwise).
// Over real HTTP: logging in still works (the session waits in memory), reads keep working, failed
// logins are still counted, locked out and audited, logging out still ends a session; once space returns the
// waiting audit entries and the session are in SQLite and the session survives a restart.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditQueue } from '@/server/db/audit';
import { sessionWrites } from '@/server/auth/session-writes';
import { connectTerminal } from '@/server/console/testing/terminal-client';
import { canMount, mountSmallDisk, type SmallDisk } from '@/server/db/testing/small-disk';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from './harness';

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');
const tokenOf = (cookie: string) => decodeURIComponent(cookie.split('=')[1]);

async function until(what: string, ok: () => boolean, timeoutMs = 60_000): Promise<void> {
  for (const end = Date.now() + timeoutMs; !ok(); ) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!canMount)('logging in and reading on a full data directory (8 MiB tmpfs; needs root to mount)', () => {
  let disk: SmallDisk;
  let noGuests: string;
  let server: TestServer;
  const dataDir = () => path.join(disk.dir, 'data');
  const start = () => startTestServer({ JETVM_DATA_DIR: dataDir(), JETVM_GUEST_CACHE: noGuests });

  beforeAll(async () => {
    disk = mountSmallDisk('8m');
    noGuests = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-noguests-'));
    server = await start();
  });

  afterAll(async () => {
    await server?.stop();
    disk?.unmount();
    fs.rmSync(noGuests, { recursive: true, force: true });
  });

  it('logs in, reads the overview, the VMs and the audit, watches a console; the session and the audit reach SQLite once space returns', async () => {
    const before = await server.login();
    const images = path.join(dataDir(), 'images');
    fs.mkdirSync(images, { recursive: true });
    fs.writeFileSync(path.join(images, 'Image'), 'kernel');
    const made = await server.mutate('vms.create', { name: 'probe', memoryMiB: 256, vcpus: 1, kernel: path.join(images, 'Image') }, { cookie: before });
    expect(made.status).toBe(200);

    disk.fill([server.db]);
    const sessionsInSqlite = () => server.db.prepare('SELECT COUNT(*) FROM sessions').pluck().get() as number;
    const sessionsBefore = sessionsInSqlite();
    const lastIdBefore = server.db.prepare('SELECT MAX(id) FROM audit_log').pluck().get() as number;

    // a wrong password is still refused and counted, and five lock the client out
    const wrong = await server.mutate('auth.login', { name: 'admin', password: 'not-the-password' });
    expect([wrong.status, wrong.body.error.json.message]).toEqual([401, 'wrong name or password']);
    const guess = (i: number) => server.raw('POST', '/api/trpc/auth.login', { from: '127.0.0.2' }, JSON.stringify({ json: { name: 'admin', password: `guess-${i}` } }));
    for (let i = 0; i < 5; i++) expect((await guess(i)).status).toBe(401);
    expect((await guess(5)).status).toBe(429);

    // logging in works: 200, a cookie, and the cookie opens every read
    const r = await server.mutate('auth.login', { name: 'admin', password: ADMIN_PASSWORD });
    expect(r.status).toBe(200);
    const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0];
    expect(cookie).toMatch(/^jetvm_session=/);
    expect(sessionsInSqlite()).toBe(sessionsBefore); // it waits in memory: the disk really refused it
    expect(sessionWrites(server.db).created.has(sha256(tokenOf(cookie)))).toBe(true);
    expect((await server.query('auth.me', undefined, { cookie })).body.result.data.json).toEqual({ name: 'admin', role: 'admin' });
    const overview = await server.query('host.overview', undefined, { cookie });
    expect(overview.status).toBe(200);
    const vms = await server.query('vms.list', undefined, { cookie });
    expect([vms.status, vms.body.result.data.json.map((v: { vm: { name: string } }) => v.vm.name)]).toEqual([200, ['probe']]);
    const audit = await server.query('audit.list', { limit: 50 }, { cookie });
    expect(audit.status).toBe(200);
    expect(audit.body.result.data.json.waiting).toBeGreaterThan(0);
    expect((await server.raw('GET', '/audit', { cookie })).status).toBe(404); // past the page gate (pages are off in this suite)
    const consoleView = await connectTerminal(`${server.url.replace(/^http/, 'ws')}/ws/console/probe`, cookie);
    await consoleView.waitControl('history-end');
    consoleView.close();

    // logging out still ends a session made while full
    const second = await server.login();
    expect((await server.mutate('auth.logout', undefined, { cookie: second })).status).toBe(200);
    expect((await server.query('auth.me', undefined, { cookie: second })).body.result.data.json).toBeNull();

    expect(auditQueue(server.db).size).toBeGreaterThan(0);
    expect(server.db.prepare('SELECT MAX(id) FROM audit_log').pluck().get()).toBe(lastIdBefore);

    // space returns: what waited is written (retried with backoff)
    disk.free();
    await until('the audit queue to be written', () => auditQueue(server.db).size === 0);
    await until('the sessions to be written', () => sessionWrites(server.db).waiting === 0);
    const rows = server.db
      .prepare("SELECT remote, action, result, json_extract(detail, '$.attempts') AS attempts FROM audit_log WHERE id > ? AND actor = 'admin' ORDER BY id")
      .all(lastIdBefore);
    expect(rows).toEqual([
      { remote: '127.0.0.1', action: 'login', result: 'error', attempts: 1 },
      { remote: '127.0.0.2', action: 'login', result: 'error', attempts: 5 },
      { remote: '127.0.0.2', action: 'login', result: 'refused', attempts: 1 },
      { remote: '127.0.0.1', action: 'login', result: 'ok', attempts: null },
      { remote: '127.0.0.1', action: 'login', result: 'ok', attempts: null },
      { remote: '127.0.0.1', action: 'logout', result: 'ok', attempts: null },
    ]);
    const stored = server.db.prepare('SELECT user_name FROM sessions WHERE id_hash = ?').pluck().all(sha256(tokenOf(cookie)));
    expect(stored).toEqual(['admin']);
    expect(server.db.prepare('SELECT COUNT(*) FROM sessions WHERE id_hash = ?').pluck().get(sha256(tokenOf(second)))).toBe(0);

    // the session made while full survives a restart of the dashboard
    await server.stop();
    server = await start();
    expect((await server.query('auth.me', undefined, { cookie })).body.result.data.json).toEqual({ name: 'admin', role: 'admin' });
  });
});
