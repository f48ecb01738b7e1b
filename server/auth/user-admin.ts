// Managing other users (admins only): each change audited, ok or refused, and the connections
// opened under the old state ended.
import type { Db } from '../db';
import { recordAudit, type Actor, type AuditDetails } from '../db/audit';
import type { ChangePublisher } from '../events';
import type { SessionConnections } from './session-bound';
import { destroyUserSessions } from './sessions';
import { createUser, deleteUser, setPassword, setRole, UserRuleError, type Role, type User } from './users';

export interface UserAdminDeps {
  db: Db;
  events: ChangePublisher;
  /** the dashboard's open connections: a user's end when their role, password or account changes */
  connections: SessionConnections;
}

type UserAction = 'user.create' | 'user.role' | 'user.password-reset' | 'user.delete';

/** Runs a user change and audits it (ok or refused); a broken rule's UserRuleError reaches the caller. */
function audited<A extends UserAction, T>({ db, events }: UserAdminDeps, actor: Actor, action: A, target: string, detail: AuditDetails[A], change: () => T): T {
  const entry = { ...actor, action, target };
  try {
    const out = change();
    recordAudit(db, { ...entry, detail, result: 'ok' });
    events.publish({ kind: 'users' });
    return out;
  } catch (err) {
    if (!(err instanceof UserRuleError)) throw err;
    recordAudit(db, { ...entry, detail: { ...detail, reason: err.message }, result: 'refused' });
    throw err;
  }
}

export function addUser(deps: UserAdminDeps, actor: Actor, name: string, role: Role, password: string): User {
  return audited(deps, actor, 'user.create', name, { role }, () => createUser(deps.db, name, password, role));
}

export function changeRole(deps: UserAdminDeps, actor: Actor, name: string, role: Role): User {
  return audited(deps, actor, 'user.role', name, { role }, () => {
    const user = setRole(deps.db, name, role);
    // open consoles, shells and live views were opened under the old role
    deps.connections.endUserConnections(name, 'your role changed');
    return user;
  });
}

/** Sets a new password for someone else and ends all their sessions. */
export function resetPassword(deps: UserAdminDeps, actor: Actor, name: string, password: string): void {
  audited(deps, actor, 'user.password-reset', name, {}, () => {
    setPassword(deps.db, name, password);
    destroyUserSessions(deps.db, name);
    deps.connections.endUserConnections(name, 'your password was reset');
  });
}

/** `by` is the administrator deleting the account (never their own). */
export function removeUser(deps: UserAdminDeps, actor: Actor, name: string, by: string): void {
  audited(deps, actor, 'user.delete', name, {}, () => {
    deleteUser(deps.db, name, by);
    deps.connections.endUserConnections(name, 'your account was deleted');
  });
}
