import { describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, useTestServer } from './harness';

// its own file (own process): the login limiter is per process and this test locks 127.0.0.1 out
const server = useTestServer();

const logins = () =>
  server.db
    .prepare("SELECT actor, result, json_extract(detail, '$.reason') AS reason, json_extract(detail, '$.attempts') AS attempts, remote FROM audit_log WHERE action = 'login' ORDER BY id")
    .all();

describe('login over HTTP', () => {
  it('sets an HttpOnly SameSite=Strict session cookie (no Secure on plain HTTP) and audits it', async () => {
    const r = await server.mutate('auth.login', { name: 'admin', password: ADMIN_PASSWORD });
    expect(r.status).toBe(200);
    const cookie = r.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^jetvm_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Expires=/);
    expect(cookie).not.toContain('Secure');
    const me = await server.query('auth.me', undefined, { cookie: cookie.split(';')[0] });
    expect(me.body.result.data.json).toEqual({ name: 'admin', role: 'admin' });
    expect(logins()).toEqual([{ actor: 'admin', result: 'ok', reason: null, attempts: null, remote: '127.0.0.1' }]);
  });

  it('logout ends the session on the server, not only in the browser', async () => {
    const cookie = await server.login();
    const out = await server.mutate('auth.logout', undefined, { cookie });
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    expect((await server.query('auth.me', undefined, { cookie })).body.result.data.json).toBeNull();
    expect((await server.query('host.snapshot', undefined, { cookie })).status).toBe(401);
  });

  it('a password change keeps this session and ends the others', async () => {
    const here = await server.login();
    const elsewhere = await server.login();
    const bad = await server.mutate('auth.changePassword', { current: 'wrong', next: 'new-admin-password' }, { cookie: here });
    expect([bad.status, bad.body.error.json.message]).toEqual([400, 'the current password is wrong']);
    const short = await server.mutate('auth.changePassword', { current: ADMIN_PASSWORD, next: 'short' }, { cookie: here });
    expect(short.status).toBe(400);
    expect(short.body.error.json.data.issues).toEqual([{ path: ['next'], message: 'a password has at least 8 characters' }]);
    const ok = await server.mutate('auth.changePassword', { current: ADMIN_PASSWORD, next: 'new-admin-password' }, { cookie: here });
    expect(ok.status).toBe(200);
    expect((await server.query('auth.me', undefined, { cookie: here })).body.result.data.json?.name).toBe('admin');
    expect((await server.query('auth.me', undefined, { cookie: elsewhere })).body.result.data.json).toBeNull();
    // back to the old one for the tests below
    await server.mutate('auth.changePassword', { current: 'new-admin-password', next: ADMIN_PASSWORD }, { cookie: here });
  });

  it('refuses oversized names and passwords with 400 before any check', async () => {
    const before = logins().length;
    for (const input of [{ name: 'a'.repeat(65), password: 'x' }, { name: 'admin', password: 'p'.repeat(257) }, { name: 1, password: [] }]) {
      const r = await server.mutate('auth.login', input);
      expect(r.status).toBe(400);
    }
    expect(logins().length).toBe(before);
  });

  it('locks a client out after 5 failures, even with the right password, and audits the attempts as one counted row per result', async () => {
    const before = logins().length;
    for (let i = 0; i < 5; i++) {
      const r = await server.mutate('auth.login', { name: 'admin', password: `guess-${i}` });
      expect([r.status, r.body.error.json.message]).toEqual([401, 'wrong name or password']);
    }
    const locked = await server.mutate('auth.login', { name: 'admin', password: ADMIN_PASSWORD });
    expect(locked.status).toBe(429);
    expect(locked.body.error.json.message).toMatch(/^too many failed attempts; try again in (29|30) s$/);
    expect(locked.headers.get('set-cookie')).toBeNull();
    expect(logins().slice(before)).toEqual([
      { actor: 'admin', result: 'error', reason: 'wrong name or password', attempts: 5, remote: '127.0.0.1' },
      { actor: 'admin', result: 'refused', reason: 'rate limited', attempts: 1, remote: '127.0.0.1' },
    ]);
  });
});
