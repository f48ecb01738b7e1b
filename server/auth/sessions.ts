import crypto from 'node:crypto';
import type { Db } from '../db';
import type { User } from './users';

export const SESSION_COOKIE = 'jetvm_session';
/** A session ends 12 h after login at the latest, or after 2 h without a request. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
export const SESSION_IDLE_MS = 2 * 60 * 60 * 1000;
// last_seen_at is rewritten at most this often, so reads do not turn into a write per request
const TOUCH_EVERY_MS = 60 * 1000;

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

export function createSession(db: Db, userName: string, remote: string | null): { token: string; expiresAt: Date } {
  const token = crypto.randomBytes(32).toString('base64url');
  const now = new Date();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  db.prepare('INSERT INTO sessions (id_hash, user_name, created_at, expires_at, remote, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)').run(
    sha256(token),
    userName,
    now.toISOString(),
    expiresAt.toISOString(),
    remote,
    now.toISOString(),
  );
  return { token, expiresAt };
}

/**
 * The user a session cookie belongs to, or null when it is unknown, expired or idle too long.
 * A request counts as activity (touch); a background check of an open connection does not.
 */
export function userForSession(db: Db, token: string | undefined | null, now = Date.now(), opts: { touch?: boolean } = {}): User | null {
  if (!token || token.length > 128) return null;
  const row = db
    .prepare(
      `SELECT u.name AS name, u.role AS role, s.expires_at AS expiresAt, s.last_seen_at AS lastSeenAt
         FROM sessions s JOIN users u ON u.name = s.user_name WHERE s.id_hash = ?`,
    )
    .get(sha256(token)) as (User & { expiresAt: string; lastSeenAt: string | null }) | undefined;
  if (!row) return null;
  const lastSeen = Date.parse(row.lastSeenAt ?? '') || 0;
  if (Date.parse(row.expiresAt) <= now || lastSeen + SESSION_IDLE_MS <= now) {
    destroySession(db, token);
    return null;
  }
  if (opts.touch !== false && now - lastSeen >= TOUCH_EVERY_MS) {
    db.prepare('UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?').run(new Date(now).toISOString(), sha256(token));
  }
  return { name: row.name, role: row.role };
}

export function destroySession(db: Db, token: string): void {
  db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(sha256(token));
}

export function destroyUserSessions(db: Db, userName: string, exceptToken?: string): void {
  if (exceptToken) db.prepare('DELETE FROM sessions WHERE user_name = ? AND id_hash <> ?').run(userName, sha256(exceptToken));
  else db.prepare('DELETE FROM sessions WHERE user_name = ?').run(userName);
}

export function pruneExpiredSessions(db: Db, now = Date.now()): void {
  db.prepare('DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at IS NULL OR last_seen_at <= ?').run(
    new Date(now).toISOString(),
    new Date(now - SESSION_IDLE_MS).toISOString(),
  );
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    if (!k || k in out) continue;
    try {
      out[k] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      /* malformed value: ignore the cookie */
    }
  }
  return out;
}

export function sessionCookie(token: string, expiresAt: Date, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${token}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Expires=${expiresAt.toUTCString()}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

export function clearedSessionCookie(secure: boolean): string {
  return [`${SESSION_COOKIE}=`, 'Path=/', 'HttpOnly', 'SameSite=Strict', 'Max-Age=0', ...(secure ? ['Secure'] : [])].join('; ');
}
