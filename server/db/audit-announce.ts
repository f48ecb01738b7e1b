// Every row written to the audit log, by whichever service and whenever (a queued entry written
// later too), tells open pages that the audit changed: a temporary trigger on this connection calls
// back into the dashboard's change bus. One home for the rule instead of a publish after each write.
// An entry a full disk refuses fires it too: the trigger runs as the row goes in, before the commit
// fails (server/db/audit-queue.test.ts checks it).
import type { ChangePublisher } from '../events';
import type { Db } from './index';

export function announceAuditChanges(db: Db, events: ChangePublisher): void {
  db.function('jetvm_audit_changed', { deterministic: false, varargs: false }, () => {
    events.publish({ kind: 'audit' });
    return null;
  });
  for (const op of ['INSERT', 'UPDATE']) {
    db.exec(`CREATE TEMP TRIGGER IF NOT EXISTS jetvm_audit_${op.toLowerCase()} AFTER ${op} ON audit_log BEGIN SELECT jetvm_audit_changed(); END`);
  }
}
