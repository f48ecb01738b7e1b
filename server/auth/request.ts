import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { parseCookies, SESSION_COOKIE } from './sessions';

export interface RequestInfo {
  remote: string | null;
  /** the Origin header, when the browser sent one */
  origin: string | null;
  /** the origin this server is reached at, from the Host header and the socket's TLS state */
  selfOrigin: string | null;
  secure: boolean;
  sessionToken: string | null;
}

export function requestInfo(req: IncomingMessage): RequestInfo {
  const secure = Boolean((req.socket as TLSSocket).encrypted);
  const host = req.headers.host;
  const validHost = typeof host === 'string' && /^[A-Za-z0-9.\-[\]:]{1,300}$/.test(host);
  return {
    remote: req.socket.remoteAddress ?? null,
    origin: typeof req.headers.origin === 'string' ? req.headers.origin : null,
    selfOrigin: validHost ? `${secure ? 'https' : 'http'}://${host}` : null,
    secure,
    sessionToken: parseCookies(req.headers.cookie)[SESSION_COOKIE] ?? null,
  };
}

/**
 * A state-changing request (mutation, WebSocket upgrade) must come from a page this server served:
 * the Origin header must be present and equal to our own origin.
 */
export function isSameOrigin(info: RequestInfo): boolean {
  return info.origin !== null && info.selfOrigin !== null && info.origin === info.selfOrigin;
}
