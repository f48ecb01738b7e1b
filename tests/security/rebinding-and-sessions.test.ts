// Issue #13 replayed over real HTTP and WebSocket: DNS rebinding (a foreign Host with a valid cookie),
// sockets and subscriptions outliving their session, the host shell's switch, password and limit.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CUT_NOTE } from '@/server/shell/route';
import { transcriptDir } from '@/server/shell/transcript';
import { ADMIN_PASSWORD, useTestServer } from './harness';

const server = useTestServer({ env: { JETVM_HOST_SHELL: '1', JETVM_HOST_SHELL_MAX: '2', JETVM_SHELL_TRANSCRIPT_MAX_MB: '1' }, loginAdmin: true });

const EVIL = 'evil.example:3300';
const port = () => new URL(server.url).port;
const loginBody = JSON.stringify({ json: { name: 'admin', password: ADMIN_PASSWORD } });

/** A shell ticket the way the page gets one: the password again through shell.unlock. */
async function shellTicket(cookie: string, password = ADMIN_PASSWORD): Promise<string> {
  const r = await server.mutate('shell.unlock', { password }, { cookie });
  if (r.status !== 200) throw new Error(`shell.unlock: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.result.data.json.ticket;
}

describe('DNS rebinding: a request whose Host is not one of the server’s names gets 421 before any handler', () => {
  it('login, mutations, queries, pages and downloads', async () => {
    const foreign = { host: EVIL, origin: `http://${EVIL}` };
    const login = await server.raw('POST', '/api/trpc/auth.login', foreign, loginBody);
    expect([login.status, login.headers['set-cookie']]).toEqual([421, undefined]);
    expect(login.text).toMatch(/JETVM_ALLOWED_HOSTS/);
    const before = server.rowCounts();
    for (const [method, path, body] of [
      ['POST', '/api/trpc/users.create', JSON.stringify({ json: { name: 'mallory', role: 'admin', password: 'mallory-password' } })],
      ['GET', '/api/trpc/host.snapshot', undefined],
      ['GET', '/', undefined],
      ['GET', '/api/console/demo/log', undefined],
    ] as const) {
      expect((await server.raw(method, path, { ...foreign, cookie: server.admin }, body)).status, `${method} ${path}`).toBe(421);
    }
    expect(server.rowCounts()).toEqual(before);
  });

  it('WebSocket upgrades, the host shell included, even with a valid ticket', async () => {
    const ticket = await shellTicket(server.admin);
    const shell = await server.upgrade(`/ws/shell?ticket=${ticket}`, { cookie: server.admin, host: EVIL, origin: `http://${EVIL}` });
    expect(shell.status).toBe(421);
    expect((await server.upgrade('/ws/console/demo', { cookie: server.admin, host: EVIL, origin: `http://${EVIL}` })).status).toBe(421);
  });

  it('its own names pass: the address connected to, localhost, and with the matching Origin only', async () => {
    expect((await server.raw('GET', '/api/trpc/auth.me', { host: `localhost:${port()}`, cookie: server.admin })).status).toBe(200);
    expect((await server.raw('GET', '/api/trpc/auth.me', { host: `[::1]:${port()}`, cookie: server.admin })).status).toBe(200);
    // an allowed Host with a foreign Origin: the mutation is still refused (Origin must be this server)
    const cross = await server.raw('POST', '/api/trpc/auth.login', { host: `localhost:${port()}`, origin: `http://${EVIL}` }, loginBody);
    expect(cross.status).toBe(403);
  });
});

describe('a tRPC batch is bounded', () => {
  it('refuses a batch of more than 16 calls with 400 and runs none of them', async () => {
    const paths = Array.from({ length: 17 }, () => 'auth.me').join(',');
    const input = encodeURIComponent(JSON.stringify(Object.fromEntries(Array.from({ length: 17 }, (_, i) => [i, { json: null }]))));
    const r = await server.raw('GET', `/api/trpc/${paths}?batch=1&input=${input}`, { cookie: server.admin });
    expect(r.status).toBe(400);
    const ok = await server.raw('GET', `/api/trpc/${Array(16).fill('auth.me').join(',')}?batch=1&input=${encodeURIComponent('{}')}`, { cookie: server.admin });
    expect(ok.status).toBe(200);
  });
});

