// Sessions on a real full disk (a 1 MiB tmpfs; mounting needs root): made, used, ended and pruned
// while nothing can be written, and in SQLite once space returns.
import crypto from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../db';
import { closeDb } from '../db/per-db';
import { canMount, mountSmallDisk, type SmallDisk } from '../db/testing/small-disk';
import { createSession, destroySession, destroyUserSessions, pruneExpiredSessions, SESSION_IDLE_MS, userForSession } from './sessions';
import { sessionWrites } from './session-writes';
import { createUser } from './users';

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

describe.skipIf(!canMount)('sessions on a full disk', () => {
  let disk: SmallDisk;
  let db: Db;
  const stored = (token: string) =>
    db.prepare('SELECT user_name AS user, last_seen_at AS lastSeen FROM sessions WHERE id_hash = ?').get(sha256(token)) as { user: string; lastSeen: string } | undefined;

  beforeAll(() => {
    disk = mountSmallDisk('1m');
    db = openDb(path.join(disk.dir, 'data'));
    createUser(db, 'ann', 'ann-password', 'admin');
    createUser(db, 'bob', 'bob-password', 'viewer');
  });
  afterAll(() => {
    closeDb(db);
    disk.unmount();
  });

  it('a session made, used and ended while full works at once and is written (or deleted) when space returns', () => {
    const older = createSession(db, 'ann', null).token;
    const bobs = createSession(db, 'bob', null).token;
    disk.fill([db]);
    const t0 = Date.now();
    const made = createSession(db, 'ann', '10.0.0.2').token;
    const ended = createSession(db, 'ann', '10.0.0.3').token;
    expect([stored(made), sessionWrites(db).created.size]).toEqual([undefined, 2]);
    expect(userForSession(db, made)).toEqual({ name: 'ann', role: 'admin' });

    // a last-seen update waits; logging out ends the session at once
    expect(userForSession(db, older, t0 + 5 * 60_000)).toEqual({ name: 'ann', role: 'admin' });
    expect(sessionWrites(db).touched.has(sha256(older))).toBe(true);
    destroySession(db, ended);
    destroySession(db, older);
    expect([userForSession(db, ended), userForSession(db, older)]).toEqual([null, null]);
    expect(stored(older)).toBeDefined(); // still in SQLite, refused meanwhile

    // ending all of a user's sessions (a password reset) and pruning do not throw either
    destroyUserSessions(db, 'bob');
    expect(userForSession(db, bobs)).toBeNull();
    pruneExpiredSessions(db, t0 + SESSION_IDLE_MS + 1);
    expect(userForSession(db, made, t0 + SESSION_IDLE_MS + 1)).toBeNull(); // idle too long: gone with the prune

    disk.free();
    expect(sessionWrites(db).flush()).toBe(true);
    expect([stored(made), stored(ended), stored(older), stored(bobs)]).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('a session made while full survives in SQLite once space returns, with its latest activity', () => {
    disk.fill([db]);
    const now = Date.now();
    const token = createSession(db, 'ann', null).token;
    expect(userForSession(db, token, now + 5 * 60_000)).not.toBeNull();
    disk.free();
    expect(sessionWrites(db).flush()).toBe(true);
    expect(stored(token)).toEqual({ user: 'ann', lastSeen: new Date(now + 5 * 60_000).toISOString() });
    expect(sessionWrites(db).waiting).toBe(0);
  });

  it('a session made while full is gone if the dashboard restarts before space returns: its user logs in again', () => {
    disk.fill([db]);
    const token = createSession(db, 'ann', null).token;
    expect(userForSession(db, token)).not.toBeNull();
    closeDb(db);
    db = openDb(path.join(disk.dir, 'data'));
    expect(userForSession(db, token)).toBeNull();
    disk.free();
  });
});
