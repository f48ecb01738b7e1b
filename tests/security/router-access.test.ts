import crypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '@/server/trpc/root';
import { useTestServer, type Caller, type Reply } from './harness';
import { allProcedures, PUBLIC, VIEWER_MUTATIONS, type ProcedureInfo } from './procedures';

const procedures = allProcedures();
const server = useTestServer({ loginAdmin: true });
let viewer: string;
beforeAll(async () => {
  viewer = await server.userCookie('vera', 'viewer', server.admin);
});

function call(p: ProcedureInfo, c: Caller): Promise<Reply> {
  if (p.type === 'query') return server.query(p.path, undefined, c);
  if (p.type === 'mutation') return server.mutate(p.path, undefined, c);
  return server.subscribe(p.path, c);
}

/** What must not change when a call is refused: every table but the audit log, and the host. */
function state() {
  const { audit_log: _audit, ...tables } = server.rowCounts();
  const { takenAt: _t, ...host } = server.app.services.host.scan();
  return { tables, host: crypto.createHash('sha256').update(JSON.stringify(host)).digest('hex') };
}

describe('the router as built', () => {
  it('has no lazy routers, so _def.procedures lists every procedure', () => {
    expect(Object.keys((appRouter._def as { lazy?: object }).lazy ?? {})).toEqual([]);
    expect(procedures.length).toBeGreaterThan(PUBLIC.length + VIEWER_MUTATIONS.length);
  });

  it('every procedure says who may call it, and only auth.login and auth.me are public', () => {
    for (const p of procedures) expect(['public', 'viewer', 'admin'], p.path).toContain(p.role);
    expect(procedures.filter((p) => p.role === 'public').map((p) => p.path).sort()).toEqual([...PUBLIC].sort());
  });

  it('every mutation needs admin, except the viewer-allowed ones (own account) and login', () => {
    const open = procedures.filter((p) => p.type === 'mutation' && p.role !== 'admin').map((p) => p.path);
    expect(open.sort(), 'build it with adminProcedure, or add it to VIEWER_MUTATIONS on purpose').toEqual(
      [...VIEWER_MUTATIONS, 'auth.login'].sort(),
    );
  });
});

describe('over HTTP against the running server', () => {
  it.each(procedures.filter((p) => !PUBLIC.includes(p.path)).map((p) => [p.path, p] as const))(
    'without a session, %s is refused with 401 and changes nothing',
    async (_path, p) => {
      const before = state();
      const r = await call(p, {});
      expect(r.code, JSON.stringify(r.body)).toBe('UNAUTHORIZED');
      if (p.type !== 'subscription') expect(r.status).toBe(401);
      expect(state()).toEqual(before);
    },
  );

  it.each(procedures.filter((p) => p.role === 'admin').map((p) => [p.path, p] as const))(
    'a viewer is refused %s with 403 and changes nothing',
    async (_path, p) => {
      const before = state();
      const r = await call(p, { cookie: viewer });
      expect(r.code, JSON.stringify(r.body)).toBe('FORBIDDEN');
      if (p.type !== 'subscription') expect(r.status).toBe(403);
      expect(state()).toEqual(before);
    },
  );

  it.each(procedures.filter((p) => p.role === 'viewer' && p.type === 'query').map((p) => [p.path, p] as const))(
    'a viewer passes the role check of %s',
    async (_path, p) => {
      const r = await call(p, { cookie: viewer });
      expect(['UNAUTHORIZED', 'FORBIDDEN']).not.toContain(r.code);
    },
  );

  it.each(procedures.filter((p) => p.type === 'mutation').map((p) => [p.path, p] as const))(
    'an admin mutation %s from another origin, or with no Origin, is refused with 403',
    async (_path, p) => {
      const before = state();
      for (const origin of ['http://evil.example', 'null', server.url.replace('127.0.0.1', 'localhost'), null]) {
        const r = await call(p, { cookie: server.admin, origin });
        expect(r.status, `Origin: ${origin}`).toBe(403);
        expect(r.body.error.json.message).toBe('cross-origin request refused');
      }
      expect(state()).toEqual(before);
    },
  );

  it('mutations cannot be sent as GET (no CSRF through links or images)', async () => {
    const r = await fetch(`${server.url}/api/trpc/users.create?input=${encodeURIComponent(JSON.stringify({ json: { name: 'mallory', role: 'admin', password: 'mallory-password' } }))}`, {
      headers: { cookie: server.admin },
    });
    expect(r.status).toBe(405);
    expect(server.db.prepare("SELECT COUNT(*) FROM users WHERE name = 'mallory'").pluck().get()).toBe(0);
  });

  it('error answers carry no stack traces', async () => {
    const r = await server.query('users.list', undefined, { cookie: viewer });
    expect(JSON.stringify(r.body)).not.toMatch(/stack|\.ts:\d+/);
  });
});
