// Session writes a full disk refused, so logging in, logging out and being active keep working:
// a new session lives here until its row can be written, an ended one is refused here until its
// row can be deleted, a last-seen time waits. Retried with backoff; a restart before the disk has
// space forgets what is only here (sessions made meanwhile are gone: log in again).
import { isDiskFull, WaitingWrites } from '../db/disk-full';
import { perDb } from '../db/per-db';
import { log } from '../log';

export interface SessionRow {
  idHash: string;
  userName: string;
  createdAt: string;
  expiresAt: string;
  remote: string | null;
  lastSeenAt: string;
}

/** sessions made while the disk is full, at most (the oldest go first) */
const MAX_CREATED = 1000;

export class SessionWrites extends WaitingWrites {
  /** made while the disk was full, not in SQLite yet */
  readonly created = new Map<string, SessionRow>();
  /** ended while the disk was full: refused, deleted from SQLite later */
  readonly ended = new Set<string>();
  /** last-seen times waiting to be written */
  readonly touched = new Map<string, string>();
  protected readonly failedMessage = 'sessions: writing the waiting session changes failed; retrying';

  get waiting(): number {
    return this.created.size + this.ended.size + this.touched.size;
  }

  /** Runs a write; when the disk is full, `keep` records it here instead and a retry is scheduled. */
  write(run: () => void, keep: () => void): void {
    try {
      run();
    } catch (err) {
      if (!isDiskFull(err)) throw err;
      if (this.waiting === 0) log.warn({ err }, 'sessions: the disk is full; session changes wait in memory until it has space');
      keep();
      while (this.created.size > MAX_CREATED) this.created.delete(this.created.keys().next().value as string);
      this.retry.schedule();
    }
  }

  protected get idle(): boolean {
    return this.waiting === 0;
  }

  protected writeWaiting(): void {
    const insert = this.db.prepare(
      `INSERT OR IGNORE INTO sessions (id_hash, user_name, created_at, expires_at, remote, last_seen_at)
         SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM users WHERE name = ?)`,
    );
    for (const r of this.created.values()) insert.run(r.idHash, r.userName, r.createdAt, r.expiresAt, r.remote, r.lastSeenAt, r.userName);
    const remove = this.db.prepare('DELETE FROM sessions WHERE id_hash = ?');
    for (const h of this.ended) remove.run(h);
    const touch = this.db.prepare('UPDATE sessions SET last_seen_at = ? WHERE id_hash = ? AND last_seen_at < ?');
    for (const [h, at] of this.touched) touch.run(at, h, at);
  }

  protected written(): void {
    log.info({ created: this.created.size, ended: this.ended.size, touched: this.touched.size }, 'sessions: the waiting session changes are written');
    this.created.clear();
    this.ended.clear();
    this.touched.clear();
  }

  /** sessions still only here end (their users log in again) */
  protected lostOnClose(): void {
    log.error({ created: this.created.size }, 'sessions: the disk is still full; sessions made meanwhile are lost');
  }
}

export const sessionWrites = perDb((db) => new SessionWrites(db));
