// The host shells of one dashboard (built by server/compose.ts): the open ones, so a shutdown can end
// them, and the tickets that open them. Opening a shell asks for the password again: shell.unlock
// checks it and hands out a ticket that opens one shell, for this user and session only, within a minute.
import crypto from 'node:crypto';
import type { WebSocket } from 'ws';
import { CLOSE } from '../../common/terminal-protocol';

const TICKET_TTL_MS = 60_000;

export class OpenShells {
  /** open shell sockets (an open upgraded socket keeps the HTTP server from closing) */
  private readonly open = new Set<WebSocket>();
  /** the transcripts of the open shells: retention never deletes these */
  private readonly transcripts = new Set<string>();
  private readonly tickets = new Map<string, { user: string; sessionToken: string | null; expires: number }>();

  get openCount(): number {
    return this.open.size;
  }

  /** Counts the shell on `ws` (and its transcript) as open until the socket closes. */
  track(ws: WebSocket, transcript: string): void {
    this.open.add(ws);
    this.transcripts.add(transcript);
    ws.once('close', () => {
      this.open.delete(ws);
      this.transcripts.delete(transcript);
    });
  }

  readonly isTranscriptOpen = (id: string): boolean => this.transcripts.has(id);

  /** Ends every host shell (server shutdown); resolves once their sockets have closed. */
  async closeAll(reason = 'the dashboard is shutting down'): Promise<void> {
    await Promise.all(
      [...this.open].map((ws) => {
        const closed = new Promise((resolve) => ws.once('close', resolve));
        ws.close(CLOSE.shuttingDown, reason);
        setTimeout(() => ws.terminate(), 1_000).unref();
        return closed;
      }),
    );
  }

  issueTicket(user: string, sessionToken: string | null, now = Date.now()): string {
    for (const [t, v] of this.tickets) if (v.expires <= now) this.tickets.delete(t);
    const ticket = crypto.randomBytes(24).toString('base64url');
    this.tickets.set(ticket, { user, sessionToken, expires: now + TICKET_TTL_MS });
    return ticket;
  }

  /** True once for a fresh ticket issued to this user and session; the ticket is gone afterwards either way. */
  redeemTicket(ticket: string | null, user: string, sessionToken: string | null, now = Date.now()): boolean {
    if (!ticket) return false;
    const t = this.tickets.get(ticket);
    this.tickets.delete(ticket);
    return Boolean(t && t.user === user && t.sessionToken === sessionToken && t.expires > now);
  }
}
