// The audit log's one way in. Domain services call recordAudit with an action from the typed list
// (audit-actions.ts); a full disk queues the entry in memory (audit-queue.ts). Open pages hear of
// every row when it is written, now or once space returns, through the log's trigger (audit-announce.ts).
import type { Db } from './index';
import { log } from '../log';
import { AuditQueue } from './audit-queue';
import { pruneAudit, type AuditRetention } from './audit-store';
import { isDiskFull } from './disk-full';
import { perDb } from './per-db';
import type { AuditAction, AuditDetails } from './audit-actions';
import { repeatEvery } from '../repeat';

export type { AuditAction, AuditDetails } from './audit-actions';
export { listAudit, pruneAudit, type AuditRetention, type AuditRow } from './audit-store';

export type AuditResult = 'ok' | 'error' | 'refused';

/** who did something and from where, as the audit log records it */
export interface Actor {
  actor: string | null;
  remote: string | null;
}

export type AuditEntry<A extends AuditAction = AuditAction> = Actor & {
  action: A;
  target?: string | null;
  detail?: AuditDetails[A];
  result: AuditResult;
};

/** The entries waiting for disk space, one queue per open database. */
export const auditQueue = perDb((db) => new AuditQueue(db));

export function recordAudit<A extends AuditAction>(db: Db, e: AuditEntry<A>): void {
  auditQueue(db).record({ kind: 'one', entry: e as AuditEntry, at: new Date().toISOString() });
}

/**
 * For what can come in floods (failed logins): one row per action, client and result within
 * `windowMs`, counting the attempts (detail.attempts, the names tried, the last time) instead of a
 * row per attempt. The first attempt makes the row; later ones in the window update it.
 */
export function recordAuditCounted<A extends AuditAction>(db: Db, e: AuditEntry<A>, windowMs: number, now = Date.now()): void {
  const at = new Date(now).toISOString();
  const tally = { attempts: 1, names: e.actor ? [e.actor] : [], first: at, last: at };
  auditQueue(db).record({ kind: 'counted', entry: e as AuditEntry, windowMs, tally });
}

/** Prunes now and then every `everyMs` until the returned function is called; a full disk skips a round. */
export function startAuditRetention(db: Db, r: AuditRetention, everyMs = 10 * 60_000): () => void {
  const prune = () => {
    try {
      pruneAudit(db, r);
    } catch (err) {
      if (!isDiskFull(err)) throw err;
      log.warn({ err }, 'audit retention skipped: the disk is full');
    }
  };
  return repeatEvery(prune, everyMs, { now: true });
}
