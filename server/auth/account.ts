// Logging in and out and one's own password: the checks, the session, the limits and the audit.
// Routers (server/trpc/routers/auth.ts) only turn the outcome into a reply.
import type { Db } from '../db';
import { recordAudit, recordAuditCounted, type Actor } from '../db/audit';
import { KnownError } from '../errors';
import { loginFailed, loginSucceeded, loginWait, type LoginLimiters } from './rate-limit';
import type { SessionConnections } from './session-bound';
import { createSession, destroySession, destroyUserSessions, pruneExpiredSessions } from './sessions';
import { checkCredentials, setPassword, type User } from './users';

/** Failed logins from one client within this window share one audit row. */
export const FAILED_LOGIN_WINDOW_MS = 10 * 60_000;

export interface AccountDeps extends LoginLimiters {
  db: Db;
  /** the dashboard's open connections, ended with their session */
  connections: SessionConnections;
}

/** The caller: their address and the session cookie they came with. */
export interface Caller {
  remote: string | null;
  sessionToken: string | null;
}

export type LoginOutcome =
  | { ok: true; user: User; token: string; expiresAt: Date }
  | { ok: false; why: 'locked'; waitMs: number }
  | { ok: false; why: 'wrong' };

/**
 * Checks a name and password. A success makes a new session replacing the one this browser had (no
 * fixation, no pile-up); on a full disk it lives in memory until it can be written. Failures count
 * against the limits and are audited as one counted row per client and window.
 */
export async function logIn(deps: AccountDeps, caller: Caller, name: string, password: string): Promise<LoginOutcome> {
  const { db } = deps;
  const client = caller.remote ?? 'unknown';
  const failed = (result: 'error' | 'refused', reason: string) =>
    recordAuditCounted(db, { actor: name, remote: caller.remote, action: 'login', result, detail: { reason } }, FAILED_LOGIN_WINDOW_MS);
  const waitMs = loginWait(deps, client, name);
  if (waitMs > 0) {
    failed('refused', 'rate limited');
    return { ok: false, why: 'locked', waitMs };
  }
  // counted as a failure before the (asynchronous) check, so concurrent guesses cannot all slip under the limit
  loginFailed(deps, client, name);
  const user = await checkCredentials(db, name, password);
  if (!user) {
    failed('error', 'wrong name or password');
    return { ok: false, why: 'wrong' };
  }
  loginSucceeded(deps, client, name);
  pruneExpiredSessions(db);
  if (caller.sessionToken) destroySession(db, caller.sessionToken);
  const session = createSession(db, user.name, caller.remote);
  recordAudit(db, { actor: user.name, remote: caller.remote, action: 'login', result: 'ok' });
  return { ok: true, user, ...session };
}

/** Ends this session and the connections opened with it. */
export function logOut({ db, connections }: Pick<AccountDeps, 'db' | 'connections'>, user: User, caller: Caller): void {
  if (caller.sessionToken) {
    destroySession(db, caller.sessionToken);
    connections.endUserConnections(user.name, 'logged out', { only: caller.sessionToken });
  }
  recordAudit(db, { actor: user.name, remote: caller.remote, action: 'logout', result: 'ok' });
}

/** One's own password; every other session of the user ends (this one stays logged in). */
export async function changeOwnPassword({ db, connections }: Pick<AccountDeps, 'db' | 'connections'>, user: User, caller: Caller, current: string, next: string): Promise<void> {
  const who: Actor = { actor: user.name, remote: caller.remote };
  if (!(await checkCredentials(db, user.name, current))) {
    recordAudit(db, { ...who, action: 'password.change', result: 'error', detail: { reason: 'wrong current password' } });
    throw new KnownError('bad-input', 'wrong-password', 'the current password is wrong');
  }
  setPassword(db, user.name, next);
  destroyUserSessions(db, user.name, caller.sessionToken ?? undefined);
  // a shell or live view someone else opened with the old password ends with its session
  connections.endUserConnections(user.name, 'the password was changed', { except: caller.sessionToken });
  recordAudit(db, { ...who, action: 'password.change', result: 'ok' });
}
