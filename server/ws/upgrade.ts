import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { isSameOrigin, requestInfo, type RequestInfo } from '../auth/request';
import { userForSession } from '../auth/sessions';
import type { SessionConnections } from '../auth/session-bound';
import type { Role, User } from '../auth/users';
import type { Db } from '../db';
import { recordAudit } from '../db/audit';

export interface WsContext {
  user: User;
  req: RequestInfo;
  /** the path after the route's prefix, e.g. the VM name for /ws/console/<vm> (never contains "/" or "..") */
  rest: string;
  url: URL;
}

export interface WsRoute {
  /** path prefix, e.g. "/ws/console/" */
  prefix: string;
  /** the role needed to connect at all (a route may check more per message) */
  role: Role;
  handle(ws: WebSocket, ctx: WsContext): void;
}

/** Close code for "your session ended" (logout, password change, expiry, …): the client shows it and does not reconnect. */
export const SESSION_ENDED = 4001;
// typing into a socket counts as activity for the session's idle timer, checked at most this often
const ACTIVITY_EVERY_MS = 30_000;

const REST_MAX = 128;
function validRest(rest: string): boolean {
  // rest usually names a file-backed thing (a VM): no separators, no dot-segments, no control characters
  return rest.length <= REST_MAX && !/[/\\\x00-\x1f\x7f]/.test(rest) && rest !== '.' && !rest.includes('..');
}

export interface UpgradeDeps {
  db: Db;
  /** every socket is bound to its session and closed when the session ends */
  connections: SessionConnections;
}

/** Answers an upgrade request with a plain HTTP error and closes the socket. */
export function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  socket.write(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
  socket.destroy();
}

function track(ws: WebSocket, ctx: WsContext, { db, connections }: UpgradeDeps): void {
  const unbind = connections.bind({ user: ctx.user.name, sessionToken: ctx.req.sessionToken, close: (reason) => ws.close(SESSION_ENDED, reason) });
  let checked = Date.now();
  ws.on('message', () => {
    if (Date.now() - checked < ACTIVITY_EVERY_MS) return;
    checked = Date.now();
    if (userForSession(db, ctx.req.sessionToken)?.name !== ctx.user.name) ws.close(SESSION_ENDED, 'your session ended: log in again');
  });
  ws.once('close', unbind);
}

/**
 * Every WebSocket upgrade goes through here: Origin, session and role are checked before the
 * handshake completes, so nothing unauthenticated or cross-site ever gets a socket.
 */
export function createUpgradeHandler(deps: UpgradeDeps, routes: WsRoute[], passThrough?: (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean) {
  const { db } = deps;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = routes.find((r) => url.pathname.startsWith(r.prefix));
    if (!route) {
      if (passThrough?.(req, socket, head)) return;
      return refuseUpgrade(socket, 404, 'Not Found');
    }
    const info = requestInfo(req);
    if (!isSameOrigin(info)) return refuseUpgrade(socket, 403, 'Forbidden: cross-origin WebSocket refused');
    const user = userForSession(db, info.sessionToken);
    if (!user) return refuseUpgrade(socket, 401, 'Unauthorized: log in first');
    if (route.role === 'admin' && user.role !== 'admin') {
      recordAudit(db, { actor: user.name, remote: info.remote, action: 'ws.connect', target: url.pathname.slice(0, 200), detail: { reason: 'needs admin' }, result: 'refused' });
      return refuseUpgrade(socket, 403, 'Forbidden: this needs the admin role');
    }
    let rest: string;
    try {
      rest = decodeURIComponent(url.pathname.slice(route.prefix.length));
    } catch {
      return refuseUpgrade(socket, 400, 'Bad Request: malformed path');
    }
    if (!validRest(rest)) return refuseUpgrade(socket, 400, 'Bad Request: malformed path');
    const ctx: WsContext = { user, req: info, rest, url };
    wss.handleUpgrade(req, socket, head, (ws) => {
      track(ws, ctx, deps);
      route.handle(ws, ctx);
    });
  };
}
