import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Headers on every response. Scripts run only from this server or with this response's nonce: a
 * fresh random nonce per request goes into the CSP response header and into the request's own
 * Content-Security-Policy header, where Next reads it and stamps its inline bootstrap scripts with
 * it (pages render per request for this: app/layout.tsx). No 'unsafe-inline' for scripts;
 * 'unsafe-eval' only in dev (React refresh). Styles keep 'unsafe-inline' (Next and React inline
 * style attributes). connect-src 'self' also covers ws:/wss: to this host, and worker-src allows
 * blob: workers (xterm addons); e2e/security.spec.ts checks all of it in Chromium.
 */
export function setSecurityHeaders(req: IncomingMessage, res: ServerResponse, opts: { dev: boolean; secure: boolean }): void {
  const nonce = crypto.randomBytes(16).toString('base64');
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'${opts.dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  // what Next reads the nonce from (a client cannot choose it: it is overwritten on every request)
  req.headers['content-security-policy'] = csp;
  res.setHeader('Content-Security-Policy', csp);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
  if (opts.secure) res.setHeader('Strict-Transport-Security', 'max-age=31536000');
}

/**
 * Logged-in pages and API answers hold the machine's state and the user's data: no shared cache
 * (a proxy on the LAN) may keep them, and the browser keeps no copy either. Static build assets
 * (/_next/static, content-hashed) stay cacheable.
 */
export function setNoStore(req: IncomingMessage, res: ServerResponse): void {
  if (!(req.url ?? '').startsWith('/_next/static/')) res.setHeader('Cache-Control', 'private, no-store');
}
