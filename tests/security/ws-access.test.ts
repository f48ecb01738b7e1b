import { beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { wsRoutes } from '@/server/ws/routes';
import type { WsRoute } from '@/server/ws/upgrade';
import { useTestServer } from './harness';

// Two probe routes next to the real ones, so the upgrade checks are exercised even before the
// console and shell routes are registered; the real ones get the same treatment below.
const echo = (ws: WebSocket, text: string) => ws.send(text);
const probes: WsRoute[] = [
  { prefix: '/ws/test-viewer/', role: 'viewer', handle: (ws, ctx) => echo(ws, `hello ${ctx.user.name} ${ctx.rest}`) },
  { prefix: '/ws/test-admin/', role: 'admin', handle: (ws, ctx) => echo(ws, `hello ${ctx.user.name} ${ctx.rest}`) },
];

const server = useTestServer({ wsRoutes: (s) => [...wsRoutes(s), ...probes], loginAdmin: true });
let viewer: string;
beforeAll(async () => {
  viewer = await server.userCookie('vic', 'viewer', server.admin);
});

const closed = (ws: WebSocket) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));

describe('every registered WebSocket route', () => {
  const routes = () => server.app.wsRoutes.map((r) => [r.prefix, r] as const);

  it('includes the real routes the server builds (server/ws/routes.ts) and the probes', () => {
    expect(server.app.wsRoutes.map((r) => r.prefix)).toEqual([...wsRoutes(server.app.services).map((r) => r.prefix), ...probes.map((p) => p.prefix)]);
  });

  it('the host shell needs admin wherever it is registered', () => {
    for (const r of server.app.wsRoutes.filter((r) => /shell/.test(r.prefix))) expect(r.role, r.prefix).toBe('admin');
  });

  it('refuses an upgrade without a session (401), from another origin or without Origin (403)', async () => {
    for (const [prefix] of routes()) {
      const path = `${prefix}demo`;
      expect((await server.upgrade(path, {})).status, path).toBe(401);
      expect((await server.upgrade(path, { cookie: 'jetvm_session=forged' })).status, path).toBe(401);
      for (const origin of ['http://evil.example', 'null', null]) {
        expect((await server.upgrade(path, { cookie: server.admin, origin })).status, `${path} Origin ${origin}`).toBe(403);
      }
    }
  });

  it('refuses a viewer on admin routes (403)', async () => {
    const adminRoutes = routes().filter(([, r]) => r.role === 'admin');
    expect(adminRoutes.length).toBeGreaterThan(0);
    for (const [prefix] of adminRoutes) expect((await server.upgrade(`${prefix}demo`, { cookie: viewer })).status, prefix).toBe(403);
  });
});

describe('upgrade mechanics', () => {
  it('lets a viewer watch and an admin into admin routes', async () => {
    const v = await server.upgrade('/ws/test-viewer/demo', { cookie: viewer });
    expect(v.status).toBe(101);
    expect(await v.next()).toBe('hello vic demo');
    v.ws!.close();
    const a = await server.upgrade('/ws/test-admin/demo', { cookie: server.admin });
    expect(await a.next()).toBe('hello admin demo');
    a.ws!.close();
  });

  it('refuses path tricks and oversized names with 400 (a bare .. leaves the route: 404)', async () => {
    for (const rest of ['..%2F..%2Fetc', 'a%2Fb', 'a..b%2F', 'a%5Cb', '%00', '%E0%A4%A', 'x'.repeat(129)]) {
      expect((await server.upgrade(`/ws/test-viewer/${rest}`, { cookie: server.admin })).status, rest).toBe(400);
    }
    // the URL parser resolves dot segments first, which leaves the route
    for (const rest of ['..', '%2E%2E', '.%2e']) expect((await server.upgrade(`/ws/test-viewer/${rest}`, { cookie: server.admin })).status, rest).toBe(404);
  });

  it('audits refused viewers, not the connections it lets in (routes audit what matters themselves)', async () => {
    const a = await server.upgrade('/ws/test-admin/vm1', { cookie: server.admin });
    await a.next();
    const end = closed(a.ws!);
    a.ws!.close();
    await end;
    expect((await server.upgrade('/ws/test-admin/vm1', { cookie: viewer })).status).toBe(403);
    const rows = server.db.prepare("SELECT actor, action, target, result FROM audit_log WHERE target IN ('vm1', '/ws/test-admin/vm1') ORDER BY id").all();
    expect(rows).toEqual([{ actor: 'vic', action: 'ws.connect', target: '/ws/test-admin/vm1', result: 'refused' }]);
  });

  it('logging out ends that session’s sockets; demotion ends admin sockets', async () => {
    const other = await server.userCookie('otto', 'admin', server.admin);
    const s = await server.upgrade('/ws/test-admin/x', { cookie: other });
    await s.next();
    const demoted = closed(s.ws!);
    expect((await server.mutate('users.setRole', { name: 'otto', role: 'viewer' }, { cookie: server.admin })).status).toBe(200);
    expect(await demoted).toBe(4001);

    const mine = await server.userCookie('olga', 'viewer', server.admin);
    const w = await server.upgrade('/ws/test-viewer/x', { cookie: mine });
    await w.next();
    const gone = closed(w.ws!);
    expect((await server.mutate('auth.logout', undefined, { cookie: mine })).status).toBe(200);
    expect(await gone).toBe(4001);
    expect((await server.upgrade('/ws/test-viewer/x', { cookie: mine })).status).toBe(401);
  });
});
