// Every long-lived connection (WebSocket, tRPC subscription) belongs to the session that opened it
// and ends with it: at logout, password change or reset, role change, user deletion, and when the
// session expires or goes idle (a sweep re-checks open connections, since they make no requests).
import type { Db } from '../db';
import { userForSession } from './sessions';
import { repeatEvery } from '../repeat';

export interface BoundConnection {
  user: string;
  sessionToken: string | null;
  /** ends the connection, telling the client why */
  close(reason: string): void;
}

/** The open connections of one dashboard (built by server/compose.ts), each bound to its session. */
export class SessionConnections {
  private readonly open = new Set<BoundConnection>();

  constructor(private readonly db: Db) {}

  /** Registers a connection; call the returned function when it ends by itself. */
  bind(conn: BoundConnection): () => void {
    this.open.add(conn);
    return () => this.open.delete(conn);
  }

  /**
   * Ends the user's connections: all of them, only those of one session (`only`), or all but the
   * session that asked for the change (`except`, e.g. one's own password change).
   */
  endUserConnections(user: string, reason: string, which: { only?: string | null; except?: string | null } = {}): void {
    for (const conn of [...this.open]) {
      if (conn.user !== user) continue;
      if (which.only !== undefined && conn.sessionToken !== which.only) continue;
      if (which.except !== undefined && which.except !== null && conn.sessionToken === which.except) continue;
      this.open.delete(conn);
      conn.close(reason.slice(0, 120));
    }
  }

  /** An AbortSignal for a subscription that aborts with `signal` or when its session ends. */
  sessionSignal(who: { user: string; sessionToken: string | null }, signal: AbortSignal | undefined): AbortSignal {
    const ended = new AbortController();
    const unbind = this.bind({ ...who, close: (reason) => ended.abort(new Error(reason)) });
    const both = signal ? AbortSignal.any([signal, ended.signal]) : ended.signal;
    both.addEventListener('abort', unbind, { once: true });
    return both;
  }

  /** Closes connections whose session has ended (expired, idle, deleted) without anyone calling endUserConnections. */
  sweepEndedSessions(now = Date.now()): number {
    let closed = 0;
    const verdicts = new Map<string | null, boolean>();
    for (const conn of [...this.open]) {
      let alive = verdicts.get(conn.sessionToken);
      if (alive === undefined) {
        const user = userForSession(this.db, conn.sessionToken, now, { touch: false });
        alive = user?.name === conn.user;
        verdicts.set(conn.sessionToken, alive);
      }
      if (alive) continue;
      this.open.delete(conn);
      conn.close('your session ended: log in again');
      closed += 1;
    }
    return closed;
  }

  /** Runs the sweep every `everyMs` until the returned function is called. */
  startSweep(everyMs = 30_000): () => void {
    return repeatEvery(() => this.sweepEndedSessions(), everyMs);
  }
}
