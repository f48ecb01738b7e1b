// Opening the host shell asks for the password again: shell.unlock checks it and hands out a ticket
// that opens one shell, for this user and session only, within a minute.
import crypto from 'node:crypto';

const TICKET_TTL_MS = 60_000;
const tickets = new Map<string, { user: string; sessionToken: string | null; expires: number }>();

export function issueShellTicket(user: string, sessionToken: string | null, now = Date.now()): string {
  for (const [t, v] of tickets) if (v.expires <= now) tickets.delete(t);
  const ticket = crypto.randomBytes(24).toString('base64url');
  tickets.set(ticket, { user, sessionToken, expires: now + TICKET_TTL_MS });
  return ticket;
}

/** True once for a fresh ticket issued to this user and session; the ticket is gone afterwards either way. */
export function redeemShellTicket(ticket: string | null, user: string, sessionToken: string | null, now = Date.now()): boolean {
  if (!ticket) return false;
  const t = tickets.get(ticket);
  tickets.delete(ticket);
  return Boolean(t && t.user === user && t.sessionToken === sessionToken && t.expires > now);
}
