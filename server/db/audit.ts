import type { Db } from './index';
import { publishChange } from '../events';

export type AuditResult = 'ok' | 'error' | 'refused';

export interface AuditEntry {
  actor: string | null;
  remote: string | null;
  action: string;
  target?: string | null;
  detail?: unknown;
  result: AuditResult;
}

/** who did something and from where, as the audit log records it */
export type Actor = Pick<AuditEntry, 'actor' | 'remote'>;

export interface AuditRow extends Required<Omit<AuditEntry, 'detail'>> {
  id: number;
  at: string;
  detail: unknown;
}

export function recordAudit(db: Db, e: AuditEntry): void {
  db.prepare(
    'INSERT INTO audit_log (at, actor, remote, action, target, detail, result) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(new Date().toISOString(), e.actor, e.remote, e.action, e.target ?? null, e.detail === undefined ? null : JSON.stringify(e.detail), e.result);
  publishChange({ kind: 'audit' });
}

export function listAudit(db: Db, limit = 200, beforeId?: number): AuditRow[] {
  const rows = db
    .prepare(`SELECT * FROM audit_log ${beforeId ? 'WHERE id < ?' : ''} ORDER BY id DESC LIMIT ?`)
    .all(...(beforeId ? [beforeId, limit] : [limit])) as Array<Omit<AuditRow, 'detail'> & { detail: string | null }>;
  return rows.map((r) => ({ ...r, detail: r.detail ? JSON.parse(r.detail) : null }));
}
