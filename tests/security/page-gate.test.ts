import { describe, expect, it } from 'vitest';
import { useTestServer } from './harness';

const server = useTestServer({ loginAdmin: true });

const get = (path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, { redirect: 'manual', ...init });

describe('the page gate (pages are off in this server: what passes the gate answers 404)', () => {
  it('sends page requests without a session to the login page', async () => {
    for (const [path, location] of [
      ['/', '/login'],
      ['/groups?x=1', '/login?next=%2Fgroups%3Fx%3D1'],
      ['/users?_rsc=abc', '/login?next=%2Fusers'],
      ['/no/such/page', '/login?next=%2Fno%2Fsuch%2Fpage'],
      ['/_next/static/../../users', '/login?next=%2Fusers'],
    ]) {
      const r = await get(path);
      expect([r.status, r.headers.get('location')], path).toEqual([303, location]);
    }
  });

  it('answers 401 to everything else without a session: /_next/image, /_next/data, API paths, other methods', async () => {
    for (const [path, method] of [
      ['/_next/image?url=%2Ffavicon.ico&w=64&q=75', 'GET'],
      ['/_next/data/x/index.json', 'GET'],
      ['/api/anything', 'GET'],
      ['/api/trpc', 'GET'],
      ['/', 'POST'],
      ['/login/../users', 'PUT'],
    ]) {
      const r = await get(path, { method });
      expect(r.status, `${method} ${path}`).toBe(401);
    }
  });

  it('lets the login page and its static assets through without a session', async () => {
    for (const path of ['/login', '/login?next=%2Fgroups', '/_next/static/chunks/main.js', '/favicon.ico']) {
      expect((await get(path)).status, path).toBe(404);
    }
  });

  it('lets everything through with a session, and not with a forged one', async () => {
    expect((await get('/', { headers: { cookie: server.admin } })).status).toBe(404);
    expect((await get('/_next/image?url=x', { headers: { cookie: server.admin } })).status).toBe(404);
    expect((await get('/', { headers: { cookie: 'jetvm_session=forged' } })).status).toBe(303);
  });

  it('puts the security headers on every answer', async () => {
    for (const path of ['/', '/login', '/api/trpc/auth.me', '/_next/image']) {
      const h = (await get(path)).headers;
      expect(h.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
      expect(h.get('content-security-policy'), path).toContain("object-src 'none'");
      expect(h.get('x-content-type-options'), path).toBe('nosniff');
      expect(h.get('x-frame-options'), path).toBe('DENY');
      expect(h.get('strict-transport-security'), path).toBeNull();
    }
  });
});