describe('every socket and subscription belongs to its session', () => {
  it('a password change closes the host shell another session opened (the finding), and ends its live stream', async () => {
    const other = await server.login(); // e.g. a stolen session
    const shell = await server.upgrade(`/ws/shell?ticket=${await shellTicket(other)}`, { cookie: other });
    expect(shell.status).toBe(101);
    const stream = server.subscribe('events.onChange', { cookie: other }, { untilEnd: true });
    await new Promise((r) => setTimeout(r, 200));
    const here = await server.login();
    expect((await server.mutate('auth.changePassword', { current: ADMIN_PASSWORD, next: 'a-new-admin-password' }, { cookie: here })).status).toBe(200);
    expect(await shell.closed).toEqual({ code: 4001, reason: 'the password was changed' });
    expect((await stream).code).toBe('STREAM_ENDED');
    expect((await server.upgrade('/ws/console/demo', { cookie: other })).status).toBe(401);
    await server.mutate('auth.changePassword', { current: 'a-new-admin-password', next: ADMIN_PASSWORD }, { cookie: here });
    server.admin = here; // the password changes ended every other admin session
  });

  it('logout ends that session’s subscription; a role change ends the user’s sockets', async () => {
    const vic = await server.userCookie('vera', 'viewer', await server.login());
    const stream = server.subscribe('events.onChange', { cookie: vic }, { untilEnd: true });
    await new Promise((r) => setTimeout(r, 200));
    expect((await server.mutate('auth.logout', undefined, { cookie: vic })).status).toBe(200);
    expect((await stream).code).toBe('STREAM_ENDED');

    const adm = await server.login();
    const amy = await server.userCookie('amy', 'admin', adm);
    const shell = await server.upgrade(`/ws/shell?ticket=${await shellTicket(amy, 'amy-password')}`, { cookie: amy });
    expect(shell.status).toBe(101);
    expect((await server.mutate('users.setRole', { name: 'amy', role: 'viewer' }, { cookie: adm })).status).toBe(200);
    expect((await shell.closed).code).toBe(4001);
  });

  it('an expired or idle session’s open sockets are closed by the sweep, though they make no requests', async () => {
    const cookie = await server.login();
    const consoleSocket = await server.upgrade('/ws/console/demo', { cookie });
    expect(consoleSocket.status).toBe(101);
    const keep = await server.login();
    const kept = await server.upgrade('/ws/console/demo', { cookie: keep });
    // the session's absolute expiry passes
    const token = cookie.split('=')[1]!;
    const hash = (await import('node:crypto')).createHash('sha256').update(token).digest('hex');
    server.db.prepare('UPDATE sessions SET expires_at = ? WHERE id_hash = ?').run(new Date(Date.now() - 1000).toISOString(), hash);
    expect(server.app.services.connections.sweepEndedSessions()).toBe(1);
    expect((await consoleSocket.closed).code).toBe(4001);
    // idle: nothing for longer than the idle limit (2 h)
    const keepHash = (await import('node:crypto')).createHash('sha256').update(keep.split('=')[1]!).digest('hex');
    server.db.prepare('UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?').run(new Date(Date.now() - 3 * 3600_000).toISOString(), keepHash);
    server.app.services.connections.sweepEndedSessions();
    expect((await kept.closed).code).toBe(4001);
  });
});

