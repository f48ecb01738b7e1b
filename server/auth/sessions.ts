import crypto from 'node:crypto';
import type { Db } from '../db';
import { findUser, type User } from './users';
import { sessionWrites, type SessionRow } from './session-writes';

export const SESSION_COOKIE = 'jetvm_session';
/** A session ends 12 h after login at the latest, or after 2 h without a request. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
export const SESSION_IDLE_MS = 2 * 60 * 60 * 1000;
// last_seen_at is rewritten at most this often, so reads do not turn into a write per request
const TOUCH_EVERY_MS = 60 * 1000;

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

/** A new session; on a full disk it lives in memory until its row can be written (session-writes.ts). */
export function createSession(db: Db, userName: string, remote: string | null): { token: string; expiresAt: Date } {
  const token = crypto.randomBytes(32).toString('base64url');
  const now = new Date().toISOString();
  const expiresAt = new Date(Date.parse(now) + SESSION_TTL_MS);
  const row: SessionRow = { idHash: sha256(token), userName, createdAt: now, expiresAt: expiresAt.toISOString(), remote, lastSeenAt: now };
  const pending = sessionWrites(db);
  pending.write(
    () =>
      db
        .prepare('INSERT INTO sessions (id_hash, user_name, created_at, expires_at, remote, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(row.idHash, row.userName, row.createdAt, row.expiresAt, row.remote, row.lastSeenAt),
    () => pending.created.set(row.idHash, row),
  );
  return { token, expiresAt };
}

type Found = User & { expiresAt: string; lastSeenAt: string | null };

/** The session's user and times, from SQLite or from the sessions waiting for disk space. */
function findSession(db: Db, idHash: string): Found | null {
  const pending = sessionWrites(db);
  if (pending.ended.has(idHash)) return null;
  const row = db
    .prepare(
      `SELECT u.name AS name, u.role AS role, s.expires_at AS expiresAt, s.last_seen_at AS lastSeenAt
         FROM sessions s JOIN users u ON u.name = s.user_name WHERE s.id_hash = ?`,
    )
    .get(idHash) as Found | undefined;
  if (row) {
    const touched = pending.touched.get(idHash);
    return touched && touched > (row.lastSeenAt ?? '') ? { ...row, lastSeenAt: touched } : row;
  }
  const waiting = pending.created.get(idHash);
  const user = waiting && findUser(db, waiting.userName);
  return user ? { ...user, expiresAt: waiting.expiresAt, lastSeenAt: waiting.lastSeenAt } : null;
}

/**
 * The user a session cookie belongs to, or null when it is unknown, expired or idle too long.
 * A request counts as activity (touch); a background check of an open connection does not.
 */
export function userForSession(db: Db, token: string | undefined | null, now = Date.now(), opts: { touch?: boolean } = {}): User | null {
  if (!token || token.length > 128) return null;
  const idHash = sha256(token);
  const row = findSession(db, idHash);
  if (!row) return null;
  const lastSeen = Date.parse(row.lastSeenAt ?? '') || 0;
  if (Date.parse(row.expiresAt) <= now || lastSeen + SESSION_IDLE_MS <= now) {
    destroySession(db, token);
    return null;
  }
  if (opts.touch !== false && now - lastSeen >= TOUCH_EVERY_MS) touchSession(db, idHash, new Date(now).toISOString());
  return { name: row.name, role: row.role };
}

/** A last-seen update: a write that can wait for disk space. */
function touchSession(db: Db, idHash: string, at: string): void {
  const pending = sessionWrites(db);
  const waiting = pending.created.get(idHash);
  if (waiting) {
    waiting.lastSeenAt = at;
    return;
  }
  pending.write(
    () => db.prepare('UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?').run(at, idHash),
    () => pending.touched.set(idHash, at),
  );
}

/** Ends a session at once; on a full disk its row is deleted later and refused meanwhile. */
export function destroySession(db: Db, token: string): void {
  endSessions(db, [sha256(token)]);
}

export function destroyUserSessions(db: Db, userName: string, exceptToken?: string): void {
  const except = exceptToken ? sha256(exceptToken) : null;
  const stored = db.prepare('SELECT id_hash FROM sessions WHERE user_name = ?').pluck().all(userName) as string[];
  const waiting = [...sessionWrites(db).created.values()].filter((r) => r.userName === userName).map((r) => r.idHash);
  endSessions(db, [...stored, ...waiting].filter((h) => h !== except));
}

function endSessions(db: Db, idHashes: string[]): void {
  const pending = sessionWrites(db);
  for (const h of idHashes) {
    pending.created.delete(h);
    pending.touched.delete(h);
  }
  const remove = db.prepare('DELETE FROM sessions WHERE id_hash = ?');
  pending.write(
    () => db.transaction(() => idHashes.forEach((h) => remove.run(h)))(),
    () => idHashes.forEach((h) => pending.ended.add(h)),
  );
}

/** Deletes expired and idle sessions; on a full disk it waits for the next round. */
export function pruneExpiredSessions(db: Db, now = Date.now()): void {
  const expired = new Date(now).toISOString();
  const idle = new Date(now - SESSION_IDLE_MS).toISOString();
  const pending = sessionWrites(db);
  for (const [h, r] of pending.created) if (r.expiresAt <= expired || r.lastSeenAt <= idle) pending.created.delete(h);
  pending.write(
    () => db.prepare('DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at IS NULL OR last_seen_at <= ?').run(expired, idle),
    () => undefined,
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
