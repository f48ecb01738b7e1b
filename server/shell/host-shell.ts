// The host shell's rules beyond the socket: the password asked again (with the login limits) for a
// ticket, and each session audited with a link to its transcript.
import type { Db } from '../db';
import { recordAudit, type Actor } from '../db/audit';
import { loginFailed, loginSucceeded, loginWait, type LoginLimiters } from '../auth/rate-limit';
import { checkCredentials } from '../auth/users';
import type { OpenShells } from './open-shells';

export type UnlockOutcome = { ok: true; ticket: string } | { ok: false; why: 'locked'; waitMs: number } | { ok: false; why: 'wrong' };

/** The password again, for a ticket that opens one shell within a minute; wrong ones count against the login limits. */
export async function unlockHostShell(
  deps: LoginLimiters & { db: Db; shells: OpenShells },
  who: { user: string; remote: string | null; sessionToken: string | null },
  password: string,
): Promise<UnlockOutcome> {
  const client = who.remote ?? 'unknown';
  const waitMs = loginWait(deps, client, who.user);
  if (waitMs > 0) return { ok: false, why: 'locked', waitMs };
  loginFailed(deps, client, who.user); // before the asynchronous check, as for logins
  if (!(await checkCredentials(deps.db, who.user, password))) {
    recordAudit(deps.db, { actor: who.user, remote: who.remote, action: 'shell.unlock', result: 'error', detail: { reason: 'wrong password' } });
    return { ok: false, why: 'wrong' };
  }
  loginSucceeded(deps, client, who.user);
  return { ok: true, ticket: deps.shells.issueTicket(who.user, who.sessionToken) };
}

/** The audit of one shell session: refused, opened, ended. */
export const shellSessionAudit = {
  refused: (db: Db, who: Actor, reason: string) => recordAudit(db, { ...who, action: 'shell.session', result: 'refused', detail: { reason } }),
  opened: (db: Db, who: Actor, transcript: string) => recordAudit(db, { ...who, action: 'shell.session', result: 'ok', detail: { transcript } }),
  ended: (db: Db, who: Actor, detail: { transcript: string; seconds: number; bytes: number }) =>
    recordAudit(db, { ...who, action: 'shell.session.end', result: 'ok', detail }),
};
