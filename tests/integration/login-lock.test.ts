// The login lock over real HTTP: a client address locked out after 5 wrong passwords gets 429, a client
// from another address logs in meanwhile, and once the lock (JETVM_LOGIN_LOCK_SECONDS) ends the first
// client logs in again. The second client is a real second source address (its socket is bound to
// 127.0.0.2), since the server keys the limit on the socket's address, not on X-Forwarded-For.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@/server/config';
import { listAudit } from '@/server/db/audit';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../security/harness';
import { ApiClient } from './http-client';

const LOCK_SECONDS = 2;
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ JETVM_LOGIN_LOCK_SECONDS: String(LOCK_SECONDS) });
});
afterAll(async () => {
  await server?.stop();
});

describe('login lock', () => {
  it('JETVM_LOGIN_LOCK_SECONDS defaults to 30 s and refuses nonsense', () => {
    expect(loadConfig({ JETVM_HOST: 'sim' }).loginLockSeconds).toBe(30);
    expect(() => loadConfig({ JETVM_HOST: 'sim', JETVM_LOGIN_LOCK_SECONDS: '0' })).toThrow(/JETVM_LOGIN_LOCK_SECONDS must be an integer from 1 to 900, not "0"/);
    expect(() => loadConfig({ JETVM_HOST: 'sim', JETVM_LOGIN_LOCK_SECONDS: '5m' })).toThrow(/JETVM_LOGIN_LOCK_SECONDS must be an integer/);
  });

  it('locks out one client address after 5 wrong passwords, not another, and ends after the lock window', async () => {
    const first = new ApiClient(server.url, { localAddress: '127.0.0.1' });
    const second = new ApiClient(server.url, { localAddress: '127.0.0.2' });

    for (let i = 0; i < 5; i++) {
      const r = await first.login('admin', `wrong-${i}`);
      expect([r.status, r.code, r.message]).toEqual([401, 'UNAUTHORIZED', 'wrong name or password']);
    }
    const lockedAt = Date.now();
    const locked = await first.login('admin', ADMIN_PASSWORD);
    expect([locked.status, locked.code]).toEqual([429, 'TOO_MANY_REQUESTS']);
    expect(locked.message).toBe(`too many failed attempts; try again in ${LOCK_SECONDS} s`);
    expect(locked.setCookie).toBeNull();
    expect(first.cookie).toBeNull();

    // another address is not locked: it logs in and its session works
    const other = await second.login('admin', ADMIN_PASSWORD);
    expect(other.status).toBe(200);
    expect(await second.ok('query', 'auth.me')).toMatchObject({ name: 'admin', role: 'admin' });

    // still locked (well inside the window)
    expect((await first.login('admin', ADMIN_PASSWORD)).status).toBe(429);

    await new Promise((r) => setTimeout(r, Math.max(0, lockedAt + LOCK_SECONDS * 1000 + 200 - Date.now())));
    const after = await first.login('admin', ADMIN_PASSWORD);
    expect(after.status).toBe(200);
    expect(await first.ok('query', 'auth.me')).toMatchObject({ name: 'admin' });

    const logins = listAudit(server.db).filter((a) => a.action === 'login').reverse();
    // failures from one client are counted into one row per result and window (docs/security.md)
    expect(logins.map((a) => [a.remote, a.result, (a.detail as { attempts?: number } | null)?.attempts ?? null])).toEqual([
      ['127.0.0.1', 'error', 5],
      ['127.0.0.1', 'refused', 2],
      ['127.0.0.2', 'ok', null],
      ['127.0.0.1', 'ok', null],
    ]);
    expect(logins[1].detail).toMatchObject({ reason: 'rate limited', names: ['admin'] });
  });
});
