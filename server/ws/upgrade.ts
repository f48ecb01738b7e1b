import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { isSameOrigin, requestInfo, type RequestInfo } from '../auth/request';
import { userForSession } from '../auth/sessions';
import type { Role, User } from '../auth/users';
import type { Db } from '../db';

export interface WsContext {
  user: User;
  req: RequestInfo;
  /** the path after the route's prefix, e.g. the VM name for /ws/console/<vm> */
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

const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });

function refuse(socket: Duplex, status: number, text: string): void {
  socket.write(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length}\r\n\r\n${text}`);
  socket.destroy();
}

/**
 * Every WebSocket upgrade goes through here: session, role and Origin are checked before the
 * handshake completes, so nothing unauthenticated ever gets a socket.
 */
export function createUpgradeHandler(db: Db, routes: WsRoute[], passThrough?: (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean) {
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = routes.find((r) => url.pathname.startsWith(r.prefix));
    if (!route) {
      if (passThrough?.(req, socket, head)) return;
      return refuse(socket, 404, 'Not Found');
    }
    const info = requestInfo(req);
    if (!isSameOrigin(info)) return refuse(socket, 403, 'Forbidden: cross-origin WebSocket refused');
    const user = userForSession(db, info.sessionToken);
    if (!user) return refuse(socket, 401, 'Unauthorized: log in first');
    if (route.role === 'admin' && user.role !== 'admin') return refuse(socket, 403, 'Forbidden: this needs the admin role');
    let rest: string;
    try {
      rest = decodeURIComponent(url.pathname.slice(route.prefix.length));
    } catch {
      return refuse(socket, 400, 'Bad Request');
    }
    wss.handleUpgrade(req, socket, head, (ws) => route.handle(ws, { user, req: info, rest, url }));
  };
}
