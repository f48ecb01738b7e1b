import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestInfo } from '../auth/request';
import { userForSession } from '../auth/sessions';
import type { Db } from '../db';

/**
 * Paths that answer without a session: the login page and the static assets it needs. Everything
 * else, including /_next/image, unknown paths and /api/*, needs a session. (/api/trpc/ is not gated
 * here: every procedure checks its own role, and auth.login must work without a session.)
 */
export function isPublicPath(pathname: string, dev: boolean): boolean {
  if (pathname === '/login' || pathname === '/favicon.ico') return true;
  if (pathname.startsWith('/_next/static/')) return !pathname.includes('..');
  // dev only: HMR, React refresh and on-demand compiled chunks live under /_next/ too
  return dev && pathname.startsWith('/_next/');
}

/** Where to send someone after login: the page they asked for, without Next's internal query. */
function nextParam(url: URL): string {
  url.searchParams.delete('_rsc');
  const target = url.pathname + url.search;
  return target === '/' ? '/login' : `/login?next=${encodeURIComponent(target)}`;
}

/**
 * Answers the request itself (303 to the login page for page GETs, 401 for anything else) when it
 * needs a session and has none; returns true when it did.
 */
export function refuseWithoutSession(req: IncomingMessage, res: ServerResponse, opts: { db: Db; dev: boolean }): boolean {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (isPublicPath(url.pathname, opts.dev)) return false;
  if (userForSession(opts.db, requestInfo(req).sessionToken)) return false;
  res.setHeader('Cache-Control', 'no-store');
  if ((req.method === 'GET' || req.method === 'HEAD') && !url.pathname.startsWith('/api/') && !url.pathname.startsWith('/_next/')) {
    res.writeHead(303, { Location: nextParam(url) });
    res.end();
  } else {
    res.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(req.method === 'HEAD' ? undefined : 'log in first\n');
  }
  return true;
}
