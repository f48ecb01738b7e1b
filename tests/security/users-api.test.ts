import { describe, expect, it } from 'vitest';
import { useTestServer } from './harness';

const server = useTestServer({ loginAdmin: true });

const users = () => server.db.prepare("SELECT name || ':' || role FROM users ORDER BY name").pluck().all();
const as = (cookie: string) => ({ cookie });

describe('users over HTTP (admin)', () => {
  it('creates, changes role, resets password and deletes, each audited', async () => {
    expect((await server.mutate('users.create', { name: 'ann', role: 'viewer', password: 'ann-password' }, as(server.admin))).status).toBe(200);
    const ann = await server.login('ann', 'ann-password');
    expect((await server.mutate('users.setRole', { name: 'ann', role: 'admin' }, as(server.admin))).status).toBe(200);
    expect((await server.query('users.list', undefined, as(ann))).status).toBe(200);
    expect((await server.mutate('users.resetPassword', { name: 'ann', password: 'ann-new-password' }, as(server.admin))).status).toBe(200);
    expect((await server.query('auth.me', undefined, as(ann))).body.result.data.json).toBeNull();
    await server.login('ann', 'ann-new-password');
    expect((await server.mutate('users.remove', { name: 'ann' }, as(server.admin))).status).toBe(200);
    expect(users()).toEqual(['admin:admin']);
    const audit = server.db.prepare("SELECT action || ' ' || target || ' ' || result FROM audit_log WHERE action LIKE 'user.%' ORDER BY id").pluck().all();
    expect(audit).toEqual(['user.create ann ok', 'user.role ann ok', 'user.password-reset ann ok', 'user.delete ann ok']);
  });

  it('the last admin cannot be demoted or deleted, nobody deletes themself', async () => {
    const demote = await server.mutate('users.setRole', { name: 'admin', role: 'viewer' }, as(server.admin));
    expect([demote.status, demote.body.error.json.message]).toEqual([409, '"admin" is the last admin: make another user admin first']);
    const self = await server.mutate('users.remove', { name: 'admin' }, as(server.admin));
    expect([self.status, self.body.error.json.message]).toEqual([403, 'you cannot delete yourself: ask another admin']);
    await server.mutate('users.create', { name: 'bea', role: 'admin', password: 'bea-password' }, as(server.admin));
    const bea = await server.login('bea', 'bea-password');
    await server.mutate('users.setRole', { name: 'admin', role: 'viewer' }, as(bea));
    const last = await server.mutate('users.remove', { name: 'bea' }, as(bea));
    expect(last.status).toBe(403);
    expect(users()).toEqual(['admin:viewer', 'bea:admin']);
    const lastAdmin = await server.mutate('users.setRole', { name: 'bea', role: 'viewer' }, as(bea));
    expect(lastAdmin.status).toBe(409);
    await server.mutate('users.setRole', { name: 'admin', role: 'admin' }, as(bea));
    expect(users()).toEqual(['admin:admin', 'bea:admin']);
  });

  it('bad input gets a clear 4xx and changes nothing', async () => {
    const before = users();
    const cases: Array<[string, unknown, number, RegExp]> = [
      ['users.create', { name: '../etc', role: 'viewer', password: 'long-enough' }, 400, /^name: a user name is 1–32 characters/],
      ['users.create', { name: 'a'.repeat(10_000), role: 'viewer', password: 'long-enough' }, 400, /^name: /],
      ['users.create', { name: 'eve', role: 'root', password: 'long-enough' }, 400, /^role: /],
      ['users.create', { name: 'eve', role: 'viewer', password: 'p'.repeat(100_000) }, 400, /^password: a password has at most 256/],
      ['users.create', { name: 'admin', role: 'viewer', password: 'long-enough' }, 409, /already exists/],
      ['users.setRole', { name: 'nobody', role: 'admin' }, 404, /there is no user "nobody"/],
      ['users.resetPassword', { name: 'nobody', password: 'long-enough' }, 404, /there is no user "nobody"/],
      ['users.remove', { name: 'nobody' }, 404, /there is no user "nobody"/],
    ];
    for (const [proc, input, status, message] of cases) {
      const r = await server.mutate(proc, input, as(server.admin));
      expect(r.status, `${proc} ${JSON.stringify(input).slice(0, 80)}`).toBe(status);
      const err = r.body.error.json;
      const first = err.data.issues?.[0];
      expect(first ? `${first.path.join(".")}: ${first.message}` : err.message).toMatch(message);
    }
    expect(users()).toEqual(before);
  });

  it('a request body over 1 MiB is refused', async () => {
    const r = await server.mutate('users.create', { name: 'big', role: 'viewer', password: 'x'.repeat(2 * 1024 * 1024) }, as(server.admin));
    expect(r.status).toBe(413);
    expect(users()).not.toContain('big:viewer');
  });
});