describe('the host shell', () => {
  it('asks for the password again: no socket without a ticket, a wrong password gets none, a ticket opens one shell once', async () => {
    const bare = await server.upgrade('/ws/shell', { cookie: server.admin });
    expect((await bare.closed).code).toBe(1008);
    const wrong = await server.mutate('shell.unlock', { password: 'not-it' }, { cookie: server.admin });
    expect([wrong.status, wrong.body.error.json.message]).toEqual([401, 'wrong password']);
    const ticket = await shellTicket(server.admin);
    const first = await server.upgrade(`/ws/shell?ticket=${ticket}`, { cookie: server.admin });
    expect(first.status).toBe(101);
    const again = await server.upgrade(`/ws/shell?ticket=${ticket}`, { cookie: server.admin });
    expect((await again.closed).code).toBe(1008);
    first.ws!.close();
    await first.closed;
    const rows = server.db.prepare("SELECT action, result, detail FROM audit_log WHERE action LIKE 'shell.%' ORDER BY id").all() as Array<{ action: string; result: string; detail: string }>;
    expect(rows.some((r) => r.action === 'shell.unlock' && r.result === 'error')).toBe(true);
    expect(rows.filter((r) => r.action === 'shell.session' && r.result === 'ok').every((r) => /"transcript":"[0-9a-f]{32}"/.test(r.detail))).toBe(true);
  });

  it('its transcript is downloadable by admins only, from the id in the audit log', async () => {
    const row = server.db.prepare("SELECT json_extract(detail, '$.transcript') FROM audit_log WHERE action = 'shell.session.end' ORDER BY id DESC").pluck().get() as string;
    const got = await fetch(`${server.url}/api/shell/transcripts/${row}`, { headers: { cookie: server.admin } });
    expect(got.status).toBe(200);
    const viewer = await server.userCookie('val', 'viewer', server.admin);
    expect((await fetch(`${server.url}/api/shell/transcripts/${row}`, { headers: { cookie: viewer } })).status).toBe(403);
    expect((await fetch(`${server.url}/api/shell/transcripts/..%2f..%2fjetvm.sqlite`, { headers: { cookie: server.admin } })).status).toBe(404);
  });

  it('transcripts are capped (JETVM_SHELL_TRANSCRIPT_MAX_MB=1): an open session keeps its own, one deleted for size answers 410', async () => {
    const dir = transcriptDir(server.app.services.config.dataDir);
    const openShell = async () => {
      const before = new Set(fs.readdirSync(dir));
      const s = await server.upgrade(`/ws/shell?ticket=${await shellTicket(server.admin)}`, { cookie: server.admin });
      const name = fs.readdirSync(dir).find((f) => !before.has(f))!;
      return { ...s, id: name.replace(/\.log$/, ''), file: path.join(dir, name) };
    };
    const until = async (what: () => boolean) => {
      for (let i = 0; !what() && i < 200; i++) await new Promise((r) => setTimeout(r, 50));
      expect(what()).toBe(true);
    };
    // the older session, still open, with 700 kB of output
    const kept = await openShell();
    kept.ws!.send(Buffer.from("head -c 700000 /dev/zero | tr '\\0' k; echo\r"));
    await until(() => fs.statSync(kept.file).size > 700_000);
    // a newer one alone passes the cap: its transcript stops, saying so, under 1 MB
    const big = await openShell();
    big.ws!.send(Buffer.from("head -c 1200000 /dev/zero | tr '\\0' b; echo\r"));
    await until(() => fs.readFileSync(big.file, 'latin1').endsWith(CUT_NOTE));
    expect(fs.statSync(big.file).size).toBeLessThanOrEqual(1024 * 1024);
    // it ends: together they are over the cap, and the open one is never deleted, so the newer goes
    big.ws!.close();
    await big.closed;
    await until(() => !fs.existsSync(big.file));
    expect(fs.existsSync(kept.file)).toBe(true);
    const gone = await fetch(`${server.url}/api/shell/transcripts/${big.id}`, { headers: { cookie: server.admin } });
    expect([gone.status, await gone.text()]).toEqual([410, expect.stringMatching(/deleted by retention.*JETVM_SHELL_TRANSCRIPT_MAX_MB/)]);
    const never = await fetch(`${server.url}/api/shell/transcripts/${'0'.repeat(32)}`, { headers: { cookie: server.admin } });
    expect([never.status, await never.text()]).toEqual([404, expect.stringMatching(/no such transcript/)]);
    // what the audit page asks to show a link or "deleted by retention"
    const states = await server.query('shell.transcripts', { ids: [kept.id, big.id, '0'.repeat(32)] }, { cookie: server.admin });
    expect(states.body.result.data.json).toEqual({ [kept.id]: 'kept', [big.id]: 'deleted', ['0'.repeat(32)]: 'missing' });
    const viewer = await server.userCookie('tess', 'viewer', server.admin);
    expect((await server.query('shell.transcripts', { ids: [kept.id] }, { cookie: viewer })).status).toBe(403);
    kept.ws!.close();
    await kept.closed;
  });
});
