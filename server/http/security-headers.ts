import type { ServerResponse } from 'node:http';

/**
 * Headers on every response. Next's App Router inlines bootstrap scripts into prerendered pages, so
 * script-src needs 'unsafe-inline' (nonces would force every page to render per request);
 * 'unsafe-eval' only in dev (React refresh). connect-src 'self' also covers ws:/wss: to this host,
 * and worker-src allows blob: workers (xterm addons); e2e/security.spec.ts checks both in Chromium.
 */
export function setSecurityHeaders(res: ServerResponse, opts: { dev: boolean; secure: boolean }): void {
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${opts.dev ? " 'unsafe-eval'" : ''}`,
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
  res.setHeader('Content-Security-Policy', csp);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
  if (opts.secure) res.setHeader('Strict-Transport-Security', 'max-age=31536000');
}
