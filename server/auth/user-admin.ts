// Managing other users (admins only): each change audited, ok or refused, and the connections
// opened under the old state ended.
import type { Db } from '../db';
import { recordAudit, type Actor, type AuditDetails } from '../db/audit';
import { publishChange } from '../events';
import { endUserConnections } from './session-bound';
import { destroyUserSessions } from './sessions';
import { createUser, deleteUser, setPassword, setRole, UserRuleError, type Role, type User } from './users';

type UserAction = 'user.create' | 'user.role' | 'user.password-reset' | 'user.delete';

/** Runs a user change and audits it (ok or refused); a broken rule's UserRuleError reaches the caller. */
function audited<A extends UserAction, T>(db: Db, actor: Actor, action: A, target: string, detail: AuditDetails[A], change: () => T): T {
  const entry = { ...actor, action, target };
  try {
    const out = change();
    recordAudit(db, { ...entry, detail, result: 'ok' });
    publishChange({ kind: 'users' });
    return out;
  } catch (err) {
    if (!(err instanceof UserRuleError)) throw err;
    recordAudit(db, { ...entry, detail: { ...detail, reason: err.message }, result: 'refused' });
    throw err;
  }
}

export function addUser(db: Db, actor: Actor, name: string, role: Role, password: string): User {
  return audited(db, actor, 'user.create', name, { role }, () => createUser(db, name, password, role));
}

export function changeRole(db: Db, actor: Actor, name: string, role: Role): User {
  return audited(db, actor, 'user.role', name, { role }, () => {
    const user = setRole(db, name, role);
    // open consoles, shells and live views were opened under the old role
    endUserConnections(name, 'your role changed');
    return user;
  });
}

/** Sets a new password for someone else and ends all their sessions. */
export function resetPassword(db: Db, actor: Actor, name: string, password: string): void {
  audited(db, actor, 'user.password-reset', name, {}, () => {
    setPassword(db, name, password);
    destroyUserSessions(db, name);
    endUserConnections(name, 'your password was reset');
  });
}

export function removeUser(db: Db, actor: Actor & { actor: string }, name: string): void {
  audited(db, actor, 'user.delete', name, {}, () => {
    deleteUser(db, name, actor.actor);
    endUserConnections(name, 'your account was deleted');
  });
}
