// The audit_log table: rows in, rows out, retention. Writing goes through server/db/audit.ts, which
// queues what a full disk refuses.
import type { Db } from './index';
import type { AuditEntry } from './audit';

export interface AuditRow {
  id: number;
  at: string;
  actor: string | null;
  remote: string | null;
  action: string;
  target: string | null;
  detail: unknown;
  result: string;
}

/** A counted entry's tally: how many attempts, the names tried, the first and the last time. */
export interface Tally {
  attempts: number;
  names: string[];
  first: string;
  last: string;
}

const MAX_NAMES = 20;

export function insertAudit(db: Db, e: AuditEntry, at: string): void {
  db.prepare('INSERT INTO audit_log (at, actor, remote, action, target, detail, result) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    at, e.actor, e.remote, e.action, e.target ?? null, e.detail === undefined ? null : JSON.stringify(e.detail), e.result,
  );
}

/**
 * Adds a tally to the row of the same action, client and result within `windowMs` of its first
 * attempt, or makes that row (detail.attempts, detail.names, detail.last beside the entry's detail).
 */
export function insertAuditCounted(db: Db, e: AuditEntry, windowMs: number, t: Tally): void {
  db.transaction(() => {
    const row = db
      .prepare(
        `SELECT id, detail FROM audit_log WHERE action = ? AND result = ? AND remote IS ? AND at >= ?
           AND json_extract(detail, '$.attempts') IS NOT NULL ORDER BY id DESC LIMIT 1`,
      )
      .get(e.action, e.result, e.remote, new Date(Date.parse(t.first) - windowMs).toISOString()) as { id: number; detail: string } | undefined;
    if (!row) {
      const detail = { ...(e.detail as object | undefined), attempts: t.attempts, names: t.names.slice(0, MAX_NAMES), last: t.last };
      insertAudit(db, { ...e, detail } as AuditEntry, t.first);
      return;
    }
    const d = JSON.parse(row.detail) as { attempts: number; names: string[]; last: string };
    d.attempts += t.attempts;
    d.last = t.last;
    for (const name of t.names) if (!d.names.includes(name) && d.names.length < MAX_NAMES) d.names.push(name);
    db.prepare('UPDATE audit_log SET detail = ? WHERE id = ?').run(JSON.stringify(d), row.id);
  })();
}

/** Adds one attempt to a tally (a counted entry recorded while earlier ones wait for space). */
export function addToTally(t: Tally, name: string | null, at: string): void {
  t.attempts += 1;
  t.last = at;
  if (name && !t.names.includes(name) && t.names.length < MAX_NAMES) t.names.push(name);
}

export function listAudit(db: Db, limit = 200, beforeId?: number): AuditRow[] {
  const rows = db
    .prepare(`SELECT * FROM audit_log ${beforeId ? 'WHERE id < ?' : ''} ORDER BY id DESC LIMIT ?`)
    .all(...(beforeId ? [beforeId, limit] : [limit])) as Array<Omit<AuditRow, 'detail'> & { detail: string | null }>;
  return rows.map((r) => ({ ...r, detail: r.detail ? JSON.parse(r.detail) : null }));
}

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
