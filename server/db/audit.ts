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

/**
 * For what can come in floods (failed logins): one row per action, client and result within
 * `windowMs`, counting the attempts (detail.attempts, the names tried, the last time) instead of a
 * row per attempt. The first attempt makes the row; later ones in the window update it.
 */
export function recordAuditCounted(db: Db, e: AuditEntry & { detail?: Record<string, unknown> }, windowMs: number, now = Date.now()): void {
  const at = new Date(now).toISOString();
  db.transaction(() => {
    const row = db
      .prepare(
        `SELECT id, detail FROM audit_log WHERE action = ? AND result = ? AND remote IS ? AND at >= ?
           AND json_extract(detail, '$.attempts') IS NOT NULL ORDER BY id DESC LIMIT 1`,
      )
      .get(e.action, e.result, e.remote, new Date(now - windowMs).toISOString()) as { id: number; detail: string } | undefined;
    if (!row) {
      db.prepare('INSERT INTO audit_log (at, actor, remote, action, target, detail, result) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
        at, e.actor, e.remote, e.action, e.target ?? null, JSON.stringify({ ...e.detail, attempts: 1, names: e.actor ? [e.actor] : [], last: at }), e.result,
      );
      return;
    }
    const d = JSON.parse(row.detail) as { attempts: number; names: string[]; last: string };
    d.attempts += 1;
    d.last = at;
    if (e.actor && !d.names.includes(e.actor) && d.names.length < MAX_NAMES) d.names.push(e.actor);
    db.prepare('UPDATE audit_log SET detail = ? WHERE id = ?').run(JSON.stringify(d), row.id);
  })();
  publishChange({ kind: 'audit' });
}
const MAX_NAMES = 20;

export interface AuditRetention {
  /** rows older than this many days are deleted */
  maxAgeDays: number;
  /** only the newest this many rows are kept */
  maxRows: number;
}

/** Deletes what the retention limits say; returns how many rows went. */
export function pruneAudit(db: Db, r: AuditRetention, now = Date.now()): number {
  const old = db.prepare('DELETE FROM audit_log WHERE at < ?').run(new Date(now - r.maxAgeDays * 86_400_000).toISOString()).changes;
  const cutoff = db.prepare('SELECT id FROM audit_log ORDER BY id DESC LIMIT 1 OFFSET ?').pluck().get(r.maxRows) as number | undefined;
  const over = cutoff === undefined ? 0 : db.prepare('DELETE FROM audit_log WHERE id <= ?').run(cutoff).changes;
  return old + over;
}

/** Prunes now and then every `everyMs` until the returned function is called. */
export function startAuditRetention(db: Db, r: AuditRetention, everyMs = 10 * 60_000): () => void {
  pruneAudit(db, r);
  const timer = setInterval(() => pruneAudit(db, r), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
