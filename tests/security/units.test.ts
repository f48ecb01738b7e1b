import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '@/server/db';
import { createUser, deleteUser, ensureAdmin, checkCredentials, setPassword, setRole, UserRuleError } from '@/server/auth/users';
import { createSession, SESSION_IDLE_MS, SESSION_TTL_MS, userForSession, sessionCookie } from '@/server/auth/sessions';
import { LoginLimiter } from '@/server/auth/rate-limit';

const dirs: string[] = [];
const dbs: Db[] = [];
function freshDb(): Db {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-sec-'));
  dirs.push(dir);
  const db = openDb(dir);
  dbs.push(db);
  return db;
}
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const userNames = (db: Db) => db.prepare('SELECT name || ? || role FROM users ORDER BY name').pluck().all(':');

describe('first start', () => {
  it('creates admin from the configured password, keeps only a scrypt hash, and never again', async () => {
    const db = freshDb();
    expect(ensureAdmin(db, 'configured-secret')).toEqual({ name: 'admin', generatedPassword: null });
    const stored = db.prepare("SELECT password_hash FROM users WHERE name = 'admin'").pluck().get() as string;
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(stored).not.toContain('configured-secret');
    expect(await checkCredentials(db, 'admin', 'configured-secret')).toEqual({ name: 'admin', role: 'admin' });
    expect(ensureAdmin(db, 'other')).toBeNull();
    expect(await checkCredentials(db, 'admin', 'other')).toBeNull();
  });

  it('generates a password when none is configured and returns it once', async () => {
    const db = freshDb();
    const made = ensureAdmin(db, null);
    expect(made?.generatedPassword).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(await checkCredentials(db, 'admin', made!.generatedPassword!)).not.toBeNull();
  });
});

describe('user rules', () => {
  it('refuses to demote or delete the last admin, and self-deletion', () => {
    const db = freshDb();
    ensureAdmin(db, 'admin-password');
    expect(() => setRole(db, 'admin', 'viewer')).toThrow(/last admin/);
    createUser(db, 'bob', 'bob-password', 'viewer');
    expect(() => deleteUser(db, 'admin', 'bob')).toThrow(/last admin/);
    expect(() => deleteUser(db, 'admin', 'admin')).toThrow(/cannot delete yourself/);
    expect(userNames(db)).toEqual(['admin:admin', 'bob:viewer']);

    setRole(db, 'bob', 'admin');
    setRole(db, 'admin', 'viewer');
    expect(userNames(db)).toEqual(['admin:viewer', 'bob:admin']);
    deleteUser(db, 'admin', 'bob');
    expect(userNames(db)).toEqual(['bob:admin']);
  });

  it('deleting a user ends their sessions', () => {
    const db = freshDb();
    ensureAdmin(db, 'admin-password');
    createUser(db, 'carol', 'carol-password', 'viewer');
    const { token } = createSession(db, 'carol', null);
    expect(userForSession(db, token)).toEqual({ name: 'carol', role: 'viewer' });
    deleteUser(db, 'carol', 'admin');
    expect(userForSession(db, token)).toBeNull();
  });

  it('explains bad input and changes nothing', () => {
    const db = freshDb();
    ensureAdmin(db, 'admin-password');
    const before = userNames(db);
    expect(() => createUser(db, '../etc', 'long-enough', 'viewer')).toThrow(/user name/);
    expect(() => createUser(db, 'x'.repeat(33), 'long-enough', 'viewer')).toThrow(/user name/);
    expect(() => createUser(db, 'dave', 'short', 'viewer')).toThrow(/at least 8/);
    expect(() => createUser(db, 'dave', 'long-enough', 'root' as never)).toThrow();
    expect(() => createUser(db, 'admin', 'long-enough', 'viewer')).toThrow(UserRuleError);
    expect(() => setPassword(db, 'nobody', 'long-enough')).toThrow(/no user "nobody"/);
    expect(() => setRole(db, 'nobody', 'admin')).toThrow(/no user "nobody"/);
    expect(userNames(db)).toEqual(before);
  });
});

describe('sessions', () => {
  it('stores only a hash of the token and ends after the idle time or the absolute lifetime', () => {
    const db = freshDb();
    ensureAdmin(db, 'admin-password');
    const t0 = Date.now();
    const a = createSession(db, 'admin', '10.0.0.2');
    expect(db.prepare('SELECT COUNT(*) FROM sessions WHERE id_hash = ?').pluck().get(a.token)).toBe(0);

    // used every hour: survives past the idle time, but not past the absolute lifetime
    for (let h = 1; h * 3600_000 < SESSION_TTL_MS; h++) expect(userForSession(db, a.token, t0 + h * 3600_000)).not.toBeNull();
    expect(userForSession(db, a.token, t0 + SESSION_TTL_MS + 1000)).toBeNull();

    const b = createSession(db, 'admin', null);
    expect(userForSession(db, b.token, t0 + SESSION_IDLE_MS - 120_000)).not.toBeNull();
    expect(userForSession(db, b.token, t0 + SESSION_IDLE_MS * 2 - 180_000)).not.toBeNull();
    expect(userForSession(db, b.token, t0 + SESSION_IDLE_MS * 3)).toBeNull();
    // a dead session stays dead
    expect(userForSession(db, b.token, t0)).toBeNull();
  });

  it('cookies are HttpOnly and SameSite=Strict, Secure under TLS', () => {
    const when = new Date(Date.now() + 1000);
    expect(sessionCookie('t', when, false)).toMatch(/; HttpOnly; SameSite=Strict; Expires=/);
    expect(sessionCookie('t', when, false)).not.toContain('Secure');
    expect(sessionCookie('t', when, true)).toMatch(/; Secure$/);
  });
});

describe('login limiter', () => {
  it('locks a client out after 5 failures, doubling the lock, and a success resets it', () => {
    let now = 0;
    const limiter = new LoginLimiter(5, 30_000, 15 * 60_000, () => now);
    for (let i = 0; i < 4; i++) limiter.fail('a');
    expect(limiter.retryAfter('a')).toBe(0);
    limiter.fail('a');
    expect(limiter.retryAfter('a')).toBe(30_000);
    expect(limiter.retryAfter('b')).toBe(0);
    now = 30_000;
    expect(limiter.retryAfter('a')).toBe(0);
    limiter.fail('a');
    expect(limiter.retryAfter('a')).toBe(60_000);
    limiter.succeed('a');
    expect(limiter.retryAfter('a')).toBe(0);
  });
});
